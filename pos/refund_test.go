package pos

import (
	"context"
	"errors"
	"testing"
)

// paidNative makes a paid Native sale of total.
func (r *rig) paidNative(total Money) Sale {
	r.t.Helper()
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(total), func(u Update) {
		rec.add(u)
		if u.Phase == PhaseAwaiting {
			r.gw.payNow(u.Sale.OutTradeNo)
		}
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.drive(ch)
	if last := rec.check(r.t); last.Phase != PhasePaid {
		r.t.Fatalf("setup: %v", last)
	}
	return r.sale(ch.OutTradeNo())
}

func TestRefundPartThenRest(t *testing.T) {
	r := newRig(t)
	s := r.paidNative(1000)
	ctx := context.Background()
	ref, err := r.co.Refund(ctx, s.OutTradeNo, 300, "broken")
	if err != nil || ref.State != RefundProcessing || ref.RefundID == "" {
		t.Fatalf("refund %+v %v", ref, err)
	}
	if _, err := r.co.Refund(ctx, s.OutTradeNo, 701, "too much"); !errors.Is(err, ErrRefundTooMuch) {
		t.Errorf("over-refund: %v", err)
	}
	ref, err = r.co.SettleRefund(ctx, ref.OutRefundNo, s.OutTradeNo)
	if err != nil || ref.State != RefundSuccess {
		t.Fatalf("settle %+v %v", ref, err)
	}
	if got := r.sale(s.OutTradeNo); got.State != StatePartRefunded || got.Refunded != 300 {
		t.Errorf("sale %s refunded %s", got.State, got.Refunded)
	}
	refundRestByRecovery(t, r, s.OutTradeNo, 700)
}

// refundRestByRecovery refunds amount, lets recovery settle it, and checks the sale is
// then refunded in full and refuses more.
func refundRestByRecovery(t *testing.T, r *rig, no string, amount Money) {
	t.Helper()
	ctx := context.Background()
	ref, err := r.co.Refund(ctx, no, amount, "rest")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.co.Recover(ctx) // settles the processing refund
	if err != nil || len(res) != 1 || res[0].OutRefundNo != ref.OutRefundNo || res[0].After != string(RefundSuccess) {
		t.Fatalf("recover %+v %v", res, err)
	}
	if got := r.sale(no); got.State != StateRefunded || got.Refunded != got.Total {
		t.Errorf("sale %s refunded %s", got.State, got.Refunded)
	}
	if _, err := r.co.Refund(ctx, no, 1, "again"); !errors.Is(err, ErrNotPaid) {
		t.Errorf("refund of a refunded sale: %v", err)
	}
}

// The refund's answer is lost: it stays PENDING; recovery asks again with the same
// number (WeChat has it: one refund, not two).
func TestRefundAnswerLost(t *testing.T) {
	r := newRig(t)
	s := r.paidNative(1000)
	r.gw.fail("refund", fakeFault{err: netErr(), afterWork: true})
	ref, err := r.co.Refund(context.Background(), s.OutTradeNo, 1000, "")
	if err == nil || ref.State != RefundPending || ref.LastError == "" {
		t.Fatalf("refund %+v %v", ref, err)
	}
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].After != string(RefundSuccess) {
		t.Fatalf("recover %+v %v", res, err)
	}
	if len(r.gw.refunds) != 1 {
		t.Errorf("%d refunds at WeChat", len(r.gw.refunds))
	}
	if got := r.sale(s.OutTradeNo); got.State != StateRefunded {
		t.Errorf("sale %s", got.State)
	}
}

// The refund never reached WeChat: recovery sends it again with the same number.
func TestRefundNeverArrived(t *testing.T) {
	r := newRig(t)
	s := r.paidNative(1000)
	r.gw.fail("refund", fakeFault{err: netErr()})
	ref, _ := r.co.Refund(context.Background(), s.OutTradeNo, 400, "")
	if _, err := r.co.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := r.gw.count("refund"); n != 2 {
		t.Errorf("%d refund calls, want the first and the resend", n)
	}
	got, err := r.co.SettleRefund(context.Background(), ref.OutRefundNo, s.OutTradeNo)
	if err != nil || got.State != RefundSuccess {
		t.Errorf("refund %+v %v", got, err)
	}
}

func TestRefundRefused(t *testing.T) {
	r := newRig(t)
	s := r.paidNative(1000)
	r.gw.fail("refund", fakeFault{err: rejectedErr("NOT_ENOUGH")})
	ref, err := r.co.Refund(context.Background(), s.OutTradeNo, 400, "")
	if ClassOf(err) != ClassRejected || ref.State != RefundClosed {
		t.Fatalf("refund %+v %v", ref, err)
	}
	// a refused refund commits nothing: the whole amount can still be refunded
	if _, err := r.co.Refund(context.Background(), s.OutTradeNo, 1000, ""); err != nil {
		t.Errorf("second refund: %v", err)
	}
}

func TestRefundCash(t *testing.T) {
	r := newRig(t)
	s, err := r.co.PayCash(cartOf(500), 500)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := r.co.Refund(context.Background(), s.OutTradeNo, 200, "")
	if err != nil || ref.State != RefundSuccess {
		t.Fatalf("refund %+v %v", ref, err)
	}
	if got := r.sale(s.OutTradeNo); got.State != StatePartRefunded || got.Refunded != 200 {
		t.Errorf("sale %+v", got)
	}
	if len(r.gw.calls) != 0 {
		t.Errorf("cash refund called WeChat: %v", r.gw)
	}
}

func TestRefundChecks(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if _, err := r.co.Refund(ctx, "nope", 100, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown sale: %v", err)
	}
	s := r.paidNative(1000)
	for _, amount := range []Money{0, -5} {
		if _, err := r.co.Refund(ctx, s.OutTradeNo, amount, ""); !errors.Is(err, ErrAmountZero) {
			t.Errorf("amount %d: %v", amount, err)
		}
	}
	r.led.failWrites(1)
	if _, err := r.co.Refund(ctx, s.OutTradeNo, 100, ""); err == nil {
		t.Error("a refund that could not be recorded must not be sent")
	}
	if r.gw.count("refund") != 0 {
		t.Error("refund sent before it was recorded")
	}
}
