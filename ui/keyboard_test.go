package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// A refused text stays to be corrected, selected: the next amount or scan replaces it
// instead of being glued to it, whether typed, scanned or pressed on the keypad.
func TestRefusedTextIsTypedOver(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "12.345")
	press(c, fyne.KeyReturn)
	if c.entry.Text != "12.345" || c.entry.SelectedText() != "12.345" {
		t.Fatalf("the refused text should stay, selected: %q (selected %q)", c.entry.Text, c.entry.SelectedText())
	}
	test.Type(c.entry, "6954767423578") // the scanner
	press(c, fyne.KeyReturn)
	if len(c.cart.Lines) != 1 || c.cart.Lines[0].SKU != "S002" {
		t.Fatalf("the scan should replace the refused text: cart %+v, entry %q", c.cart.Lines, c.entry.Text)
	}
	test.Type(c.entry, "abc")
	press(c, fyne.KeyReturn)
	c.keypadPress("5")
	if c.entry.Text != "5" {
		t.Errorf("the keypad should replace a refused text, entry has %q", c.entry.Text)
	}
	test.Type(c.entry, "0") // typing after a replacement goes on normally
	if c.entry.Text != "50" {
		t.Errorf("entry has %q, want 50", c.entry.Text)
	}
}

// A payment code scanned wrong is replaced by the next scan.
func TestWrongPaymentCodeIsScannedOver(t *testing.T) {
	r := newRig(t)
	r.typ("8")
	r.press(fyne.KeyF2)
	r.typ("1340000000") // the scanner read half of it
	r.press(fyne.KeyReturn)
	contains(t, "code panel", r.till.code.message.Text, "18 位数字")
	r.typ(sandbox.CodePayNow)
	if r.till.code.message.Text != "" {
		t.Errorf("the complaint is about the old code; it should go as the new one is typed: %q", r.till.code.message.Text)
	}
	r.press(fyne.KeyReturn)
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
}

// A number typed before F7 is the quantity: it is not left in the field for the next
// Enter to ring up as an amount.
func TestTypedNumberSetsTheQuantity(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "6954767423578")
	press(c, fyne.KeyReturn)
	test.Type(c.entry, "12")
	press(c, fyne.KeyF7)
	if c.cart.Lines[0].Qty != 12 || c.entry.Text != "" || c.cart.Total() != 12*350 {
		t.Fatalf("12 then F7: qty %d, entry %q, total %d", c.cart.Lines[0].Qty, c.entry.Text, c.cart.Total())
	}
	contains(t, "message", c.message.Text, "数量 12")
	press(c, fyne.KeyF8)
	if c.cart.Lines[0].Qty != 11 {
		t.Errorf("F8 alone steps down: qty %d", c.cart.Lines[0].Qty)
	}
	for _, bad := range []string{"0", "1.5", "100000"} {
		c.entry.SetText("")
		test.Type(c.entry, bad)
		press(c, fyne.KeyF7)
		if c.cart.Lines[0].Qty != 11 || !strings.Contains(c.message.Text, "数量必须") {
			t.Errorf("%s then F7: qty %d, message %q; want it refused", bad, c.cart.Lines[0].Qty, c.message.Text)
		}
	}
}

// A pasted page (or a scanner gone wild) is refused with a short quote, not a screenful.
func TestLongInputIsQuotedShort(t *testing.T) {
	c := newTestCashier(t)
	long := strings.Repeat("x", 600)
	test.Type(c.entry, long)
	press(c, fyne.KeyReturn)
	if n := len([]rune(c.message.Text)); n > 120 || !strings.Contains(c.message.Text, "xxx…") {
		t.Errorf("the message quotes %d characters: %.80q", n, c.message.Text)
	}
}

// F9 with nothing typed and no discount says what to do; a discount given or removed is said.
func TestDiscountIsSaid(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "10")
	press(c, fyne.KeyReturn)
	press(c, fyne.KeyF9)
	contains(t, "no discount typed", c.message.Text, "先输入优惠金额")
	c.entry.SetText("")
	test.Type(c.entry, "2")
	press(c, fyne.KeyF9)
	contains(t, "discount", c.message.Text, "整单优惠 ¥2.00")
	press(c, fyne.KeyF9)
	contains(t, "discount removed", c.message.Text, "已取消整单优惠")
	if c.cart.Discount != 0 {
		t.Errorf("discount %d after removing it", c.cart.Discount)
	}
}

// Keys typed on the customer's window (someone clicked it) reach the cashier: an amount
// and Enter charge as on the main window; F11 there fills the customer's monitor.
func TestCustomerWindowHandsKeysToTheCashier(t *testing.T) {
	r := newRig(t, withDisplay(displayWindow))
	cc := r.till.cw.Canvas()
	for _, ch := range "4.5" {
		cc.OnTypedRune()(ch)
	}
	cc.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u := r.phase(pos.PhaseAwaiting)
	if u.Sale.Total != 450 {
		t.Fatalf("the charge is for %s, want ¥4.50", u.Sale.Total)
	}
	cc.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // not full screen: the cashier's Esc
	r.phase(pos.PhaseClosed)
	cc.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF11})
	if !r.till.cw.FullScreen() {
		t.Error("F11 on the customer's window should fill its monitor")
	}
}

// F4 works during a charge: a cashier who finds the customer's monitor blank moves the
// display there, QR and all. The keys that only work between sales are greyed meanwhile.
func TestCustomerDisplayMovesDuringACharge(t *testing.T) {
	r := newRig(t)
	r.typ("5")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	for _, b := range r.till.headKeys {
		if !b.Disabled() {
			t.Errorf("%q does nothing during a charge: it should be greyed", b.Text)
		}
	}
	r.press(fyne.KeyF4)
	if r.till.cw == nil {
		t.Fatal("F4 during a charge should open the customer's window")
	}
	if got := decodeQR(t, r.till.cw.Canvas().Capture()); got != u.Sale.CodeURL {
		t.Fatalf("the customer's window shows %q, want the QR %q", got, u.Sale.CodeURL)
	}
	if r.till.body.Objects[0] != r.till.cashier.view {
		t.Error("the main window should go back to the cashier's screen")
	}
	r.press(fyne.KeyEscape)
	r.phase(pos.PhaseClosed)
	for _, b := range r.till.headKeys {
		if b.Disabled() {
			t.Errorf("%q should work again at the cart", b.Text)
		}
	}
}

// F11 at the cart fills the monitor with the till, and a restarted till remembers it.
func TestFullScreenIsRemembered(t *testing.T) {
	r := newRig(t)
	r.press(fyne.KeyF11)
	if !r.till.w.FullScreen() {
		t.Fatal("F11 should make the till's window full screen")
	}
	if p, err := loadPrefs(r.ledger); err != nil || !p.fullScreen {
		t.Errorf("a restarted till would read full screen = %v (%v)", p.fullScreen, err)
	}
	r.press(fyne.KeyF10)
	r.press(fyne.KeyF11) // also from the settings
	r.press(fyne.KeyEscape)
	if r.till.w.FullScreen() || r.till.prefs.fullScreen {
		t.Error("F11 in the settings should leave full screen")
	}
}

// Switching language between sales renames typed amounts and keeps the selected line.
func TestLanguageSwitchRenamesTypedAmounts(t *testing.T) {
	r := newRig(t)
	defer SetLanguage(DefaultLang)
	r.typ("3")
	r.typ("+")
	r.press(fyne.KeyF12)
	if got := r.till.cashier.cart.Lines[0].Name; got != "Custom amount" {
		t.Errorf("the typed amount is called %q in English", got)
	}
	r.press(fyne.KeyF7)
	if r.till.cashier.cart.Lines[0].Qty != 2 {
		t.Errorf("the selected line should stay selected through the switch: %+v", r.till.cashier.cart.Lines)
	}
}

// A change that takes the total above the till's ceiling is refused when it is made, not
// later when the charge is: the cart stays as it was.
func TestTotalStaysUnderTheCeiling(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "99999")
	c.handleRune('+')
	test.Type(c.entry, "2")
	press(c, fyne.KeyF7)
	if c.cart.Lines[0].Qty != 1 || !strings.Contains(c.message.Text, "上限") {
		t.Errorf("2 × ¥99999 should be refused: qty %d, message %q", c.cart.Lines[0].Qty, c.message.Text)
	}
	c.entry.SetText("")
	test.Type(c.entry, "1.5")
	c.handleRune('+')
	c.entry.TypedShortcut(altKey(fyne.Key7)) // chewing gum, ¥10
	if len(c.cart.Lines) != 1 || c.cart.Total() != 9_999_900 || c.total.Text != "¥99999.00" {
		t.Errorf("the cart should still be the one ¥99999 line: %+v, total %s", c.cart.Lines, c.total.Text)
	}
}

// Esc with nothing typed offers to clear the cart (the customer walked away); a second
// Esc clears it. Any other key in between keeps the cart.
func TestEscTwiceClearsTheCart(t *testing.T) {
	c := newTestCashier(t)
	for _, amount := range []string{"10", "5"} {
		test.Type(c.entry, amount)
		c.handleRune('+')
	}
	press(c, fyne.KeyEscape)
	contains(t, "first Esc", c.message.Text, "再按一次 Esc")
	press(c, fyne.KeyUp) // changed their mind
	press(c, fyne.KeyEscape)
	if len(c.cart.Lines) != 2 {
		t.Fatalf("an Esc after another key only asks again; cart %+v", c.cart.Lines)
	}
	press(c, fyne.KeyEscape)
	if len(c.cart.Lines) != 0 || c.total.Text != "¥0.00" {
		t.Fatalf("the second Esc should clear the cart: %+v %q", c.cart.Lines, c.total.Text)
	}
	contains(t, "after", c.message.Text, "购物车已清空")
	test.Type(c.entry, "3")
	press(c, fyne.KeyEscape) // with something typed, Esc clears only that
	if c.entry.Text != "" || len(c.cart.Lines) != 0 {
		t.Errorf("entry %q, cart %+v", c.entry.Text, c.cart.Lines)
	}
}

// Text pasted into the field (a line copied from a chat, with its newline) is taken like
// typed text; a pasted page is refused in a few words.
func TestPastedTextIsTakenLikeTypedText(t *testing.T) {
	c := newTestCashier(t)
	clip := fyne.CurrentApp().Clipboard()
	for _, tc := range []struct {
		pasted string
		lines  int
	}{
		{"12.50\n", 1},
		{" 6954767423578\r\n", 2}, // a barcode copied with its line end
		{"第一行\n第二行\n" + strings.Repeat("很长的一段文字", 100), 2},
	} {
		c.entry.SetText("")
		clip.SetContent(tc.pasted)
		c.entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
		press(c, fyne.KeyReturn)
		if len(c.cart.Lines) != tc.lines {
			t.Errorf("pasting %.20q: %d lines, want %d (message %q)", tc.pasted, len(c.cart.Lines), tc.lines, c.message.Text)
		}
		if n := len([]rune(c.message.Text)); n > 120 {
			t.Errorf("pasting %.20q: the message is %d characters long", tc.pasted, n)
		}
	}
	if c.cart.Total() != 1250+350 {
		t.Errorf("total %s, want ¥16.00", c.cart.Total())
	}
}

// A quick key's button names its key as every other button does, "(Alt+1)": a bare "1 ·"
// read as "press 1", which types a 1 that Enter then charges as ¥1.
func TestQuickKeyButtonsNameTheirKeys(t *testing.T) {
	c := newTestCashier(t)
	b := c.keys.Objects[0].(*widget.Button)
	if !strings.Contains(b.Text, "(Alt+1)") || strings.HasPrefix(b.Text, "1") {
		t.Errorf("the first quick key reads %q", b.Text)
	}
}
