package payment

import (
	"context"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// wantRefund checks a refund's answer against the request; a successful one has a time.
func wantRefund(t *testing.T, what string, st pos.RefundStatus, err error, req pos.RefundRequest, states ...pos.RefundState) {
	t.Helper()
	if err != nil || st.OutRefundNo != req.OutRefundNo || st.Amount != req.Amount || st.RefundID == "" {
		t.Fatalf("refund %s: %+v, %v", what, st, err)
	}
	for _, s := range states {
		if st.State == s {
			if s == pos.RefundSuccess && st.SuccessTime.IsZero() {
				t.Fatalf("refund %s: success without a time: %+v", what, st)
			}
			return
		}
	}
	t.Fatalf("refund %s: state %s, want one of %v", what, st.State, states)
}

func TestRefundCreateAndQuery(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			ctx := context.Background()
			no := tradeNo("F")
			if st, err := g.PayCode(ctx, pos.CodeOrder{OutTradeNo: no, Description: "x", Total: 1000, AuthCode: sandbox.CodePayNow}); err != nil || st.State != pos.TradeSuccess {
				t.Fatalf("%+v, %v", st, err)
			}
			req := pos.RefundRequest{OutTradeNo: no, OutRefundNo: "R" + no, Amount: 300, Total: 1000, Reason: "顾客退货\n"}
			st, err := g.Refund(ctx, req)
			wantRefund(t, "created", st, err, req, pos.RefundProcessing, pos.RefundSuccess)
			again, err := g.Refund(ctx, req)
			if err != nil || again.RefundID != st.RefundID {
				t.Fatalf("the same out_refund_no again: %+v, %v; want the same refund", again, err)
			}
			clock.Advance(time.Minute)
			st, err = g.QueryRefund(ctx, req.OutRefundNo)
			wantRefund(t, "queried", st, err, req, pos.RefundSuccess)
			o, err := g.Query(ctx, no)
			wantOrder(t, "after a refund", o, err, no, pos.TradeRefund, 1000)
			_, err = g.QueryRefund(ctx, "RNOSUCH"+no)
			wantClass(t, err, pos.ClassNotFound)
		})
	}
}

func TestRefundOfUnpaidOrderIsRefused(t *testing.T) {
	srv := startSandbox(t, nil)
	g := gatewayFor(t, sandboxConfig(t, srv, true))
	ctx := context.Background()
	no := tradeNo("U")
	if _, err := g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: no, Description: "x", Total: 500}); err != nil {
		t.Fatal(err)
	}
	_, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: no, OutRefundNo: "R" + no, Amount: 100, Total: 500})
	if err == nil || pos.ClassOf(err) == pos.ClassRetry {
		t.Fatalf("refund of an unpaid order: %v; want a refusal", err)
	}
}
