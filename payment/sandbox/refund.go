package sandbox

import (
	"net/http"
	"time"
)

const (
	refundProcessing = "PROCESSING"
	refundSuccess    = "SUCCESS"
)

// refund is one refund of a paid order.
type refund struct {
	refundID     string
	outRefundNo  string
	order        *order
	reason       string
	notifyURL    string
	amount       int64
	created      time.Time
	due          time.Time // PROCESSING until then
	successTime  time.Time
	status       string
	fingerprint  string
	acceptSerial string
}

// refundRequest is the body of POST /v3/refund/domestic/refunds.
type refundRequest struct {
	SubMchID      string         `json:"sub_mchid,omitempty"`
	TransactionID string         `json:"transaction_id,omitempty"`
	OutTradeNo    string         `json:"out_trade_no,omitempty"`
	OutRefundNo   string         `json:"out_refund_no"`
	Reason        string         `json:"reason,omitempty"`
	NotifyURL     string         `json:"notify_url,omitempty"`
	FundsAccount  string         `json:"funds_account,omitempty"`
	Amount        *refundAmounts `json:"amount"`
	GoodsDetail   any            `json:"goods_detail,omitempty"`
}

type refundAmounts struct {
	Refund   *int64 `json:"refund"`
	From     any    `json:"from,omitempty"`
	Total    *int64 `json:"total"`
	Currency string `json:"currency,omitempty"`
}

func checkRefund(req *refundRequest) *apiError {
	switch {
	case req.SubMchID != "":
		return paramError("普通商户不能传 sub_mchid / sub_mchid is for service providers")
	case req.TransactionID == "" && req.OutTradeNo == "":
		return paramError("transaction_id 与 out_trade_no 须填一个 / give transaction_id or out_trade_no")
	case !outRefundNoPattern.MatchString(req.OutRefundNo):
		return paramError("out_refund_no 须为1-64位数字、字母或 _-|*@ / out_refund_no must be 1-64 of [0-9A-Za-z_-|*@]")
	case req.Amount == nil:
		return paramError("缺少 amount / amount is required")
	}
	if e := checkText("reason", req.Reason, false, 80); e != nil {
		return e
	}
	if e := checkNotifyURL(req.NotifyURL, false); e != nil {
		return e
	}
	if e := checkAmount(req.Amount.Total, req.Amount.Currency); e != nil {
		return e
	}
	if r := req.Amount.Refund; r == nil || *r <= 0 || *r > maxTotal {
		return paramError("amount.refund 须为大于0的整数分 / amount.refund must be a positive number of fen")
	}
	return nil
}

// refundOrder finds the paid order a refund request names.
func (b *book) refundOrder(req *refundRequest) *order {
	o := b.orders[req.OutTradeNo]
	if req.TransactionID != "" {
		byTxn := b.byTxn[req.TransactionID]
		if o != nil && o != byTxn {
			return nil // the two numbers name different orders
		}
		o = byTxn
	}
	if o == nil || !o.paid() {
		return nil
	}
	return o
}

// createRefund is POST /v3/refund/domestic/refunds. The refund is PROCESSING, then
// SUCCESS a few seconds later; the same out_refund_no retried is the same refund.
func (s *Server) createRefund(c *call) reply {
	var req refundRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return errorReply(e)
	}
	if e := checkRefund(&req); e != nil {
		return errorReply(e)
	}
	req.Amount.Currency = "CNY"
	fp := fingerprint(req)
	if r := s.book.refunds[req.OutRefundNo]; r != nil {
		if r.fingerprint != fp {
			return errorReply(invalidRequest("退款单号已使用，且参数与首次请求不一致 / out_refund_no already used with different parameters"))
		}
		return jsonReply(http.StatusOK, r.view())
	}
	o := s.book.refundOrder(&req)
	if o == nil {
		return errorReply(newError(http.StatusNotFound, "RESOURCE_NOT_EXISTS",
			"订单不存在或未支付 / no paid order with that number"))
	}
	if e := refundAllowed(o, *req.Amount.Total, *req.Amount.Refund, c.now); e != nil {
		return errorReply(e)
	}
	r := &refund{
		refundID: s.book.newRefundID(c.now), outRefundNo: req.OutRefundNo, order: o,
		reason: req.Reason, notifyURL: req.NotifyURL, amount: *req.Amount.Refund,
		created: c.now, due: c.now.Add(refundDelay), status: refundProcessing,
		fingerprint: fp, acceptSerial: c.serial,
	}
	o.refunds = append(o.refunds, r)
	o.state = stateRefund
	s.book.refunds[r.outRefundNo] = r
	s.book.pending[r] = true
	return jsonReply(http.StatusOK, r.view())
}

// refundAllowed applies WeChat's rules: the order's true total, no more than is left, at
// most 50 refunds an order, a minute apart.
func refundAllowed(o *order, total, amount int64, now time.Time) *apiError {
	if total != o.total {
		return invalidRequest("amount.total 与订单金额 %d 分不符 / amount.total is not the order's total", o.total)
	}
	if len(o.refunds) >= maxRefundsAnOrder {
		return invalidRequest("该订单部分退款已达50次 / this order already has 50 refunds")
	}
	if n := len(o.refunds); n > 0 && now.Sub(o.refunds[n-1].created) < refundGap {
		return newError(http.StatusTooManyRequests, "FREQUENCY_LIMITED",
			"同一订单的两次退款须间隔1分钟 / refunds of one order must be a minute apart")
	}
	if left := o.total - o.refunded(); amount > left {
		return invalidRequest("申请退款金额超过订单可退金额 %d 分 / refund is more than the %d fen left", left, left)
	}
	return nil
}

// queryRefund is GET /v3/refund/domestic/refunds/{out_refund_no}.
func (s *Server) queryRefund(c *call) reply {
	r := s.book.refunds[c.r.PathValue("out_refund_no")]
	if r == nil {
		return errorReply(newError(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "退款单不存在 / no such refund"))
	}
	return jsonReply(http.StatusOK, r.view())
}

// refundView is a refund as the refund APIs show it (services/refunddomestic.Refund).
type refundView struct {
	RefundID            string            `json:"refund_id"`
	OutRefundNo         string            `json:"out_refund_no"`
	TransactionID       string            `json:"transaction_id"`
	OutTradeNo          string            `json:"out_trade_no"`
	Channel             string            `json:"channel"`
	UserReceivedAccount string            `json:"user_received_account"`
	SuccessTime         string            `json:"success_time,omitempty"`
	CreateTime          string            `json:"create_time"`
	Status              string            `json:"status"`
	FundsAccount        string            `json:"funds_account"`
	Amount              refundAmountsView `json:"amount"`
	PromotionDetail     []any             `json:"promotion_detail"`
}

type refundAmountsView struct {
	Total            int64  `json:"total"`
	Refund           int64  `json:"refund"`
	From             []any  `json:"from"`
	PayerTotal       int64  `json:"payer_total"`
	PayerRefund      int64  `json:"payer_refund"`
	SettlementRefund int64  `json:"settlement_refund"`
	SettlementTotal  int64  `json:"settlement_total"`
	DiscountRefund   int64  `json:"discount_refund"`
	Currency         string `json:"currency"`
}

func (r *refund) view() refundView {
	v := refundView{
		RefundID: r.refundID, OutRefundNo: r.outRefundNo, TransactionID: r.order.transactionID,
		OutTradeNo: r.order.outTradeNo, Channel: "ORIGINAL", UserReceivedAccount: "支付用户零钱",
		CreateTime: r.created.In(cst).Format(time.RFC3339), Status: r.status, FundsAccount: "AVAILABLE",
		Amount: refundAmountsView{
			Total: r.order.total, Refund: r.amount, From: []any{}, PayerTotal: r.order.total,
			PayerRefund: r.amount, SettlementRefund: r.amount, SettlementTotal: r.order.total, Currency: "CNY",
		},
		PromotionDetail: []any{},
	}
	if r.status == refundSuccess {
		v.SuccessTime = r.successTime.In(cst).Format(time.RFC3339)
	}
	return v
}
