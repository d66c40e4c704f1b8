package ui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// The customer pays by WeChat while the till cannot reach WeChat, and the cashier takes
// cash: the receipt must not read like a plain cash sale. It says WeChat has not confirmed
// the order closed; once WeChat answers again, recovery finds the double payment and the
// header says who must get money back, and stays so.
func TestCashWhileWeChatIsUnreachableWarnsOfAPaymentTwice(t *testing.T) {
	r := newRig(t)
	r.typ("6")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1, Path: "/out-trade-no/"}})
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil { // the customer's phone still works
		t.Fatal(err)
	}
	r.phase(pos.PhaseRetrying)
	r.press(fyne.KeyF3)
	r.press(fyne.KeyReturn) // exact cash
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	contains(t, "receipt warning", r.till.receipt.message.Text, "微信尚未确认关闭订单")
	if r.till.receipt.message.Importance != widget.DangerImportance {
		t.Error("the warning should be red")
	}

	r.sb.SetFaults(nil) // WeChat is back; the next recovery round asks it
	rs, err := r.co.Recover(context.Background())
	r.till.recovered(rs, err)
	if s := r.sale(u.Sale.OutTradeNo); s.Flag != pos.FlagPaidTwice {
		t.Fatalf("recovery should flag the sale paid twice, flag %q", s.Flag)
	}
	contains(t, "header", r.till.note.Text, u.Sale.OutTradeNo)
	contains(t, "header", r.till.note.Text, "把现金还给顾客")
	if !r.till.note.Visible() || r.till.note.Importance != widget.DangerImportance {
		t.Error("the double payment must be shown in red")
	}
	r.till.recovered(nil, nil) // a quiet round later: the warning stays
	contains(t, "header after a quiet round", r.till.note.Text, u.Sale.OutTradeNo)
}

// The customer pays just as the cashier cancels: the till finds the payment, and the
// receipt says the sale is paid although the cashier asked to cancel.
func TestPaidWhileCancellingIsSaid(t *testing.T) {
	r := newRig(t)
	r.typ("7")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	// Queries take a while: the cancel's own question comes back with the payment.
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultLatency, Rate: 1, Path: "/out-trade-no/", Delay: 300 * time.Millisecond}})
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	r.press(fyne.KeyEscape)
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	contains(t, "receipt warning", r.till.receipt.message.Text, "取消前顾客已经付款")
	if s := r.sale(u.Sale.OutTradeNo); s.State != pos.StatePaid {
		t.Errorf("ledger: %s, want PAID", s.State)
	}
	r.press(fyne.KeyEscape) // a second Esc must not sweep the receipt away
	if r.till.mode != modeReceipt {
		t.Fatalf("Esc left the receipt (mode %d): the cashier would miss that the sale is paid", r.till.mode)
	}
	r.press(fyne.KeyReturn)
	contains(t, "cart after the receipt", r.till.cashier.message.Text, "取消前顾客已经付款")
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A double Enter on the cash panel takes the cash once and leaves the receipt (and the
// change on it) up; after the moment has passed Enter starts the next sale, and the cart
// still says what the change was.
func TestReceiptIgnoresADoubleEnter(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.Local)}
	r := newRig(t, func(_ *pos.Config, o *Options) { o.Now = clock.Now })
	r.till.enterGuard = receiptGuard
	r.typ("17.5")
	r.press(fyne.KeyF3)
	r.typ("20")
	r.press(fyne.KeyReturn)
	r.press(fyne.KeyReturn) // the same press, bounced
	if r.till.mode != modeReceipt {
		t.Fatalf("the second Enter swept the receipt away (mode %d)", r.till.mode)
	}
	clock.advance(time.Second)
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCart {
		t.Fatalf("Enter a moment later should start the next sale (mode %d)", r.till.mode)
	}
	contains(t, "last sale", r.till.cashier.message.Text, "找零 ¥2.50")
}

// What a scanner types on the receipt (or on a cancelled charge's answer) is the next
// customer's first item: it starts the next step and is not lost.
func TestTypingOnTheReceiptStartsTheNextSale(t *testing.T) {
	r := newRig(t)
	r.typ("2")
	r.press(fyne.KeyF3)
	r.press(fyne.KeyReturn)
	if r.till.mode != modeReceipt {
		t.Fatalf("mode %d, want the receipt", r.till.mode)
	}
	r.typeAnywhere("6954767423578") // the cola's barcode, from the scanner
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCart || len(r.till.cashier.cart.Lines) != 1 || r.till.cashier.cart.Lines[0].SKU != "S002" {
		t.Fatalf("the scanned cola should start the next sale: mode %d, cart %+v", r.till.mode, r.till.cashier.cart.Lines)
	}

	r.press(fyne.KeyReturn) // charge it by QR, then cancel: the answer stays up
	r.phase(pos.PhaseAwaiting)
	r.press(fyne.KeyEscape)
	r.phase(pos.PhaseClosed)
	r.typeAnywhere("6901285991219") // the water
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCart || len(r.till.cashier.cart.Lines) != 2 {
		t.Fatalf("the scanned water should go into the cart: mode %d, cart %+v", r.till.mode, r.till.cashier.cart.Lines)
	}
	contains(t, "cart message", r.till.cashier.message.Text, "已加入")
}

// Back at the cart after a cancelled charge, the cart says nothing was charged.
func TestBackFromACancelSaysNothingWasCharged(t *testing.T) {
	r := newRig(t)
	r.typ("3")
	r.press(fyne.KeyReturn)
	r.phase(pos.PhaseAwaiting)
	r.press(fyne.KeyEscape)
	r.phase(pos.PhaseClosed)
	r.press(fyne.KeyEscape)
	contains(t, "cart message", r.till.cashier.message.Text, "未收款")
}

// typeAnywhere types as a keyboard does: into the focused field, or to the window when
// no field has the focus.
func (r *rig) typeAnywhere(text string) {
	r.t.Helper()
	for _, ch := range text {
		if f := r.till.w.Canvas().Focused(); f != nil {
			f.TypedRune(ch)
		} else {
			r.till.w.Canvas().OnTypedRune()(ch)
		}
	}
}

// The customer pays while queries time out; the cashier cancels. WeChat refuses to close
// the order because it is paid (ORDERPAID) and still does not answer the query: the charge
// ends without the payment in hand, but the customer has paid. The till must say paid and
// "take no more money" (the receipt, a paid customer screen), never "cancelled".
func TestOrderPaidButUnconfirmedIsShownPaid(t *testing.T) {
	r := newRig(t, func(pc *pos.Config, _ *Options) {
		pc.Timeouts = pos.Timeouts{Query: 100 * time.Millisecond, Close: 3 * time.Second}
	})
	r.typ("5")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	// Every query outlasts its 100 ms; a close (3 s allowed) gets through.
	r.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultLatency, Rate: 1, Path: "/out-trade-no/", Delay: 400 * time.Millisecond}})
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	r.press(fyne.KeyEscape)
	r.waitFor("the end of the charge", func() bool { return r.till.run == nil })
	if !errors.Is(r.till.latest.Err, pos.ErrPaidUnconfirmed) {
		t.Fatalf("the charge ended %s (%v); the scenario wants an ORDERPAID WeChat would not confirm", r.till.latest.Phase, r.till.latest.Err)
	}
	if r.till.mode != modeReceipt {
		t.Fatalf("WeChat says paid: the till should show the receipt, mode %d (status %q)", r.till.mode, r.till.status.headline.Text)
	}
	contains(t, "receipt warning", r.till.receipt.message.Text, "不要再收钱")
	contains(t, "customer", r.till.customer.headline.Text, "支付成功")
	if len(r.till.cashier.cart.Lines) != 0 {
		t.Error("the paid cart must not stay to be charged again")
	}
}
