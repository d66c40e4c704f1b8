package pos_test

import (
	"context"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// Paid twice, then the WeChat payment refunded, on the real gateway, the sandbox and a
// real ledger: the day's books hold the cash the drawer keeps (the WeChat payment came
// in and went back out), and the ledger's own check agrees.
func TestSandboxPaidTwiceThenRefundedBooks(t *testing.T) {
	tl, no := paidTwiceOnSandbox(t, 1500)
	if got := tl.todayTotals(t); got.Gross != 3000 || got.Net != 3000 || got.ByMethod[pos.MethodNative].Gross != 1500 {
		t.Errorf("paid twice: gross %s net %s by method %+v, want both payments", got.Gross, got.Net, got.ByMethod)
	}
	r, err := tl.co.Refund(context.Background(), no, 1500, "paid twice")
	if err != nil || r.Method != pos.MethodNative {
		t.Fatalf("refund %+v %v: want a WeChat refund", r, err)
	}
	tl.sbClk.advance(4 * time.Second) // the sandbox settles refunds after 3 s
	if r, err = tl.co.SettleRefund(context.Background(), r.OutRefundNo, no); err != nil || r.State != pos.RefundSuccess {
		t.Fatalf("settle %+v %v", r, err)
	}
	got := tl.todayTotals(t)
	if got.Gross != 3000 || got.Refunds != 1500 || got.Net != 1500 {
		t.Errorf("after the WeChat refund: gross %s refunds %s net %s, want net ¥15.00 (the cash kept)", got.Gross, got.Refunds, got.Net)
	}
	if cash := got.ByMethod[pos.MethodCash]; cash.Net != 1500 || cash.Refunds != 0 {
		t.Errorf("cash %+v: the drawer keeps ¥15.00", cash)
	}
	if err := tl.led.Check(); err != nil {
		t.Error(err)
	}
}

// paidTwiceOnSandbox makes a Native sale of total that the cashier switched to cash
// while WeChat failed, which the customer then paid by WeChat too; recovery flags it.
func paidTwiceOnSandbox(t *testing.T, total pos.Money) (*till, string) {
	t.Helper()
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(total), up.add)
	aw := up.until(t, pos.PhaseAwaiting)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1}})
	_ = ch.TakeCash(total)
	up.until(t, pos.PhasePaid)
	tl.sb.SetFaults(nil)
	if err := tl.sb.Pay(aw.Sale.CodeURL); err != nil {
		t.Fatal(err)
	}
	if res, err := tl.co.Recover(context.Background()); err != nil || len(res) != 1 || res[0].Flag != pos.FlagPaidTwice {
		t.Fatalf("recover %+v %v", res, err)
	}
	return tl, ch.OutTradeNo()
}

// todayTotals is the ledger's totals of today and tomorrow (a test may cross midnight).
func (tl *till) todayTotals(t *testing.T) pos.Totals {
	t.Helper()
	day := pos.DayStart(time.Now())
	tot, err := tl.led.Totals(day, day.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	return tot
}
