package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The cashier's keyboard. Every action has a key, shown on its button.

// handleKey acts on the till's keys while the entry has focus; false lets the entry type.
func (c *cashier) handleKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyReturn, fyne.KeyEnter:
		c.addTyped()
	case fyne.KeyEscape:
		c.clearEntry()
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

// handleRune takes '+' as "add to cart", as on a numeric keypad.
func (c *cashier) handleRune(r rune) bool {
	if r == '+' {
		c.addTyped()
		return true
	}
	return false
}

// handleShortcut maps Alt+1..Alt+9 to the products with those quick keys.
func (c *cashier) handleShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierAlt {
		return false
	}
	for _, p := range c.products {
		if p.QuickKey != "" && fyne.KeyName(p.QuickKey) == cs.KeyName {
			c.addProduct(p)
			return true
		}
	}
	return false
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

// keypadPress handles the on-screen keypad: digits and point are typed, the rest act.
func (c *cashier) keypadPress(key string) {
	switch key {
	case "←":
		if t := []rune(c.entry.Text); len(t) > 0 {
			c.entry.SetText(string(t[:len(t)-1]))
		}
	case "C":
		c.clearEntry()
	default:
		c.entry.SetText(c.entry.Text + key)
	}
}
