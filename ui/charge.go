package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// chargeRun is one WeChat charge as the screens follow it.
type chargeRun struct {
	ch         *pos.Charge
	method     pos.Method // how it started
	total      pos.Money
	last       pos.Update
	cashAsked  bool // the cashier switched it to cash
	cancelling bool
}

// resultHold is how long the customer's window shows a cancelled or failed charge before
// it greets the next customer.
const resultHold = 6 * time.Second

// charge starts taking the cart's total by method ("" for the default one): WeChat QR at
// once, or the panel that takes a payment code or cash.
func (t *till) charge(m pos.Method) {
	if t.opt.Checkout == nil || t.mode != modeCart {
		return
	}
	if m == "" {
		m = t.prefs.method
	}
	total := t.cashier.cart.Total()
	switch m {
	case pos.MethodCode:
		t.code.reset(total)
		t.mode = modeCode
	case pos.MethodCash:
		t.cash.reset(total)
		t.mode = modeCash
	default:
		t.startNative()
		return
	}
	t.show()
}

// cartCopy is the cart handed to pos: its lines must not change under a running charge.
func (t *till) cartCopy() pos.Cart {
	c := t.cashier.cart
	c.Lines = append([]pos.Line(nil), c.Lines...)
	return c
}

func (t *till) startNative() {
	run := &chargeRun{method: pos.MethodNative, total: t.cashier.cart.Total()}
	ch, err := t.opt.Checkout.StartNative(t.ctx, t.cartCopy(), t.updates(run))
	t.begin(run, ch, err)
}

// startCode charges a scanned payment code (from the code panel or straight from the
// cart's entry).
func (t *till) startCode(code string) {
	if t.opt.Checkout == nil {
		return
	}
	run := &chargeRun{method: pos.MethodCode, total: t.cashier.cart.Total()}
	ch, err := t.opt.Checkout.StartCode(t.ctx, t.cartCopy(), code, t.updates(run))
	t.begin(run, ch, err)
}

// updates is the charge's callback: it runs on the charge's goroutine, so it only posts.
func (t *till) updates(run *chargeRun) func(pos.Update) {
	return func(u pos.Update) { t.b.post(func() { t.apply(run, u) }) }
}

func (t *till) begin(run *chargeRun, ch *pos.Charge, err error) {
	if err != nil {
		t.mode = modeCart
		t.show()
		t.cashier.sayError(chargeError(err))
		return
	}
	run.ch = ch
	run.last = pos.Update{Phase: pos.PhaseRecording, Sale: pos.Sale{OutTradeNo: ch.OutTradeNo(), Total: run.total, Method: run.method}}
	t.run, t.latest = run, run.last
	t.mode = modeCharging
	if t.idleLater != nil {
		t.idleLater()
	}
	t.status.show(chargeView{u: run.last, method: run.method, now: t.opt.Now()})
	t.showCustomer(run, run.last)
	t.stopTicker()
	t.stopTick = t.b.every(time.Second, t.tick)
	t.show()
}

// apply shows one update of a charge. Updates of a charge that is no longer on screen
// are dropped: pos has recorded them.
func (t *till) apply(run *chargeRun, u pos.Update) {
	if run != t.run {
		return
	}
	run.last = u
	t.latest = u
	t.status.show(chargeView{u: u, method: run.method, now: t.opt.Now()})
	t.showCustomer(run, u)
	if u.Phase.Final() {
		t.finish(run, u)
	}
}

// showCustomer keeps the customer's screen in step: the QR while the order is open
// (also while the till retries a query), then the answer.
func (t *till) showCustomer(run *chargeRun, u pos.Update) {
	total := run.total
	switch {
	case u.Phase == pos.PhasePaid || paidByWeChatsWord(u):
		t.customer.showResult(total, true, T("customer.paid"))
	case u.Phase == pos.PhaseExpired:
		t.customer.showResult(total, false, T("customer.expired"))
	case u.Phase == pos.PhaseFailed || u.Phase == pos.PhaseError:
		t.customer.showResult(total, false, T("customer.failed"))
	case u.Phase.Final():
		t.customer.showResult(total, false, T("customer.cancelled"))
	case u.Phase == pos.PhaseClosing:
		t.customer.showWaiting(total, T("customer.closing"))
	case u.Phase == pos.PhaseUserPay:
		t.customer.showWaiting(total, T("customer.enter_password"))
	case u.Phase == pos.PhaseStalled: // no code is coming until the cashier acts
		t.customer.showWaiting(total, T("customer.wait"))
	case run.method == pos.MethodNative && u.Sale.CodeURL != "":
		if t.customer.codeURL != u.Sale.CodeURL {
			t.customer.showQR(total, u.Sale.CodeURL, u.Sale.ExpiresAt)
		}
	case run.method == pos.MethodCode:
		t.customer.showWaiting(total, T("customer.paying"))
	default:
		t.customer.showWaiting(total, T("customer.preparing"))
	}
}

// finish ends a charge on screen: the receipt when paid, else back to the cart (kept, so
// the cashier can take the money another way).
func (t *till) finish(run *chargeRun, u pos.Update) {
	t.stopTicker()
	t.run = nil
	if u.Phase == pos.PhasePaid || paidByWeChatsWord(u) {
		t.paid(u.Sale, paidNote(run, u))
		return
	}
	head, _, _ := phaseWords(chargeView{u: u, method: run.method, now: t.opt.Now()})
	t.cashier.sayError(head) // on the cart too, once the cashier goes back to it
	if t.cw != nil {
		t.idleLater = t.b.after(resultHold, func() {
			if t.mode == modeCart {
				t.customer.showIdle(t.cashier.cart.Total())
			}
		})
	}
	if t.prefs.display == displayMain {
		t.mode = modeHeld // the customer's answer stays up until the cashier goes on
		t.show()
		return
	}
	t.mode = modeCart
	t.show()
}

// paid shows the receipt of a paid sale and clears the cart.
func (t *till) paid(s pos.Sale, note string) {
	t.last = lastSale{sale: s, note: note}
	t.receiptAt = t.opt.Now()
	t.cashier.cart.Clear()
	t.cashier.clearEntry()
	t.cashier.refresh()
	t.customer.showResult(s.Total, true, T("customer.paid"))
	t.receipt.show(s, note)
	if note != "" {
		t.receipt.say(note, widget.DangerImportance)
	}
	t.mode = modeReceipt
	t.show()
	t.flash()
}

// flash blinks the paid header three times.
func (t *till) flash() {
	const blink = 180 * time.Millisecond
	for i := 0; i < 6; i++ {
		on := i%2 == 0
		t.b.after(time.Duration(i)*blink, func() { t.receipt.flash(on) })
	}
}

func (t *till) tick() {
	if t.run == nil {
		return
	}
	t.customer.tick()
	t.status.show(chargeView{u: t.run.last, method: t.run.method, now: t.opt.Now()})
}

func (t *till) stopTicker() {
	if t.stopTick != nil {
		t.stopTick()
		t.stopTick = nil
	}
}

// cancelCharge asks pos to give the order up; the final update says closed, or paid when
// the customer was quicker.
func (t *till) cancelCharge() {
	if t.run == nil || t.run.cancelling {
		return
	}
	t.run.cancelling = true
	t.run.ch.Cancel()
	t.status.detail.SetText(T("status.cancelling"))
}

// takeCash opens the cash panel for the running charge.
func (t *till) takeCash() {
	if t.run == nil {
		return
	}
	t.cash.reset(t.run.total)
	t.mode = modeCash
	t.show()
}

func (t *till) retry() {
	if t.run == nil {
		return
	}
	if err := t.run.ch.Retry(); err != nil {
		t.status.detail.SetText(chargeError(err))
	}
}

// simulate plays the demo customer: pay (scan and pay, or enter the password) or fail.
// The sandbox is called off the UI goroutine; pos sees the result by querying.
func (t *till) simulate(pay bool) {
	sim, run := t.opt.Simulator, t.run
	if sim == nil || run == nil {
		return
	}
	if !pay && run.method != pos.MethodCode {
		return
	}
	no := run.ch.OutTradeNo()
	go func() {
		var err error
		if pay {
			err = sim.Pay(no)
		} else {
			err = sim.Fail(no)
		}
		if err != nil {
			t.b.post(func() {
				if t.run == run {
					t.status.detail.SetText(T("demo.sim_error", err.Error()))
				}
			})
		}
	}()
}

// back leaves a panel or an ended charge for the cart (or the running charge).
func (t *till) back() {
	switch {
	case t.run != nil:
		t.mode = modeCharging
	default:
		t.mode = modeCart
		t.customer.showIdle(t.cashier.cart.Total())
	}
	t.show()
}

func (t *till) submitCode() {
	if t.mode != modeCode {
		return
	}
	code := t.code.code()
	if !pos.ValidAuthCode(code) {
		t.code.refuse(T("err.auth_code"))
		return
	}
	t.startCode(code)
}

// confirmCash takes the cash: a cash sale of the cart, or the running charge switched to cash.
func (t *till) confirmCash() {
	if t.mode != modeCash {
		return
	}
	tendered, err := t.cash.tendered()
	if err == nil && tendered < t.cash.total {
		err = pos.ErrTooLittleCash
	}
	if err != nil {
		t.cash.refuse(chargeError(err))
		return
	}
	if t.run != nil {
		t.run.cashAsked = true
		if err := t.run.ch.TakeCash(tendered); err != nil && !errors.Is(err, pos.ErrChargeOver) {
			t.cash.refuse(chargeError(err))
			return
		}
		t.status.detail.SetText(T("status.switching_to_cash"))
		t.mode = modeCharging
		t.show()
		return
	}
	sale, err := t.opt.Checkout.PayCash(t.cartCopy(), tendered)
	if err != nil {
		t.cash.refuse(chargeError(err))
		return
	}
	t.paid(sale, "")
}

func (t *till) nextSale() {
	if t.mode != modeReceipt {
		return
	}
	t.mode = modeCart
	t.customer.showIdle(0)
	t.sayLastSale()
	t.show()
}

// saveReceipt writes the receipt on screen as text and PNG.
func (t *till) saveReceipt() {
	if t.mode != modeReceipt {
		return
	}
	txt, png, err := saveReceipt(t.opt.ReceiptDir, t.receipt.info, t.receipt.sale)
	if err != nil {
		t.receipt.say(T("err.receipt", err.Error()), widget.DangerImportance)
		return
	}
	t.receipt.say(T("receipt.saved", txt, png), widget.SuccessImportance)
}

// chargeError says why a charge could not start or a step was refused.
func chargeError(err error) string {
	switch {
	case errors.Is(err, pos.ErrCartEmpty):
		return T("err.cart_empty")
	case errors.Is(err, pos.ErrTooLittleCash):
		return T("err.too_little_cash")
	case errors.Is(err, pos.ErrAuthCode):
		return T("err.auth_code")
	case errors.Is(err, pos.ErrChargeOver):
		return T("err.charge_over")
	case errors.Is(err, pos.ErrNotStalled):
		return T("err.not_stalled")
	case isAmountError(err):
		return amountError(err, 0)
	}
	return describeErr(err)
}

func isAmountError(err error) bool {
	for _, e := range []error{pos.ErrAmountEmpty, pos.ErrAmountSyntax, pos.ErrAmountPrecision,
		pos.ErrAmountNegative, pos.ErrAmountZero, pos.ErrAmountTooLarge} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
