package sandbox

import (
	"encoding/json"
	"net/http"
)

// nativeRequest is the body of POST /v3/pay/transactions/native.
type nativeRequest struct {
	AppID         string       `json:"appid"`
	MchID         string       `json:"mchid"`
	Description   string       `json:"description"`
	OutTradeNo    string       `json:"out_trade_no"`
	TimeExpire    string       `json:"time_expire,omitempty"`
	Attach        string       `json:"attach,omitempty"`
	NotifyURL     string       `json:"notify_url"`
	GoodsTag      string       `json:"goods_tag,omitempty"`
	SupportFapiao *bool        `json:"support_fapiao,omitempty"`
	Amount        *amountField `json:"amount"`
	Detail        any          `json:"detail,omitempty"`
	SceneInfo     any          `json:"scene_info,omitempty"`
	SettleInfo    any          `json:"settle_info,omitempty"`
}

type amountField struct {
	Total    *int64 `json:"total"`
	Currency string `json:"currency,omitempty"`
}

// fingerprint is a request in canonical form (sorted keys, no spaces, currency filled
// in), so a retry of the same order matches byte for byte and a changed one does not.
func fingerprint(v any) string {
	b, _ := json.Marshal(v) // decoded JSON always marshals back
	return string(b)
}

func orderNotExist() *apiError {
	return newError(http.StatusNotFound, "ORDER_NOT_EXIST", "订单不存在 / no such order")
}

// checkOrderCommon checks the fields every order request (Native, payment code) carries,
// with WeChat's limits: description 127 bytes, attach 128 bytes.
func (s *Server) checkOrderCommon(appID, mchID, description, outTradeNo, attach string) *apiError {
	if e := s.checkAppID(appID); e != nil {
		return e
	}
	if e := s.checkMchID(mchID); e != nil {
		return e
	}
	if e := checkText("description", description, true, 127); e != nil {
		return e
	}
	if e := checkOutTradeNo(outTradeNo); e != nil {
		return e
	}
	return checkText("attach", attach, false, 128)
}

func (s *Server) checkNative(req *nativeRequest) *apiError {
	if e := s.checkOrderCommon(req.AppID, req.MchID, req.Description, req.OutTradeNo, req.Attach); e != nil {
		return e
	}
	if e := checkText("goods_tag", req.GoodsTag, false, 32); e != nil {
		return e
	}
	if e := checkNotifyURL(req.NotifyURL, true); e != nil {
		return e
	}
	if req.Amount == nil {
		return paramError("缺少 amount / amount is required")
	}
	return checkAmount(req.Amount.Total, req.Amount.Currency)
}

// nativePrepay is POST /v3/pay/transactions/native: it answers {"code_url": ...}.
func (s *Server) nativePrepay(c *call) reply {
	var req nativeRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return errorReply(e)
	}
	if e := s.checkNative(&req); e != nil {
		return errorReply(e)
	}
	req.Amount.Currency = "CNY"
	fp := fingerprint(req)
	if o := s.book.orders[req.OutTradeNo]; o != nil {
		return repeatPrepay(o, fp)
	}
	expires, e := parseTimeExpire(req.TimeExpire, c.now)
	if e != nil {
		return errorReply(e)
	}
	o := &order{
		tradeType: tradeNative, appid: req.AppID, mchid: req.MchID, description: req.Description,
		outTradeNo: req.OutTradeNo, attach: req.Attach, notifyURL: req.NotifyURL,
		total: *req.Amount.Total, codeURL: s.book.newCodeURL(), created: c.now, expires: expires,
		state: stateNotPay, fingerprint: fp, acceptSerial: c.serial,
	}
	s.book.add(o)
	return jsonReply(http.StatusOK, map[string]string{"code_url": o.codeURL})
}

// repeatPrepay answers a prepay for an out_trade_no already in the book: the same
// request gets the same code_url while the order is open; anything else is refused.
func repeatPrepay(o *order, fp string) reply {
	switch {
	case o.fingerprint != fp:
		return errorReply(newError(http.StatusForbidden, "OUT_TRADE_NO_USED",
			"商户订单号重复，且与首次下单参数不一致 / out_trade_no already used with different parameters"))
	case o.paid():
		return errorReply(newError(http.StatusBadRequest, "ORDERPAID", "该订单已支付 / order already paid"))
	case o.state != stateNotPay:
		return errorReply(newError(http.StatusBadRequest, "ORDER_CLOSED", "订单已关闭 / order is closed"))
	}
	return jsonReply(http.StatusOK, map[string]string{"code_url": o.codeURL})
}

// queryByOutTradeNo is GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=...
func (s *Server) queryByOutTradeNo(c *call) reply {
	if e := s.checkMchID(c.r.URL.Query().Get("mchid")); e != nil {
		return errorReply(e)
	}
	o := s.book.orders[c.r.PathValue("out_trade_no")]
	if o == nil {
		return errorReply(orderNotExist())
	}
	return jsonReply(http.StatusOK, o.view())
}

// queryByTransactionID is GET /v3/pay/transactions/id/{transaction_id}?mchid=...
func (s *Server) queryByTransactionID(c *call) reply {
	if e := s.checkMchID(c.r.URL.Query().Get("mchid")); e != nil {
		return errorReply(e)
	}
	o := s.book.byTxn[c.r.PathValue("transaction_id")]
	if o == nil {
		return errorReply(orderNotExist())
	}
	return jsonReply(http.StatusOK, o.view())
}

// closeOrder is POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close: 204 when
// closed (again), ORDERPAID when the customer paid first.
func (s *Server) closeOrder(c *call) reply {
	var req struct {
		MchID string `json:"mchid"`
	}
	if e := decodeJSON(c.body, &req); e != nil {
		return errorReply(e)
	}
	if e := s.checkMchID(req.MchID); e != nil {
		return errorReply(e)
	}
	o := s.book.orders[c.r.PathValue("out_trade_no")]
	switch {
	case o == nil:
		return errorReply(orderNotExist())
	case o.tradeType != tradeNative:
		return errorReply(invalidRequest("付款码订单请调用撤销订单 / payment-code orders are reversed, not closed"))
	case o.paid():
		return errorReply(newError(http.StatusBadRequest, "ORDERPAID", "该订单已支付 / order already paid"))
	}
	o.state = stateClosed
	return reply{status: http.StatusNoContent}
}
