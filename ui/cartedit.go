package ui

import (
	"errors"
	"strconv"
	"strings"

	"wxtill/pos"
)

// Changes to the cart's lines: quantity, void, discount.

func (c *cashier) incQty() { c.changeQty(+1) }
func (c *cashier) decQty() { c.changeQty(-1) }

// changeQty steps the selected line's quantity by delta; a number typed first sets it
// instead (3 then F7: three of them), so the typed number is never left behind to be
// rung up as an amount by the next Enter.
func (c *cashier) changeQty(delta int) {
	if c.locked {
		return
	}
	if c.selected < 0 {
		c.refuse(T("err.no_line_selected"))
		return
	}
	line := c.cart.Lines[c.selected]
	qty := line.Qty + delta
	// A refused text is left selected to be typed over: it is no quantity.
	if text := strings.TrimSpace(c.entry.Text); text != "" && c.entry.SelectedText() == "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > pos.MaxQty {
			c.refuse(T("err.qty", pos.MaxQty))
			return
		}
		qty = n
	}
	if qty < 1 {
		c.voidSelected()
		return
	}
	before := c.linesNow()
	if err := c.cart.SetQty(c.selected, qty); err != nil {
		c.refuse(T("err.qty", pos.MaxQty))
		return
	}
	if c.overCeiling(before) {
		return
	}
	c.entry.SetText("")
	c.say(T("cashier.qty_set", line.Name, qty))
	c.refresh()
}

func (c *cashier) voidSelected() {
	if c.locked {
		return
	}
	if c.selected < 0 {
		c.refuse(T("err.no_line_selected"))
		return
	}
	name := c.cart.Lines[c.selected].Name
	_ = c.cart.Void(c.selected) // selected is always a valid index here
	c.say(T("cashier.voided", name))
	c.refresh()
}

// applyDiscount takes the typed amount as a whole-cart discount; an empty entry removes it.
func (c *cashier) applyDiscount() {
	if c.locked {
		return
	}
	text := strings.TrimSpace(c.entry.Text)
	var d pos.Money
	if text != "" {
		var err error
		if d, err = pos.ParseAmount(text, c.opt.Ceiling); err != nil {
			c.refuse(amountError(err, c.opt.Ceiling))
			return
		}
	}
	if d == 0 && c.cart.Discount == 0 {
		c.refuse(T("cashier.discount_hint"))
		return
	}
	if err := c.cart.SetDiscount(d); err != nil {
		c.refuse(T("err.discount"))
		return
	}
	c.entry.SetText("")
	if d > 0 {
		c.say(T("cashier.discount_set", d.String()))
	} else {
		c.say(T("cashier.discount_off"))
	}
	c.refresh()
}

// clearEntry is Esc at the cart: it clears what is typed. With nothing typed it offers to
// clear the whole cart (a customer who walked away), and a second Esc does: one slip of
// a finger must not lose a long cart.
func (c *cashier) clearEntry() {
	if c.entry.Text != "" || len(c.cart.Lines) == 0 {
		c.entry.SetText("")
		c.say("")
		return
	}
	if !c.clearAsked {
		c.clearAsked = true
		c.sayError(T("cashier.clear_ask", c.cart.Count(), c.cart.Total().String()))
		return
	}
	c.cart.Clear()
	c.selected = -1
	c.say(T("cashier.cleared"))
	c.refresh()
}

func (c *cashier) ceiling() pos.Money {
	if c.opt.Ceiling <= 0 {
		return pos.DefaultCeiling
	}
	return c.opt.Ceiling
}

// amountError turns a pos amount error into the cashier's language.
func amountError(err error, ceiling pos.Money) string {
	if ceiling <= 0 {
		ceiling = pos.DefaultCeiling
	}
	switch {
	case errors.Is(err, pos.ErrAmountEmpty):
		return T("err.amount.empty")
	case errors.Is(err, pos.ErrAmountPrecision):
		return T("err.amount.precision")
	case errors.Is(err, pos.ErrAmountNegative):
		return T("err.amount.negative")
	case errors.Is(err, pos.ErrAmountZero):
		return T("err.amount.zero")
	case errors.Is(err, pos.ErrAmountTooLarge):
		return T("err.amount.too_large", ceiling.String())
	}
	return T("err.amount.syntax")
}
