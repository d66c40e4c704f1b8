package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
)

// paidOrder makes a paid Native order of total fen.
func paidOrder(t *testing.T, s *Server, c *core.Client, outTradeNo string, total int64) {
	t.Helper()
	svc := native.NativeApiService{Client: c}
	if _, _, err := svc.Prepay(context.Background(), prepayRequest(s, outTradeNo, total)); err != nil {
		t.Fatal(err)
	}
	if err := s.Pay(outTradeNo); err != nil {
		t.Fatal(err)
	}
}

func refundReq(outTradeNo, outRefundNo string, amount, total int64) refunddomestic.CreateRequest {
	return refunddomestic.CreateRequest{
		OutTradeNo: core.String(outTradeNo), OutRefundNo: core.String(outRefundNo),
		Amount: &refunddomestic.AmountReq{Refund: core.Int64(amount), Total: core.Int64(total), Currency: core.String("CNY")},
	}
}

func TestRefundRules(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	rs := refunddomestic.RefundsApiService{Client: c}
	ctx := context.Background()
	paidOrder(t, s, c, "T-refund-rules", 1000)
	create := func(req refunddomestic.CreateRequest) error {
		_, _, err := rs.Create(ctx, req)
		return err
	}
	if err := create(refundReq("T-refund-rules", "R-1", 600, 1000)); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, create(refundReq("T-refund-rules", "R-2", 300, 1000)), http.StatusTooManyRequests, "FREQUENCY_LIMITED")
	clock.Advance(refundGap)
	wantAPIError(t, create(refundReq("T-refund-rules", "R-2", 500, 1000)), http.StatusBadRequest, "INVALID_REQUEST")
	wantAPIError(t, create(refundReq("T-refund-rules", "R-1", 700, 1000)), http.StatusBadRequest, "INVALID_REQUEST")
	wantAPIError(t, create(refundReq("T-refund-rules", "R-3", 100, 999)), http.StatusBadRequest, "INVALID_REQUEST")
	if err := create(refundReq("T-refund-rules", "R-2", 400, 1000)); err != nil {
		t.Fatalf("refund of what is left: %v", err)
	}
	clock.Advance(refundGap)
	wantAPIError(t, create(refundReq("T-refund-rules", "R-4", 1, 1000)), http.StatusBadRequest, "INVALID_REQUEST")

	if _, _, err := (&native.NativeApiService{Client: c}).Prepay(ctx, prepayRequest(s, "T-refund-unpaid", 100)); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, create(refundReq("T-refund-unpaid", "R-5", 100, 100)), http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	wantAPIError(t, create(refundReq("T-refund-nobody", "R-6", 100, 100)), http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	_, _, err := rs.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R-nobody")})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
}

func TestRefundByTransactionID(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	paidOrder(t, s, c, "T-refund-txn", 300)
	txn := queryOrder(t, native.NativeApiService{Client: c}, s, "T-refund-txn").TransactionId
	r, _, err := (&refunddomestic.RefundsApiService{Client: c}).Create(context.Background(), refunddomestic.CreateRequest{
		TransactionId: txn, OutRefundNo: core.String("R-txn-1"),
		Amount: &refunddomestic.AmountReq{Refund: core.Int64(300), Total: core.Int64(300), Currency: core.String("CNY")},
	})
	if err != nil || *r.OutTradeNo != "T-refund-txn" || *r.Amount.Refund != 300 {
		t.Fatalf("%+v %v", r, err)
	}
}

// TestFiftyRefunds: WeChat allows at most 50 partial refunds of one order.
func TestFiftyRefunds(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	rs := refunddomestic.RefundsApiService{Client: c}
	paidOrder(t, s, c, "T-refund-50", 10000)
	for i := 1; i <= maxRefundsAnOrder; i++ {
		if _, _, err := rs.Create(context.Background(), refundReq("T-refund-50", fmt.Sprintf("R50-%d", i), 1, 10000)); err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
		clock.Advance(refundGap + time.Second)
	}
	_, _, err := rs.Create(context.Background(), refundReq("T-refund-50", "R50-51", 1, 10000))
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}
