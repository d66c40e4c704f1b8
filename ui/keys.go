package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"wxtill/pos"
)

// The cashier's keyboard. Every action has a key, shown on its button.
//
//	cart:      Enter charge (by the default method) · + add · Esc clear · F1 WeChat QR ·
//	           F2 payment code · F3 cash · ↑↓ select · Del void · F7/F8 quantity ·
//	           F9 discount · Alt+1..9 quick keys · F10 settings · F11 full screen ·
//	           F12 language
//	charging:  Esc cancel · F3 take cash · F5 retry · F6/F11 demo customer pays/fails
//	panels:    Enter confirm · Esc back
//	receipt:   Enter next sale (typing starts it too) · Ctrl+S save · F11 full screen
//	anywhere:  F4 customer display (its own window or the main one)
//	settings:  F1..F3 default method · F4 customer display · F11 full screen · Esc/Enter/F10 close

// key routes a key to the current screen; it reports whether the key was used.
func (t *till) key(k fyne.KeyName) bool {
	if t.settings != nil {
		return t.settingsKey(k)
	}
	if k == fyne.KeyF4 { // wherever the cashier is: the customer must see the screen
		t.toggleDisplay()
		return true
	}
	switch t.mode {
	case modeCart:
		return t.cartKey(k)
	case modeCode, modeCash:
		return t.panelKey(k)
	case modeCharging:
		return t.chargingKey(k)
	case modeReceipt:
		return t.receiptKey(k)
	case modeHeld:
		if isEnter(k) || k == fyne.KeyEscape {
			t.back()
			return true
		}
	}
	return false
}

func isEnter(k fyne.KeyName) bool { return k == fyne.KeyReturn || k == fyne.KeyEnter }

func (t *till) cartKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF11:
		t.toggleFullScreen()
	case fyne.KeyF10:
		t.showSettings()
	case fyne.KeyF12:
		t.toggleLanguage()
	default:
		return t.cashier.handleKey(k)
	}
	return true
}

func (t *till) panelKey(k fyne.KeyName) bool {
	switch {
	case isEnter(k) && t.mode == modeCode:
		t.submitCode()
	case isEnter(k):
		t.confirmCash()
	case k == fyne.KeyEscape:
		t.back()
	default:
		return false
	}
	return true
}

func (t *till) chargingKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyEscape:
		t.cancelCharge()
	case fyne.KeyF3:
		t.takeCash()
	case fyne.KeyF5:
		t.retry()
	case fyne.KeyF6:
		t.simulate(true)
	case fyne.KeyF11:
		t.simulate(false)
	default:
		return false
	}
	return true
}

// handleKey acts on the cart's keys while the entry has focus; false lets the entry type.
func (c *cashier) handleKey(k fyne.KeyName) bool {
	if k != fyne.KeyEscape {
		c.clearAsked = false // any other key answers "clear the cart?" with no
	}
	switch k {
	case fyne.KeyReturn, fyne.KeyEnter:
		c.enter()
	case fyne.KeyEscape:
		c.clearEntry()
	case fyne.KeyF1:
		c.chargeBy(pos.MethodNative)
	case fyne.KeyF2:
		c.chargeBy(pos.MethodCode)
	case fyne.KeyF3:
		c.chargeBy(pos.MethodCash)
	case fyne.KeyUp:
		c.moveSelection(-1)
	case fyne.KeyDown:
		c.moveSelection(+1)
	case fyne.KeyDelete:
		c.voidSelected()
	case fyne.KeyF7:
		c.incQty()
	case fyne.KeyF8:
		c.decQty()
	case fyne.KeyF9:
		c.applyDiscount()
	case fyne.KeyF12:
		if c.toggleLang != nil {
			c.toggleLang()
		}
	default:
		return false
	}
	return true
}

// enter is Enter at the cart: what is typed goes in, then the cart is charged by the
// default method. A scanned barcode only goes in (the scanner sends Enter after every
// item); a scanned payment code charges by payment code.
func (c *cashier) enter() {
	switch c.addTyped() {
	case typedBad, typedProduct:
		return
	case typedAuthCode:
		c.chargeCode()
		return
	}
	if c.onCharge == nil {
		if len(c.cart.Lines) == 0 {
			c.sayError(T("err.amount.empty"))
		}
		return
	}
	if len(c.cart.Lines) == 0 {
		c.sayError(T("err.cart_empty"))
		return
	}
	c.onCharge("") // the till's default method
}

// chargeBy charges the cart (with what is typed added first) by method m.
func (c *cashier) chargeBy(m pos.Method) {
	if c.locked || c.onCharge == nil {
		return
	}
	switch c.addTyped() {
	case typedBad:
		return
	case typedAuthCode:
		c.chargeCode()
		return
	}
	if len(c.cart.Lines) == 0 {
		c.sayError(T("err.cart_empty"))
		return
	}
	c.onCharge(m)
}

// chargeCode charges the payment code scanned into the entry.
func (c *cashier) chargeCode() {
	code := c.entry.Text
	if len(c.cart.Lines) == 0 {
		c.sayError(T("err.cart_empty"))
		return
	}
	c.entry.SetText("")
	if c.onCode != nil {
		c.onCode(code)
	}
}

// addOnly puts what is typed into the cart without charging ('+' on a keypad).
func (c *cashier) addOnly() {
	if c.locked {
		return
	}
	c.addTyped()
}

// handleRune takes '+' as "add to cart", as on a numeric keypad.
func (c *cashier) handleRune(r rune) bool {
	if r == '+' {
		c.addOnly()
		return true
	}
	return false
}

// handleShortcut maps Alt+1..Alt+9 to the products with those quick keys.
func (c *cashier) handleShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierAlt || c.locked {
		return false
	}
	before := c.linesNow()
	p, err := c.cart.AddQuickKey(c.products, string(cs.KeyName))
	if err != nil {
		return false
	}
	if !c.overCeiling(before) {
		c.added(p)
	}
	return true
}

func (c *cashier) moveSelection(delta int) {
	n := len(c.cart.Lines)
	if n == 0 {
		return
	}
	next := c.selected + delta
	if next < 0 {
		next = 0
	}
	if next >= n {
		next = n - 1
	}
	c.selected = next
	c.refresh()
}

// keypadPress handles the on-screen keypad: digits and point are typed (into the open
// panel's field, or the cart's), the rest act.
func (c *cashier) keypadPress(key string) {
	target := c.entry
	if c.padTarget != nil {
		target = c.padTarget
	}
	text := target.Text
	if target.SelectedText() != "" { // refused text, selected: the keypad replaces it
		text = ""
	}
	switch key {
	case "←":
		if t := []rune(text); len(t) > 0 {
			text = string(t[:len(t)-1])
		}
	case "C":
		text = ""
	default:
		text += key
	}
	target.SetText(text)
}
