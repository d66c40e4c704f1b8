package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"wxtill/pos"
)

// newTestCashier puts a cashier screen in a test window with the till's theme.
func newTestCashier(t *testing.T) *cashier {
	c, _ := newTestCashierWindow(t)
	return c
}

func newTestCashierWindow(t *testing.T) (*cashier, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	if err := SetLanguage("zh-CN"); err != nil {
		t.Fatal(err)
	}
	c := newCashier(Options{TillID: "01", Products: pos.SampleProducts()})
	w := test.NewTempWindow(t, c.view)
	w.Resize(fyne.NewSize(1100, 720))
	w.Canvas().Focus(c.entry)
	return c, w
}

func press(c *cashier, k fyne.KeyName) { c.entry.TypedKey(&fyne.KeyEvent{Name: k}) }

func TestTypedAmountAndEnterAddsALine(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "12.5")
	press(c, fyne.KeyReturn)
	test.Type(c.entry, "０.５") // full-width, as a Chinese input method types it
	press(c, fyne.KeyEnter)
	if got := c.cart.Total(); got != 1300 {
		t.Fatalf("total = %d fen, want 1300", got)
	}
	if c.total.Text != "¥13.00" {
		t.Errorf("total shows %q, want ¥13.00", c.total.Text)
	}
	if c.entry.Text != "" {
		t.Errorf("entry should be cleared after adding, has %q", c.entry.Text)
	}
}

func TestBadAmountsAreRefusedWithAReason(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"12.345", "两位小数"},
		{"-1", "负数"},
		{"abc", "格式不对"},
		{"0", "大于 0"},
		{"99999999999", "上限"},
		{"100000000.00", "上限"},
		{"", "请输入金额"},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			c := newTestCashier(t)
			test.Type(c.entry, tc.typed)
			press(c, fyne.KeyReturn)
			if len(c.cart.Lines) != 0 {
				t.Fatalf("%q was added to the cart: %+v", tc.typed, c.cart.Lines)
			}
			if !strings.Contains(c.message.Text, tc.want) {
				t.Errorf("message %q should contain %q", c.message.Text, tc.want)
			}
			if c.entry.Text != tc.typed {
				t.Errorf("the typed text should stay for correcting, entry has %q", c.entry.Text)
			}
		})
	}
}

func TestScannedBarcodeAndQuickKeysAddProducts(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "6954767423578") // the scanner types the cola's EAN-13, then Enter
	press(c, fyne.KeyReturn)
	c.entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt})
	c.entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierAlt})
	if len(c.cart.Lines) != 2 || c.cart.Lines[0].Qty != 2 || c.cart.Lines[1].SKU != "S001" {
		t.Fatalf("cart = %+v, want cola ×2 then water ×1", c.cart.Lines)
	}
	if got := c.cart.Total(); got != 350*2+200 {
		t.Errorf("total = %d, want 900", got)
	}
	test.Type(c.entry, "12345678")
	press(c, fyne.KeyReturn)
	if len(c.cart.Lines) != 2 || !strings.Contains(c.message.Text, "12345678") {
		t.Errorf("an unknown barcode must be refused by name; message %q, lines %d", c.message.Text, len(c.cart.Lines))
	}
}

func TestQuantityVoidAndDiscountByKeyboard(t *testing.T) {
	c := newTestCashier(t)
	for _, amount := range []string{"10", "5"} {
		test.Type(c.entry, amount)
		press(c, fyne.KeyReturn)
	}
	press(c, fyne.KeyF7) // the ¥5 line is selected: now ×2
	press(c, fyne.KeyUp)
	press(c, fyne.KeyDelete) // void the ¥10 line
	if len(c.cart.Lines) != 1 || c.cart.Total() != 1000 {
		t.Fatalf("after qty+1 and void: %+v total %d, want one ¥5 ×2 line", c.cart.Lines, c.cart.Total())
	}
	test.Type(c.entry, "1.5")
	press(c, fyne.KeyF9)
	if c.cart.Total() != 850 || c.total.Text != "¥8.50" {
		t.Errorf("discount of 1.5: total %d shown %q, want 850 ¥8.50", c.cart.Total(), c.total.Text)
	}
	test.Type(c.entry, "20")
	press(c, fyne.KeyF9)
	if c.cart.Discount != 150 || !strings.Contains(c.message.Text, "优惠") {
		t.Errorf("a discount above the subtotal must be refused; discount %d message %q", c.cart.Discount, c.message.Text)
	}
	press(c, fyne.KeyF8)
	press(c, fyne.KeyF8) // quantity 0 voids the line
	if len(c.cart.Lines) != 0 || c.total.Text != "¥0.00" {
		t.Errorf("lowering the quantity to zero should void the line: %+v %q", c.cart.Lines, c.total.Text)
	}
}

func TestKeypadTypesIntoTheEntry(t *testing.T) {
	c := newTestCashier(t)
	for _, k := range []string{"7", ".", "5", "9", "←"} {
		c.keypadPress(k)
	}
	if c.entry.Text != "7.5" {
		t.Fatalf("keypad typed %q, want 7.5", c.entry.Text)
	}
	press(c, fyne.KeyEscape)
	if c.entry.Text != "" {
		t.Errorf("Esc should clear the entry, has %q", c.entry.Text)
	}
}

func TestChargeButtonsWaitForPayments(t *testing.T) {
	c := newTestCashier(t)
	for _, b := range c.charge {
		if !b.Disabled() {
			t.Errorf("%q should be disabled until the checkout engine is wired", b.Text)
		}
	}
}

// The cashier screen as a picture, with the embedded font: Chinese must be glyphs, not boxes.
func TestCashierScreenImage(t *testing.T) {
	c, w := newTestCashierWindow(t)
	test.Type(c.entry, "12.5")
	press(c, fyne.KeyReturn)
	c.entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt})
	test.AssertImageMatches(t, "cashier.png", w.Canvas().Capture())
}

// Letters in the field search the catalog: the product keys show what matches, and Enter
// adds the one match; several matches are said, not guessed.
func TestSearchByName(t *testing.T) {
	c := newTestCashier(t)
	test.Type(c.entry, "S00")
	if n := len(c.keys.Objects); n != 8 {
		t.Errorf("searching S00 should show the 8 sample products, shows %d", n)
	}
	press(c, fyne.KeyReturn)
	if len(c.cart.Lines) != 0 || !strings.Contains(c.message.Text, "8") {
		t.Errorf("several matches must not add anything; lines %d, message %q", len(c.cart.Lines), c.message.Text)
	}
	c.entry.SetText("")
	test.Type(c.entry, "薯片")
	if n := len(c.keys.Objects); n != 1 {
		t.Errorf("searching 薯片 should show one product, shows %d", n)
	}
	press(c, fyne.KeyReturn)
	if len(c.cart.Lines) != 1 || c.cart.Lines[0].SKU != "S006" || c.entry.Text != "" {
		t.Fatalf("Enter should add the one match: %+v, entry %q", c.cart.Lines, c.entry.Text)
	}
	if n := len(c.keys.Objects); n != 8 {
		t.Errorf("after adding, the quick keys should be back, shows %d", n)
	}
	test.Type(c.entry, "xyz")
	press(c, fyne.KeyReturn)
	if !strings.Contains(c.message.Text, "xyz") || len(c.cart.Lines) != 1 {
		t.Errorf("no match must be said by name: %q", c.message.Text)
	}
}
