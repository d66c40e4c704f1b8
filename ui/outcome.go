package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// How a sale's end is told, so that nobody believes money moved when it did not, or the
// reverse, and what the cashier types after it is not lost.

// lastSale is the sale paid last, told on the cart after the receipt is gone: the change
// to hand back must not vanish with a second press of Enter.
type lastSale struct {
	sale pos.Sale
	note string // a warning that went with it; "" when none
}

// receiptGuard is how long Enter is ignored once the receipt is up: a double press (or a
// bouncing key) that confirmed the cash must not also sweep the change off the screen.
const receiptGuard = 500 * time.Millisecond

// paidNote is what the cashier must know about a payment beyond "paid"; "" when nothing.
func paidNote(run *chargeRun, u pos.Update) string {
	s := u.Sale
	switch {
	case errors.Is(u.Err, pos.ErrPaidTwice) || s.Flag == pos.FlagPaidTwice,
		paidByWeChatsWord(u) && s.Method == pos.MethodCash:
		return T("note.paid_twice", s.Total.String())
	case paidByWeChatsWord(u):
		return T("note.paid_unconfirmed")
	case run.cashAsked && s.Method != pos.MethodCash:
		return T("receipt.wechat_not_cash")
	case run.cancelling && s.Method != pos.MethodCash:
		return T("note.paid_before_cancel")
	case s.Method == pos.MethodCash && s.CloseWanted:
		return T("note.close_pending")
	case u.Err != nil:
		return T("note.paid_with_trouble", describeErr(u.Err))
	}
	return ""
}

// paidByWeChatsWord: the charge ended without the payment in hand, but WeChat refused to
// close the order because it is paid. The customer has paid: the till must say so, not
// "cancelled" (recovery fetches the payment and records it).
func paidByWeChatsWord(u pos.Update) bool {
	return u.Phase.Final() && errors.Is(u.Err, pos.ErrPaidUnconfirmed)
}

// sayLastSale tells, on the cart, how the last sale ended: its warning if it had one,
// else what was taken and the change.
func (t *till) sayLastSale() {
	s := t.last.sale
	switch {
	case t.last.note != "":
		t.cashier.sayError(t.last.note)
	case s.OutTradeNo == "":
		t.cashier.say("")
	case s.Method == pos.MethodCash:
		t.cashier.say(T("cashier.last_sale_cash", s.Total.String(), s.Tendered.String(), s.Change().String()))
	default:
		t.cashier.say(T("cashier.last_sale", s.Total.String(), methodName(s.Method)))
	}
}

// receiptKey handles the receipt's keys: Enter starts the next sale (not in the first
// moment after the receipt went up); Esc does not, it reminds which key does.
func (t *till) receiptKey(k fyne.KeyName) bool {
	switch {
	case isEnter(k):
		if t.opt.Now().Sub(t.receiptAt) >= t.enterGuard {
			t.nextSale()
		}
	case k == fyne.KeyEscape:
		if t.last.note == "" { // a warning stays where it is
			t.receipt.say(T("receipt.press_enter"), widget.MediumImportance)
		}
	case k == fyne.KeyF11:
		t.toggleFullScreen()
	default:
		return false
	}
	return true
}

// typedRune takes typing that reaches no field. On the receipt, or on the answer of a
// charge that ended without money, it starts the next step with it: a scanner's first
// item for the next customer is not lost.
func (t *till) typedRune(r rune) {
	if t.settings != nil {
		return
	}
	switch t.mode {
	case modeReceipt:
		t.nextSale()
	case modeHeld:
		t.back()
	default:
		return
	}
	if e, ok := t.w.Canvas().Focused().(*tillEntry); ok {
		e.TypedRune(r)
	}
}

// forwardKey hands a key typed on the customer's window to the cashier's: whoever
// clicked there, the till's keys keep working and nothing typed is lost.
func (t *till) forwardKey(ev *fyne.KeyEvent) {
	t.w.RequestFocus()
	if f := t.w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	t.key(ev.Name)
}

func (t *till) forwardRune(r rune) {
	t.w.RequestFocus()
	if f := t.w.Canvas().Focused(); f != nil {
		f.TypedRune(r)
		return
	}
	t.typedRune(r)
}

// customerWindowKeys: on the customer's monitor F11 fills it and Esc leaves full screen;
// everything else is the cashier's, and the keyboard goes back to the cashier's window.
func (t *till) customerWindowKeys(cw fyne.Window) {
	cw.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch {
		case ev.Name == fyne.KeyF11:
			cw.SetFullScreen(!cw.FullScreen())
			t.w.RequestFocus()
		case ev.Name == fyne.KeyEscape && cw.FullScreen():
			cw.SetFullScreen(false)
			t.w.RequestFocus()
		default:
			t.forwardKey(ev)
		}
	})
	cw.Canvas().SetOnTypedRune(t.forwardRune)
}
