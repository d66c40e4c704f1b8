// Package ui is the till's screens, built with Fyne. It talks to pos only: main hands it
// the pos objects it needs in Options.
package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"wxtill/assets"
	"wxtill/pos"
)

// Simulator is the demo sandbox's customer: it pays a waiting order as a customer's phone
// would, or makes a payment-code order fail. *sandbox.Server satisfies it.
type Simulator interface {
	Pay(outTradeNo string) error
	Fail(outTradeNo string) error
}

// Options are what main hands to the GUI.
type Options struct {
	Lang      string // "zh-CN" (default) or "en"
	StoreName string
	TillID    string
	Demo      bool          // no merchant config: the embedded sandbox, no real money
	Products  []pos.Product // the catalog for quick keys, search and barcodes
	Ceiling   pos.Money     // largest amount a cashier may type; 0 = pos.DefaultCeiling

	Checkout *pos.Checkout // takes the payments; nil leaves the charge keys disabled
	Settings pos.Settings  // remembers the default method and the customer display; may be nil

	Simulator    Simulator  // demo mode: the sandbox's customer; nil hides the controls
	TestCodes    []TestCode // demo mode: payment codes the sandbox understands
	CustomerPage string     // demo mode: the sandbox's "customer phone" page, shown in the banner

	ReceiptDir   string           // where receipts are saved as .txt and .png; "" disables saving
	RecoverEvery time.Duration    // background recovery interval; 0: pos's default; < 0: none
	Now          func() time.Time // nil: time.Now (countdowns)
}

// Run opens the till's window and blocks until it is closed.
func Run(a fyne.App, opt Options) error {
	if err := SetLanguage(opt.Lang); err != nil {
		return err
	}
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	t := newTill(a, opt)
	defer t.close()
	t.b.start()
	t.startRecovery()
	t.w.ShowAndRun()
	return nil
}

// ShowStartError opens a window saying why the till cannot start (a cashier who started
// it from an icon sees no terminal) and blocks until it is closed.
func ShowStartError(a fyne.App, lang string, err error) {
	_ = SetLanguage(lang) // an unknown language falls back to the default
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow(T("app.start_error"))
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton(T("app.quit"), a.Quit)
	quit.Importance = widget.HighImportance
	head := widget.NewLabelWithStyle(T("app.start_error"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.SetContent(container.NewBorder(head, quit, nil, nil, container.NewVScroll(msg)))
	w.Resize(fyne.NewSize(720, 300))
	w.ShowAndRun()
}

// mode is what the main window is doing.
type mode int

const (
	modeCart     mode = iota // ringing up a sale
	modeCode                 // waiting for the customer's payment code
	modeCash                 // typing the cash handed over (a cash sale, or a switch to cash)
	modeCharging             // a WeChat charge is running
	modeHeld                 // a charge ended without money; the cashier acknowledges it
	modeReceipt              // paid: the receipt, and the next sale one key away
)

// till is the main window, the customer display and what happens on them.
type till struct {
	app    fyne.App
	w      fyne.Window
	cw     fyne.Window // the customer's own window; nil in displayMain
	opt    Options
	b      *bridge
	ctx    context.Context
	cancel context.CancelFunc
	prefs  prefs
	mode   mode
	run    *chargeRun // the running WeChat charge; nil between charges
	latest pos.Update // the latest update of any charge, as last shown
	last   lastSale   // the sale paid last

	receiptAt  time.Time     // when the receipt went up (opt.Now)
	enterGuard time.Duration // Enter on the receipt is ignored this long; receiptGuard

	cashier  *cashier
	customer *customerDisplay
	status   *statusPanel
	receipt  *receiptView
	code     *codePanel
	cash     *cashPanel
	body     *fyne.Container
	note     *widget.Label // the line under the header for recovery's news
	notices  notices
	headKeys []*widget.Button // settings and language: between sales only

	stopTick     func()
	stopRecovery func()
	idleLater    func() // cancels a pending return of the customer display to idle

	settings        dialog.Dialog // the settings dialog while it is open
	settingsMethod  *widget.RadioGroup
	settingsDisplay *widget.RadioGroup
	settingsFull    *widget.Check
}

func newTill(a fyne.App, opt Options) *till {
	t := &till{app: a, opt: opt, b: newBridge(), enterGuard: receiptGuard}
	if t.opt.Now == nil {
		t.opt.Now = time.Now
	}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	prefs, prefsErr := loadPrefs(opt.Settings)
	t.prefs = prefs
	t.w = a.NewWindow(T("app.title"))
	t.w.SetMaster()
	t.w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { t.key(ev.Name) })
	t.w.Canvas().SetOnTypedRune(t.typedRune)
	t.w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl},
		func(fyne.Shortcut) { t.saveReceipt() })
	t.build()
	if prefsErr != nil {
		t.cashier.sayError(T("err.settings", prefsErr.Error()))
	}
	t.w.Resize(fyne.NewSize(1100, 720))
	t.w.SetFullScreen(t.prefs.fullScreen)
	if t.prefs.display == displayWindow {
		t.openCustomerWindow()
	}
	return t
}

// close ends what the till started: running charges stop watching (recovery settles
// them on the next start), timers stop, and nothing more reaches the widgets.
func (t *till) close() {
	t.cancel()
	if t.run != nil { // let it write its last word before the ledger closes
		select {
		case <-t.run.ch.Done():
		case <-time.After(closeWait):
		}
	}
	if t.stopRecovery != nil {
		t.stopRecovery()
	}
	t.stopTicker()
	t.b.close()
}

// closeWait bounds how long closing waits for a charge to stop; a charge still talking to
// WeChat after that is settled by recovery on the next start.
const closeWait = 5 * time.Second

// startRecovery settles, now and then, the sales a crash or an outage left open.
func (t *till) startRecovery() {
	if t.opt.Checkout == nil || t.opt.RecoverEvery < 0 {
		return
	}
	t.stopRecovery = t.opt.Checkout.StartRecovery(t.ctx, t.opt.RecoverEvery, func(rs []pos.Recovered, err error) {
		t.b.post(func() { t.recovered(rs, err) })
	})
}

// build lays out every screen in the current language, keeping the cart.
func (t *till) build() {
	var cart pos.Cart
	selected := -1
	if t.cashier != nil {
		cart, selected = t.cashier.cart, t.cashier.selected
	}
	t.w.SetTitle(T("app.title"))
	t.customer = newCustomerDisplay(t.storeName(), t.opt.Now)
	t.cashier = newCashier(t.opt)
	t.cashier.cart, t.cashier.selected = cart, selected
	t.cashier.entry.onKey = t.key
	t.cashier.onCharge = t.charge
	t.cashier.onCode = t.startCode
	t.cashier.onCartChange = t.cartChanged
	t.cashier.refresh() // also shows the cart's total to the customer
	t.status = newStatusPanel(statusActions{
		cancel: t.cancelCharge, cash: t.takeCash, retry: t.retry,
		simPay: func() { t.simulate(true) }, simFail: func() { t.simulate(false) }, back: t.back,
	}, t.opt.Demo && t.opt.Simulator != nil)
	t.receipt = newReceiptView(receiptInfo{Shop: t.storeName(), TillID: t.opt.TillID}, t.nextSale, t.saveReceipt)
	t.code = newCodePanel(t.testCodes(), t.submitCode, t.back)
	t.code.entry.onKey = t.key
	t.cash = newCashPanel(t.opt.Ceiling, t.confirmCash, t.back)
	t.cash.entry.onKey = t.key
	t.body = container.NewStack()
	t.w.SetContent(container.NewBorder(t.header(), nil, nil, nil, t.body))
	t.showNotices()
	if t.cw != nil {
		t.cw.SetTitle(T("customer.window_title"))
		t.cw.SetContent(t.customer.view)
	}
	t.show()
}

func (t *till) testCodes() []TestCode {
	if !t.opt.Demo {
		return nil
	}
	return t.opt.TestCodes
}

func (t *till) storeName() string {
	if t.opt.StoreName == "" {
		return T("app.default_store")
	}
	return t.opt.StoreName
}

// show lays the main window out for the current mode and display setting.
func (t *till) show() {
	var body fyne.CanvasObject = t.cashier.view
	var focus fyne.Focusable
	switch t.mode {
	case modeCode: // a scanner types the code: the keypad makes room for the demo codes
		t.cashier.lock(true, nil)
	case modeCash:
		t.cashier.lock(true, t.cash.entry)
	default:
		t.cashier.lock(t.mode != modeCart, nil)
	}
	switch t.mode {
	case modeCart:
		t.cashier.setActions(nil)
		focus = t.cashier.entry
	case modeCode:
		t.cashier.setActions(t.code.view)
		focus = t.code.entry
	case modeCash:
		t.cashier.setActions(t.cash.view)
		focus = t.cash.entry
	case modeCharging, modeHeld:
		if t.prefs.display == displayWindow {
			t.cashier.setActions(t.status.view)
		} else {
			t.cashier.setActions(nil)
			body = container.NewBorder(nil, t.status.view, nil, nil, t.customer.view)
		}
	case modeReceipt:
		t.cashier.setActions(nil)
		body = t.receipt.view
	}
	for _, b := range t.headKeys { // they only work between sales: say so by greying them
		enableIf(b, t.mode == modeCart)
	}
	t.body.Objects = []fyne.CanvasObject{body}
	t.body.Refresh()
	if focus != nil && t.settings == nil {
		t.w.Canvas().Focus(focus)
	} else {
		t.w.Canvas().Unfocus()
	}
}

// header shows the shop, the till, demo mode, the screen-wide keys and recovery's news.
// Nothing in it may widen the window: the shop's name is cut short, news wraps.
func (t *till) header() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(t.storeName()+" · "+T("app.till", t.opt.TillID), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	t.note = newNoticeLabel()
	display := widget.NewButton(T("app.customer_display")+" (F4)", t.toggleDisplay)
	settings := widget.NewButton(T("settings.title")+" (F10)", t.showSettings)
	lang := widget.NewButton(T("app.switch_language")+" (F12)", t.toggleLanguage)
	t.headKeys = []*widget.Button{settings, lang}
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(display, settings, lang), title)
	rows := container.NewVBox(bar)
	if t.opt.Demo {
		banner := canvas.NewText(T("app.demo_banner"), weChatGreen)
		banner.TextStyle.Bold = true
		banner.TextSize = 20
		banner.Alignment = fyne.TextAlignCenter
		rows.Add(banner)
		if t.opt.CustomerPage != "" {
			rows.Add(widget.NewLabelWithStyle(T("demo.customer_page", t.opt.CustomerPage), fyne.TextAlignCenter, fyne.TextStyle{}))
		}
	}
	rows.Add(t.note)
	return rows
}

// toggleLanguage switches between Chinese and English; only between sales, so nothing
// a cashier is watching disappears.
func (t *till) toggleLanguage() {
	if t.mode != modeCart {
		return
	}
	next := "en"
	if Language() == "en" {
		next = "zh-CN"
	}
	custom := T("cashier.custom_line")
	_ = SetLanguage(next) // both are always present (a test checks)
	// Typed amounts are named in the till's language, on screen and on the receipt.
	for i, l := range t.cashier.cart.Lines {
		if l.SKU == "" && l.Name == custom {
			t.cashier.cart.Lines[i].Name = T("cashier.custom_line")
		}
	}
	t.build()
	if t.last.note != "" { // a warning about the last sale outlives the switch
		t.sayLastSale()
	}
}

func (t *till) toggleDisplay() {
	if t.prefs.display == displayWindow {
		t.setDisplay(displayMain)
	} else {
		t.setDisplay(displayWindow)
	}
}

// setDisplay moves the customer display and remembers where it went. The display is
// made anew in its new window: Fyne ties drawn objects to the window that first drew them.
func (t *till) setDisplay(d displayMode) {
	t.saved(t.prefs.setDisplay(d))
	if d == displayMain && t.cw != nil {
		cw := t.cw
		t.cw = nil
		cw.Close()
	}
	t.customer = newCustomerDisplay(t.storeName(), t.opt.Now)
	switch {
	case t.run != nil:
		t.showCustomer(t.run, t.run.last)
	case t.mode == modeReceipt:
		t.customer.showResult(t.receipt.sale.Total, true, T("customer.paid"))
	default:
		t.customer.showIdle(t.cashier.cart.Total())
	}
	t.show()
	if d == displayWindow && t.cw == nil {
		t.openCustomerWindow()
	}
}

func (t *till) openCustomerWindow() {
	cw := t.app.NewWindow(T("customer.window_title"))
	cw.SetContent(t.customer.view)
	// Closing the customer's window puts the display back into the main window.
	cw.SetCloseIntercept(func() { t.setDisplay(displayMain) })
	t.customerWindowKeys(cw)
	cw.Resize(fyne.NewSize(800, 640))
	cw.Show()
	t.cw = cw
	t.w.RequestFocus() // the keyboard stays with the cashier
}

// cartChanged keeps the customer's idle screen showing what the cart comes to.
func (t *till) cartChanged(total pos.Money) {
	if t.mode == modeCart && t.run == nil {
		t.customer.showIdle(total)
	}
}
