package ui

import (
	"errors"
	"strings"

	"wxtill/pos"
)

// Changes to the cart's lines: quantity, void, discount.

func (c *cashier) incQty() { c.changeQty(+1) }
func (c *cashier) decQty() { c.changeQty(-1) }

func (c *cashier) changeQty(delta int) {
	if c.locked {
		return
	}
	if c.selected < 0 {
		c.sayError(T("err.no_line_selected"))
		return
	}
	qty := c.cart.Lines[c.selected].Qty + delta
	if qty < 1 {
		c.voidSelected()
		return
	}
	if err := c.cart.SetQty(c.selected, qty); err != nil {
		c.sayError(T("err.qty", pos.MaxQty))
		return
	}
	c.refresh()
}

func (c *cashier) voidSelected() {
	if c.locked {
		return
	}
	if c.selected < 0 {
		c.sayError(T("err.no_line_selected"))
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
			c.sayError(amountError(err, c.opt.Ceiling))
			return
		}
	}
	if err := c.cart.SetDiscount(d); err != nil {
		c.sayError(T("err.discount"))
		return
	}
	c.entry.SetText("")
	c.refresh()
}

func (c *cashier) clearEntry() {
	c.entry.SetText("")
	c.say("")
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
