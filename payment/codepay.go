package payment

import (
	"context"
	"errors"
	"net/url"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/consts"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"

	"wxtill/pos"
)

// The SDK has no service for payment codes (付款码): its core client signs these calls.
type codePayRequest struct {
	AppID       string        `json:"appid"`
	MchID       string        `json:"mchid"`
	Description string        `json:"description"`
	OutTradeNo  string        `json:"out_trade_no"`
	Attach      string        `json:"attach,omitempty"`
	Payer       codePayPayer  `json:"payer"`
	Amount      codePayAmount `json:"amount"`
	SceneInfo   codePayScene  `json:"scene_info"`
}

type codePayPayer struct {
	AuthCode string `json:"auth_code"`
}

type codePayAmount struct {
	Total    int64  `json:"total"`
	Currency string `json:"currency"`
}

type codePayScene struct {
	StoreInfo codePayStore `json:"store_info"`
}

type codePayStore struct {
	OutID string `json:"out_id"` // the merchant's own id of the till that charged
}

type reverseRequest struct {
	AppID string `json:"appid"`
	MchID string `json:"mchid"`
}

// PayCode charges the customer's payment code. USERPAYING (the customer is entering the
// password) comes back as a status, whether WeChat says it in a reply or as an error
// code: query again after ~5 s, reverse after ~30 s.
func (g *Gateway) PayCode(ctx context.Context, o pos.CodeOrder) (pos.OrderStatus, error) {
	if err := g.ready(ctx); err != nil {
		return pos.OrderStatus{}, err
	}
	if err := checkTradeNo(o.OutTradeNo); err != nil {
		return pos.OrderStatus{}, err
	}
	if err := checkTotal(o.Total); err != nil {
		return pos.OrderStatus{}, err
	}
	if !pos.ValidAuthCode(o.AuthCode) {
		// Most often a product's barcode scanned into the payment field.
		return pos.OrderStatus{}, invalid("不是微信付款码（应为 10-15 开头的 18 位数字）/ not a WeChat payment code (18 digits starting 10-15)")
	}
	req := codePayRequest{
		AppID:       g.cfg.Merchant.AppID,
		MchID:       g.cfg.Merchant.MchID,
		Description: g.description(o.Description),
		OutTradeNo:  o.OutTradeNo,
		Attach:      g.attach(o.Attach),
		Payer:       codePayPayer{AuthCode: o.AuthCode},
		Amount:      codePayAmount{Total: int64(o.Total), Currency: "CNY"},
		SceneInfo:   codePayScene{StoreInfo: codePayStore{OutID: g.cfg.Store.TillID}},
	}
	result, err := g.client.Post(ctx, consts.WechatPayAPIServer+"/v3/pay/transactions/codepay", req)
	if err != nil {
		gerr := classify(err, result)
		if pos.CodeOf(gerr) == string(pos.TradeUserPaying) {
			return pos.OrderStatus{OutTradeNo: o.OutTradeNo, State: pos.TradeUserPaying, StateDesc: messageOf(gerr)}, nil
		}
		return pos.OrderStatus{}, gerr
	}
	tx := new(payments.Transaction)
	if err := core.UnMarshalResponse(result.Response, tx); err != nil {
		return pos.OrderStatus{}, badResponse(statusOf(result), err)
	}
	if tx.TradeState == nil {
		// A 202 may carry only {"code":"USERPAYING","message":...}.
		var reply struct{ Code, Message string }
		if core.UnMarshalResponse(result.Response, &reply) == nil && reply.Code == string(pos.TradeUserPaying) {
			return pos.OrderStatus{OutTradeNo: o.OutTradeNo, State: pos.TradeUserPaying, StateDesc: reply.Message}, nil
		}
	}
	st, err := orderStatus(tx, o.OutTradeNo)
	if err != nil {
		return pos.OrderStatus{}, badResponse(statusOf(result), err)
	}
	return st, nil
}

func messageOf(err error) string {
	var ge *pos.GatewayError
	if errors.As(err, &ge) {
		return ge.Message
	}
	return ""
}

// Reverse cancels a payment-code order, refunding the customer if it was paid.
func (g *Gateway) Reverse(ctx context.Context, outTradeNo string) error {
	if err := g.ready(ctx); err != nil {
		return err
	}
	if err := checkTradeNo(outTradeNo); err != nil {
		return err
	}
	path := consts.WechatPayAPIServer + "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/reverse"
	result, err := g.client.Post(ctx, path, reverseRequest{AppID: g.cfg.Merchant.AppID, MchID: g.cfg.Merchant.MchID})
	return classify(err, result)
}
