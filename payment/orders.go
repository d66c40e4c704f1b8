package payment

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"

	"wxtill/pos"
)

// chinaTime is the zone WeChat writes its times in (+08:00, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*60*60)

// PrepayNative creates a Native order and returns its code_url. time_expire is
// o.ExpiresAt, or now + [store] order_expiry when that is zero; attach is o.Attach, or the
// till id when that is empty. WeChat gives the same code_url for a repeated prepay only
// when every field is the same: a caller that may repeat one sets ExpiresAt.
func (g *Gateway) PrepayNative(ctx context.Context, o pos.NativeOrder) (string, error) {
	if err := g.ready(ctx); err != nil {
		return "", err
	}
	if err := checkTradeNo(o.OutTradeNo); err != nil {
		return "", err
	}
	if err := checkTotal(o.Total); err != nil {
		return "", err
	}
	expires := o.ExpiresAt
	if expires.IsZero() {
		expires = g.now().Add(g.cfg.Store.OrderExpiry)
	}
	expires = expires.In(chinaTime).Truncate(time.Second)
	req := native.PrepayRequest{
		Appid:       core.String(g.cfg.Merchant.AppID),
		Mchid:       core.String(g.cfg.Merchant.MchID),
		Description: core.String(g.description(o.Description)),
		OutTradeNo:  core.String(o.OutTradeNo),
		TimeExpire:  &expires,
		Attach:      core.String(g.attach(o.Attach)),
		NotifyUrl:   core.String(g.notifyURL()),
		Amount:      &native.Amount{Total: core.Int64(int64(o.Total)), Currency: core.String("CNY")},
	}
	resp, result, err := g.native.Prepay(ctx, req)
	if err != nil {
		return "", classify(err, result)
	}
	if resp.CodeUrl == nil || *resp.CodeUrl == "" {
		return "", badResponse(statusOf(result), fmt.Errorf("prepay reply has no code_url"))
	}
	return *resp.CodeUrl, nil
}

// notifyURL is the configured one, or a placeholder: WeChat requires the field even
// from a till that learns every result by querying.
func (g *Gateway) notifyURL() string {
	if g.cfg.WeChatPay.NotifyURL != "" {
		return g.cfg.WeChatPay.NotifyURL
	}
	return placeholderNotifyURL
}

// Query asks for an order's state by out_trade_no.
func (g *Gateway) Query(ctx context.Context, outTradeNo string) (pos.OrderStatus, error) {
	if err := g.ready(ctx); err != nil {
		return pos.OrderStatus{}, err
	}
	if err := checkTradeNo(outTradeNo); err != nil {
		return pos.OrderStatus{}, err
	}
	tx, result, err := g.native.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{
		OutTradeNo: core.String(outTradeNo),
		Mchid:      core.String(g.cfg.Merchant.MchID),
	})
	if err != nil {
		return pos.OrderStatus{}, classify(err, result)
	}
	st, err := orderStatus(tx, outTradeNo)
	if err != nil {
		return pos.OrderStatus{}, badResponse(statusOf(result), err)
	}
	return st, nil
}

// Close closes an unpaid order (WeChat answers 204). A paid order gives ClassSettled
// with code ORDERPAID.
func (g *Gateway) Close(ctx context.Context, outTradeNo string) error {
	if err := g.ready(ctx); err != nil {
		return err
	}
	if err := checkTradeNo(outTradeNo); err != nil {
		return err
	}
	result, err := g.native.CloseOrder(ctx, native.CloseOrderRequest{
		OutTradeNo: core.String(outTradeNo),
		Mchid:      core.String(g.cfg.Merchant.MchID),
	})
	return classify(err, result)
}

var knownTradeStates = map[string]pos.TradeState{
	"SUCCESS": pos.TradeSuccess, "NOTPAY": pos.TradeNotPay, "CLOSED": pos.TradeClosed,
	"REFUND": pos.TradeRefund, "USERPAYING": pos.TradeUserPaying, "PAYERROR": pos.TradePayError,
	"REVOKED": pos.TradeRevoked,
}

// orderStatus checks and converts WeChat's transaction. A reply about another order, in
// an unknown state (ask again: never guess a final state) or with negative amounts is an
// error, never a result. An odd success_time is not: the state is what counts, and a
// paid order must not be held back by the format of its time.
func orderStatus(tx *payments.Transaction, want string) (pos.OrderStatus, error) {
	if tx == nil {
		return pos.OrderStatus{}, fmt.Errorf("empty reply")
	}
	st := pos.OrderStatus{OutTradeNo: want}
	if got := deref(tx.OutTradeNo); got != "" && got != want {
		return st, fmt.Errorf("reply is about order %q, not %q", got, want)
	}
	state, ok := knownTradeStates[deref(tx.TradeState)]
	if !ok {
		return st, fmt.Errorf("unknown trade_state %q", deref(tx.TradeState))
	}
	st.State = state
	st.StateDesc = deref(tx.TradeStateDesc)
	st.TransactionID = deref(tx.TransactionId)
	if tx.Amount != nil {
		st.Total = pos.Money(derefInt(tx.Amount.Total))
		st.PayerTotal = pos.Money(derefInt(tx.Amount.PayerTotal))
	}
	if st.Total < 0 || st.PayerTotal < 0 {
		return st, fmt.Errorf("negative amount in reply")
	}
	st.SuccessTime = parseWeChatTime(deref(tx.SuccessTime))
	return st, nil
}

// weChatTimeLayouts are the forms a time may take: RFC 3339 with or without fractional
// seconds, "Z" or an offset (APIv3's rule: ISO 8601, e.g. yyyy-MM-DDTHH:mm:ss.SSS+08:00),
// an offset without a colon, and no zone at all (China time).
var weChatTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// parseWeChatTime reads a time WeChat wrote; what it cannot read is the zero time.
func parseWeChatTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range weChatTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t
		}
	}
	return time.Time{}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}
