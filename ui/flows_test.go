package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// Esc while the QR is up cancels: WeChat's order is closed, nothing is charged, the
// customer sees "cancelled" and the cart stays for another try.
func TestCancelClosesTheOrder(t *testing.T) {
	r := newRig(t)
	r.till.cashier.entry.TypedShortcut(altKey(fyne.Key2))
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	r.press(fyne.KeyEscape)
	r.phase(pos.PhaseClosed)
	if r.till.mode != modeHeld {
		t.Fatalf("after a cancel the customer's answer should stay up (mode %d)", r.till.mode)
	}
	contains(t, "status", r.till.status.headline.Text, "订单已取消")
	contains(t, "customer", r.till.customer.headline.Text, "已取消")
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StateClosed || s.Method != pos.MethodNative {
		t.Errorf("ledger: %s %s, want CLOSED native", s.State, s.Method)
	}
	if err := r.sb.Pay(u.Sale.OutTradeNo); err == nil {
		t.Error("the sandbox let a customer pay an order the till cancelled")
	}
	r.press(fyne.KeyEscape)
	if r.till.mode != modeCart || len(r.till.cashier.cart.Lines) != 1 || r.till.cashier.cart.Total() != 350 {
		t.Fatalf("back at the cart, the cola should still be there: mode %d, %+v", r.till.mode, r.till.cashier.cart.Lines)
	}
	if r.till.w.Canvas().Focused() != r.till.cashier.entry {
		t.Error("the entry should have focus again")
	}
}

// F2 opens the payment-code field; the scanner types 18 digits and Enter; the sandbox's
// code pays at once.
func TestPaymentCodeSale(t *testing.T) {
	r := newRig(t)
	r.typ("8.8")
	r.press(fyne.KeyF2)
	if r.till.mode != modeCode {
		t.Fatalf("F2 should open the payment-code field, mode %d", r.till.mode)
	}
	contains(t, "code panel", r.till.code.title.Text, "¥8.80")
	r.typ("1234")
	r.press(fyne.KeyReturn)
	contains(t, "a short code", r.till.code.message.Text, "18 位数字")
	r.till.code.entry.SetText("")
	r.typ(sandbox.CodePayNow)
	r.press(fyne.KeyReturn)
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	s := r.till.receipt.sale
	if got := r.sale(s.OutTradeNo); got.State != pos.StatePaid || got.Method != pos.MethodCode || got.Total != 880 {
		t.Fatalf("ledger: %s %s %d, want PAID by payment code ¥8.80", got.State, got.Method, got.Total)
	}
	contains(t, "receipt", r.till.receipt.text, "微信付款码")
}

// A customer whose payment asks for the password: the cashier and the customer see it,
// then the (simulated) customer confirms and the sale is paid. Scanning the code straight
// into the cart's field charges by payment code too.
func TestPaymentCodeUserPaying(t *testing.T) {
	r := newRig(t, withFastClock(10))
	r.typ("20")
	r.typ("+")                    // '+' adds the amount without charging
	r.typ(sandbox.CodeUserPaying) // the scanner, straight into the cart's field
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseUserPay)
	if u.Sale.Method != pos.MethodCode {
		t.Fatalf("a scanned payment code should charge by payment code, got %s", u.Sale.Method)
	}
	contains(t, "status", r.till.status.headline.Text, "顾客正在输入支付密码")
	contains(t, "customer", r.till.customer.headline.Text, "请在手机上输入支付密码")
	if r.till.status.simFail.Disabled() || r.till.status.simPay.Disabled() {
		t.Error("while the customer confirms, both demo customer buttons should be available")
	}
	r.press(fyne.KeyF6) // the demo customer enters the password
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StatePaid || s.TransactionID == "" {
		t.Errorf("ledger: %s %q, want PAID with a transaction id", s.State, s.TransactionID)
	}
}

// The customer gives up at the password: WeChat's reason reaches the cashier, the cart
// stays, nothing is charged.
func TestPaymentCodeFailureShowsWeChatsReason(t *testing.T) {
	r := newRig(t, withFastClock(10))
	r.typ("20")
	r.press(fyne.KeyF2)
	r.typ(sandbox.CodeUserPaying)
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseUserPay)
	r.press(fyne.KeyF11)
	f := r.phase(pos.PhaseFailed)
	contains(t, "status", r.till.status.headline.Text, "支付失败")
	if f.Reason != "" {
		contains(t, "status", r.till.status.headline.Text, f.Reason)
	}
	contains(t, "customer", r.till.customer.headline.Text, "支付未成功")
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StateFailed {
		t.Errorf("ledger: %s, want FAILED", s.State)
	}
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCart || r.till.cashier.cart.Total() != 2000 {
		t.Errorf("back at the cart with ¥20 still in it: mode %d total %d", r.till.mode, r.till.cashier.cart.Total())
	}
}

// A cash sale: F3, the tendered amount shows the change as it is typed, Enter records it.
func TestCashSaleWithChange(t *testing.T) {
	r := newRig(t)
	r.till.cashier.entry.TypedShortcut(altKey(fyne.Key5)) // bread ¥8.00
	r.till.cashier.entry.TypedShortcut(altKey(fyne.Key5))
	r.typ("1.5")
	r.press(fyne.KeyF3) // ¥17.50
	if r.till.mode != modeCash {
		t.Fatalf("F3 should open the cash panel, mode %d", r.till.mode)
	}
	for _, k := range []string{"1", "0"} { // the on-screen keypad types into the cash field
		r.till.cashier.keypadPress(k)
	}
	contains(t, "short", r.till.cash.change.Text, "还差 ¥7.50")
	r.press(fyne.KeyReturn)
	contains(t, "too little", r.till.cash.message.Text, "少于")
	r.till.cash.entry.SetText("")
	r.typ("100")
	contains(t, "change", r.till.cash.change.Text, "找零 ¥82.50")
	r.press(fyne.KeyReturn)
	if r.till.mode != modeReceipt {
		t.Fatalf("a cash sale should end on the receipt, mode %d", r.till.mode)
	}
	s := r.sale(r.till.receipt.sale.OutTradeNo)
	if s.State != pos.StatePaid || s.Method != pos.MethodCash || s.Tendered != 10000 || s.Change() != 8250 {
		t.Fatalf("ledger: %s %s tendered %d change %d", s.State, s.Method, s.Tendered, s.Change())
	}
	contains(t, "receipt change", r.till.receipt.change.Text, "找零 ¥82.50")
	contains(t, "receipt", r.till.receipt.text, "¥100.00")
}

func altKey(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}
}

// Nobody scans: when the order's time runs out the till closes it at WeChat, the
// customer sees "expired", and nothing was charged. pos's clock runs 600 times faster so
// ten minutes pass in one second.
func TestQRExpires(t *testing.T) {
	r := newRig(t, withFastClock(600), func(pc *pos.Config, _ *Options) {
		pc.Poll = pos.FixedPollSchedule(30 * time.Second) // every 50 ms of wall time
	})
	r.typ("1")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	r.phase(pos.PhaseExpired)
	contains(t, "status", r.till.status.headline.Text, "二维码已过期")
	contains(t, "customer", r.till.customer.headline.Text, "二维码已过期")
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StateClosed {
		t.Errorf("ledger: %s, want CLOSED", s.State)
	}
}

// A sale left open by an earlier run (the till was closed while the QR was up) and paid
// meanwhile is settled by recovery when the till starts, and the cashier is told.
func TestRecoveryAtStartIsReported(t *testing.T) {
	r := newRig(t)
	r.typ("2")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	ch := r.till.run.ch
	r.till.close() // the till goes away; the order stays open at WeChat
	select {
	case <-ch.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the charge did not stop when the till closed")
	}
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StateAwaiting {
		t.Fatalf("before recovery the ledger says %s, want AWAITING", s.State)
	}
	next := newTill(r.till.app, Options{StoreName: "测试小店", TillID: "T01", Checkout: r.co, Settings: r.ledger})
	t.Cleanup(next.close)
	next.startRecovery()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(next.note.Text, "1") && time.Now().Before(deadline) {
		next.b.drain()
		time.Sleep(5 * time.Millisecond)
	}
	contains(t, "header note", next.note.Text, "已核对并确认 1 笔")
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StatePaid {
		t.Errorf("after recovery the ledger says %s, want PAID", s.State)
	}
}
