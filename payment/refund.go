package payment

import (
	"context"
	"fmt"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"wxtill/pos"
)

// Refund asks for r.Amount back out of the order. Repeating it with the same OutRefundNo
// is the same refund at WeChat. The result usually comes later: QueryRefund.
func (g *Gateway) Refund(ctx context.Context, r pos.RefundRequest) (pos.RefundStatus, error) {
	if err := g.ready(ctx); err != nil {
		return pos.RefundStatus{}, err
	}
	if err := checkTradeNo(r.OutTradeNo); err != nil {
		return pos.RefundStatus{}, err
	}
	if err := checkRefundNo(r.OutRefundNo); err != nil {
		return pos.RefundStatus{}, err
	}
	if err := checkTotal(r.Total); err != nil {
		return pos.RefundStatus{}, err
	}
	if r.Amount <= 0 || r.Amount > r.Total {
		return pos.RefundStatus{}, invalid(fmt.Sprintf("退款金额 %s 超出订单金额 %s / refund %s is not within the order's %s",
			r.Amount, r.Total, r.Amount, r.Total))
	}
	req := refunddomestic.CreateRequest{
		OutTradeNo:  core.String(r.OutTradeNo),
		OutRefundNo: core.String(r.OutRefundNo),
		Amount: &refunddomestic.AmountReq{
			Refund: core.Int64(int64(r.Amount)), Total: core.Int64(int64(r.Total)), Currency: core.String("CNY"),
		},
	}
	if reason := fieldText(r.Reason, maxReasonBytes); reason != "" {
		req.Reason = core.String(reason)
	}
	if g.cfg.WeChatPay.NotifyURL != "" {
		req.NotifyUrl = core.String(g.cfg.WeChatPay.NotifyURL)
	}
	resp, result, err := g.refunds.Create(ctx, req)
	if err != nil {
		return pos.RefundStatus{}, classify(err, result)
	}
	st, err := refundStatus(resp, r.OutRefundNo)
	if err != nil {
		return pos.RefundStatus{}, badResponse(statusOf(result), err)
	}
	return st, nil
}

// QueryRefund asks for a refund's state by out_refund_no.
func (g *Gateway) QueryRefund(ctx context.Context, outRefundNo string) (pos.RefundStatus, error) {
	if err := g.ready(ctx); err != nil {
		return pos.RefundStatus{}, err
	}
	if err := checkRefundNo(outRefundNo); err != nil {
		return pos.RefundStatus{}, err
	}
	resp, result, err := g.refunds.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{
		OutRefundNo: core.String(outRefundNo),
	})
	if err != nil {
		return pos.RefundStatus{}, classify(err, result)
	}
	st, err := refundStatus(resp, outRefundNo)
	if err != nil {
		return pos.RefundStatus{}, badResponse(statusOf(result), err)
	}
	return st, nil
}

func checkRefundNo(no string) error {
	if !outRefundNoShape.MatchString(no) {
		return invalid("退款单号应为 1-64 位字母、数字、_-|*@ / out_refund_no must be 1-64 letters, digits or _-|*@")
	}
	return nil
}

var knownRefundStates = map[refunddomestic.Status]pos.RefundState{
	refunddomestic.STATUS_SUCCESS:    pos.RefundSuccess,
	refunddomestic.STATUS_CLOSED:     pos.RefundClosed,
	refunddomestic.STATUS_PROCESSING: pos.RefundProcessing,
	refunddomestic.STATUS_ABNORMAL:   pos.RefundAbnormal,
}

// refundStatus checks and converts WeChat's refund record.
func refundStatus(r *refunddomestic.Refund, want string) (pos.RefundStatus, error) {
	if r == nil {
		return pos.RefundStatus{}, fmt.Errorf("empty reply")
	}
	st := pos.RefundStatus{OutRefundNo: want, RefundID: deref(r.RefundId)}
	if got := deref(r.OutRefundNo); got != "" && got != want {
		return st, fmt.Errorf("reply is about refund %q, not %q", got, want)
	}
	if r.Status == nil {
		return st, fmt.Errorf("reply has no status")
	}
	state, ok := knownRefundStates[*r.Status]
	if !ok {
		return st, fmt.Errorf("unknown refund status %q", *r.Status)
	}
	st.State = state
	if r.Amount != nil {
		st.Amount = pos.Money(derefInt(r.Amount.Refund))
	}
	if st.Amount < 0 {
		return st, fmt.Errorf("negative refund amount in reply")
	}
	if r.SuccessTime != nil {
		st.SuccessTime = *r.SuccessTime
	}
	return st, nil
}
