package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"wxtill/pos"
)

// With the customer display remembered in its own window, the till opens it at start;
// the QR shows there (and decodes to the code_url) while the cashier keeps the status.
// F4 puts it back in the main window, and that is remembered too.
func TestCustomerWindowIsRemembered(t *testing.T) {
	r := newRig(t, withDisplay(displayWindow))
	if r.till.cw == nil {
		t.Fatal("the customer window should open at start when the setting says so")
	}
	r.typ("5")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	if got := decodeQR(t, r.till.cw.Canvas().Capture()); got != u.Sale.CodeURL {
		t.Fatalf("the customer window's QR says %q, want %q", got, u.Sale.CodeURL)
	}
	if r.till.body.Objects[0] != r.till.cashier.view {
		t.Error("with a customer window, the main window should keep the cashier's screen")
	}
	contains(t, "cashier status", r.till.status.headline.Text, "等待顾客扫码")
	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	contains(t, "customer window", r.till.customer.headline.Text, "支付成功")
	r.press(fyne.KeyReturn)

	r.press(fyne.KeyF4)
	if r.till.cw != nil {
		t.Error("F4 should close the customer window")
	}
	if v, err := r.ledger.Setting(settingCustomerDisplay); err != nil || v != string(displayMain) {
		t.Errorf("the choice should be saved: %q, %v", v, err)
	}
	again, err := loadPrefs(r.ledger)
	if err != nil || again.display != displayMain {
		t.Errorf("a restarted till would read %q (%v)", again.display, err)
	}
}

// The default method in the settings decides what Enter charges by.
func TestDefaultMethodFromSettings(t *testing.T) {
	r := newRig(t)
	if err := r.till.prefs.setMethod(pos.MethodCash); err != nil {
		t.Fatal(err)
	}
	r.typ("7")
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCash {
		t.Fatalf("with cash as the default, Enter should open the cash panel; mode %d", r.till.mode)
	}
	if v, _ := r.ledger.Setting(settingDefaultMethod); v != string(pos.MethodCash) {
		t.Errorf("default method saved as %q", v)
	}
}

// F12 switches to English between sales and keeps the cart.
func TestLanguageSwitchKeepsTheCart(t *testing.T) {
	r := newRig(t)
	defer SetLanguage(DefaultLang)
	r.typ("3")
	r.typ("+")
	r.press(fyne.KeyF12)
	if Language() != "en" {
		t.Fatalf("F12 should switch to English, language is %s", Language())
	}
	if r.till.cashier.cart.Total() != 300 || r.till.cashier.total.Text != "¥3.00" {
		t.Errorf("the cart should survive the switch: %+v", r.till.cashier.cart)
	}
	if r.till.cashier.charge[0].Text != "WeChat QR (F1)" {
		t.Errorf("charge button reads %q", r.till.cashier.charge[0].Text)
	}
	r.press(fyne.KeyReturn)
	r.phase(pos.PhaseAwaiting)
	contains(t, "customer", r.till.customer.headline.Text, "Scan with WeChat")
}

// F10 opens the settings; there F2 makes the payment code the default and F4 moves the
// customer display, both saved; Esc closes, and Enter then charges by payment code. Keys
// meant for the dialog never reach the cart.
func TestSettingsByKeyboard(t *testing.T) {
	r := newRig(t)
	r.typ("9")
	r.press(fyne.KeyF10)
	if r.till.settings == nil {
		t.Fatal("F10 should open the settings")
	}
	r.press(fyne.KeyF2)
	r.press(fyne.KeyF4)
	r.press(fyne.KeyReturn) // closes the dialog; must not charge
	if r.till.settings != nil || r.till.mode != modeCart {
		t.Fatalf("Enter should close the settings and stay at the cart; mode %d", r.till.mode)
	}
	if v, _ := r.ledger.Setting(settingDefaultMethod); v != string(pos.MethodCode) {
		t.Errorf("default method saved as %q, want %q", v, pos.MethodCode)
	}
	if v, _ := r.ledger.Setting(settingCustomerDisplay); v != string(displayWindow) || r.till.cw == nil {
		t.Errorf("customer display saved as %q (window open: %v), want its own window", v, r.till.cw != nil)
	}
	if r.till.w.Canvas().Focused() != r.till.cashier.entry || r.till.cashier.entry.Text != "9" {
		t.Fatalf("the cart's field should have the focus and still hold 9, has %q", r.till.cashier.entry.Text)
	}
	r.press(fyne.KeyReturn)
	if r.till.mode != modeCode {
		t.Errorf("Enter should now charge by payment code; mode %d", r.till.mode)
	}
}

// F11 on the customer's own window fills its monitor; Esc leaves full screen.
func TestCustomerWindowFullScreen(t *testing.T) {
	r := newRig(t, withDisplay(displayWindow))
	keys := r.till.cw.Canvas().OnTypedKey()
	keys(&fyne.KeyEvent{Name: fyne.KeyF11})
	if !r.till.cw.FullScreen() {
		t.Fatal("F11 should make the customer window full screen")
	}
	keys(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if r.till.cw.FullScreen() {
		t.Error("Esc should leave full screen")
	}
}
