package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// WeChat answers SYSTEMERROR to every prepay: the till tries a few times, then tells the
// cashier nothing was charged and offers retry / cash / cancel. F5 retries with the same
// order number once WeChat is back, and the sale goes through.
func TestPrepayFailureThenRetry(t *testing.T) {
	r := newRig(t)
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1, Path: "/native"}})
	r.typ("6")
	r.press(fyne.KeyReturn)
	stalled := r.phase(pos.PhaseStalled)
	contains(t, "status", r.till.status.headline.Text, "下单失败")
	contains(t, "status detail", r.till.status.detail.Text, "SYSTEMERROR")
	contains(t, "status detail", r.till.status.detail.Text, "F5")
	if r.till.status.retry.Disabled() || r.till.status.cash.Disabled() || r.till.status.cancel.Disabled() {
		t.Error("a stalled charge must offer retry, cash and cancel")
	}
	if r.till.customer.codeURL != "" {
		t.Error("no QR may be shown without an order")
	}
	contains(t, "customer", r.till.customer.headline.Text, "请稍候") // no code is coming: not "preparing"

	r.sb.SetFaults(nil) // WeChat is back
	r.press(fyne.KeyF5)
	u := r.phase(pos.PhaseAwaiting)
	if u.Sale.OutTradeNo != stalled.Sale.OutTradeNo {
		t.Fatalf("retry made a new order %s; it must reuse %s", u.Sale.OutTradeNo, stalled.Sale.OutTradeNo)
	}
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StatePaid || s.Method != pos.MethodNative {
		t.Errorf("ledger: %s %s, want PAID by WeChat", s.State, s.Method)
	}
}

// The connection drops after every prepay (WeChat may have made the order): the cashier
// takes cash instead. The sale is recorded as cash and WeChat's order is not left payable.
func TestPrepayDroppedThenTakeCash(t *testing.T) {
	r := newRig(t)
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultDrop, Rate: 1, Path: "/native"}})
	r.typ("9.9")
	r.press(fyne.KeyReturn)
	stalled := r.phase(pos.PhaseStalled)
	contains(t, "status detail", r.till.status.detail.Text, "网络")
	r.press(fyne.KeyF3)
	if r.till.mode != modeCash {
		t.Fatalf("F3 during a charge should open the cash panel, mode %d", r.till.mode)
	}
	r.typ("10")
	contains(t, "change", r.till.cash.change.Text, "¥0.10")
	r.press(fyne.KeyReturn)
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	s := r.sale(stalled.Sale.OutTradeNo)
	if s.State != pos.StatePaid || s.Method != pos.MethodCash || s.Change() != 10 {
		t.Fatalf("ledger: %s %s change %d, want PAID in cash with ¥0.10 change", s.State, s.Method, s.Change())
	}
	contains(t, "receipt", r.till.receipt.text, "现金")
	if err := r.sb.Pay(s.OutTradeNo); err == nil {
		t.Error("after taking cash the WeChat order must not be payable any more")
	}
}

// Queries fail while the QR is up: the customer keeps the QR, the cashier sees network
// trouble with cash offered, and a payment made meanwhile is found once WeChat answers.
func TestQueryTroubleKeepsTheQR(t *testing.T) {
	r := newRig(t)
	r.typ("4")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1, Path: "/out-trade-no/"}})
	r.phase(pos.PhaseRetrying)
	contains(t, "status", r.till.status.headline.Text, "网络异常")
	contains(t, "status", r.till.status.detail.Text, "F3")
	if r.till.customer.codeURL != u.Sale.CodeURL || !r.till.customer.qr.Visible() {
		t.Error("the customer must keep the QR while the till retries")
	}
	if r.till.status.cash.Disabled() {
		t.Error("take cash must be offered during network trouble")
	}
	if r.till.status.simPay.Disabled() {
		t.Error("the demo customer can still pay the QR that is up")
	}
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	r.sb.SetFaults(nil)
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StatePaid {
		t.Errorf("ledger: %s, want PAID", s.State)
	}
}
