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
