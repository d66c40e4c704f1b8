package sandbox

import "net/http"

// Test payment codes (18 digits, prefix 10–15). Any other well-formed code pays at once.
const (
	CodePayNow     = "134000000000000001" // SUCCESS at once
	CodeUserPaying = "134000000000000002" // 202 USERPAYING, then SUCCESS after 5 s of Options.Clock
	CodeFail       = "134000000000000003" // refused: 403 TRADE_ERROR, the order is PAYERROR
	CodeNotEnough  = "134000000000000004" // refused: 403 NOTENOUGH (balance too low), the order is PAYERROR
)

// codeRefusals are the errors WeChat gives for a refused payment code.
var codeRefusals = map[string]*apiError{
	CodeFail: newError(http.StatusForbidden, "TRADE_ERROR",
		"交易失败，请用户刷新付款码后重新支付 / payment refused: ask the customer to refresh the code"),
	CodeNotEnough: newError(http.StatusForbidden, "NOTENOUGH",
		"用户余额不足，请用户换卡支付 / the customer's balance is too low"),
}

// codepayRequest is the body of POST /v3/pay/transactions/codepay.
type codepayRequest struct {
	AppID         string       `json:"appid"`
	MchID         string       `json:"mchid"`
	Description   string       `json:"description"`
	OutTradeNo    string       `json:"out_trade_no"`
	Attach        string       `json:"attach,omitempty"`
	GoodsTag      string       `json:"goods_tag,omitempty"`
	SupportFapiao *bool        `json:"support_fapiao,omitempty"`
	Payer         *codePayer   `json:"payer"`
	Amount        *amountField `json:"amount"`
	SceneInfo     *codeScene   `json:"scene_info"`
	Detail        any          `json:"detail,omitempty"`
	SettleInfo    any          `json:"settle_info,omitempty"`
}

type codePayer struct {
	AuthCode string `json:"auth_code"`
}

type codeScene struct {
	DeviceID  string         `json:"device_id,omitempty"`
	DeviceIP  string         `json:"device_ip,omitempty"`
	StoreInfo map[string]any `json:"store_info"`
}

// userPayingReply is the 202 answer while the customer types the password: WeChat's
// {"code":"USERPAYING","message":...} plus the transaction, so either way of reading works.
type userPayingReply struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	transaction
}

func (s *Server) checkCodepay(req *codepayRequest) *apiError {
	if e := s.checkOrderCommon(req.AppID, req.MchID, req.Description, req.OutTradeNo, req.Attach); e != nil {
		return e
	}
	if req.Payer == nil || !authCodePattern.MatchString(req.Payer.AuthCode) {
		return paramError("payer.auth_code 须为10-15开头的18位数字，请重新扫码 / payer.auth_code must be 18 digits starting 10-15: scan again")
	}
	if req.Amount == nil {
		return paramError("缺少 amount / amount is required")
	}
	if e := checkAmount(req.Amount.Total, req.Amount.Currency); e != nil {
		return e
	}
	if req.SceneInfo == nil || req.SceneInfo.StoreInfo == nil {
		return paramError("缺少 scene_info.store_info / scene_info.store_info is required")
	}
	// WeChat wants the store named one way or the other: its own id or the merchant's out_id.
	id, _ := req.SceneInfo.StoreInfo["id"].(string)
	outID, _ := req.SceneInfo.StoreInfo["out_id"].(string)
	if id == "" && outID == "" {
		return paramError("scene_info.store_info 须有 id 或 out_id / scene_info.store_info needs id or out_id")
	}
	return nil
}

// codepay is POST /v3/pay/transactions/codepay: 200 with the transaction when paid, 202
// USERPAYING while the customer types the password, 403 when the code is refused.
func (s *Server) codepay(c *call) reply {
	var req codepayRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return errorReply(e)
	}
	if e := s.checkCodepay(&req); e != nil {
		return errorReply(e)
	}
	req.Amount.Currency = "CNY"
	fp := fingerprint(req)
	if o := s.book.orders[req.OutTradeNo]; o != nil {
		if o.fingerprint != fp {
			return errorReply(newError(http.StatusForbidden, "OUT_TRADE_NO_USED",
				"商户订单号重复，且与首次下单参数不一致 / out_trade_no already used with different parameters"))
		}
		return codepayAnswer(o) // a retry: the same order, never a second charge
	}
	o := &order{
		tradeType: tradeMicropay, appid: req.AppID, mchid: req.MchID, description: req.Description,
		outTradeNo: req.OutTradeNo, attach: req.Attach, total: *req.Amount.Total,
		transactionID: s.book.newTransactionID(c.now), openid: newOpenID(), created: c.now,
		state: stateUserPaying, fingerprint: fp, acceptSerial: c.serial, authCode: req.Payer.AuthCode,
	}
	s.book.add(o)
	switch code := req.Payer.AuthCode; {
	case codeRefusals[code] != nil:
		o.state = statePayError
	case code == CodeUserPaying:
		o.payingUntil = c.now.Add(passwordDelay)
		s.book.paying[o] = true
	default:
		s.book.settle(o, c.now)
	}
	return codepayAnswer(o)
}

// codepayAnswer is the codepay reply for an order's current state.
func codepayAnswer(o *order) reply {
	switch o.state {
	case stateSuccess, stateRefund:
		return jsonReply(http.StatusOK, o.view())
	case stateUserPaying:
		return jsonReply(http.StatusAccepted, userPayingReply{
			Code: "USERPAYING", Message: "用户支付中，需要输入密码 / the customer is entering the password", transaction: o.view(),
		})
	case statePayError:
		if e := codeRefusals[o.authCode]; e != nil {
			return errorReply(e)
		}
		return errorReply(newError(http.StatusForbidden, "TRADE_ERROR", "支付失败 / payment failed"))
	}
	return errorReply(newError(http.StatusBadRequest, "ORDER_CLOSED", "订单已撤销 / order was reversed"))
}

// reverse is POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse: it closes a
// payment-code order, giving the money back when it was paid.
func (s *Server) reverse(c *call) reply {
	var req struct {
		AppID string `json:"appid"`
		MchID string `json:"mchid"`
	}
	if e := decodeJSON(c.body, &req); e != nil {
		return errorReply(e)
	}
	if e := s.checkMchID(req.MchID); e != nil {
		return errorReply(e)
	}
	if e := s.checkAppID(req.AppID); e != nil {
		return errorReply(e)
	}
	o := s.book.orders[c.r.PathValue("out_trade_no")]
	switch {
	case o == nil:
		return errorReply(orderNotExist())
	case o.tradeType != tradeMicropay:
		return errorReply(invalidRequest("只能撤销付款码订单，Native 订单请关单 / only payment-code orders can be reversed; close a Native order"))
	case o.state == stateRefund:
		return errorReply(invalidRequest("订单已发生退款，不能撤销 / order has refunds: it cannot be reversed"))
	case o.state == stateSuccess:
		o.revokedPaid = true
	}
	if o.state != stateRevoked {
		o.state = stateRevoked
		o.revokedAt = c.now
		delete(s.book.paying, o)
	}
	return jsonReply(http.StatusOK, map[string]string{"appid": o.appid, "mchid": o.mchid, "out_trade_no": o.outTradeNo})
}
