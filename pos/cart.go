package pos

import (
	"errors"
	"fmt"
)

// MaxQty bounds a line's quantity: a slip on the keypad should not ring up 100000 colas.
const MaxQty = 9999

// Cart errors.
var (
	ErrQty           = fmt.Errorf("quantity must be between 1 and %d", MaxQty)
	ErrNoLine        = errors.New("no such line in the cart")
	ErrCartEmpty     = errors.New("the cart is empty: add an item or an amount first")
	ErrDiscountRange = errors.New("discount must be less than the cart's subtotal")
)

// Cart is the sale being rung up. It is plain data with no locking: one cashier, one
// goroutine (the UI's) changes it.
type Cart struct {
	Lines    []Line
	Discount Money
}

// AddProduct adds one of p, or one more when p is already the last line's item.
func (c *Cart) AddProduct(p Product) {
	if n := len(c.Lines); n > 0 && c.Lines[n-1].SKU != "" && c.Lines[n-1].SKU == p.SKU && c.Lines[n-1].Qty < MaxQty {
		c.Lines[n-1].Qty++
		return
	}
	c.Lines = append(c.Lines, Line{SKU: p.SKU, Name: p.Name, UnitPrice: p.Price, Qty: 1})
}

// AddAmount adds a custom amount line (no catalog item), e.g. from the keypad.
func (c *Cart) AddAmount(name string, amount Money) error {
	if amount <= 0 {
		return ErrAmountZero
	}
	c.Lines = append(c.Lines, Line{Name: name, UnitPrice: amount, Qty: 1})
	return nil
}

// SetQty changes line i's quantity.
func (c *Cart) SetQty(i, qty int) error {
	if i < 0 || i >= len(c.Lines) {
		return ErrNoLine
	}
	if qty < 1 || qty > MaxQty {
		return ErrQty
	}
	c.Lines[i].Qty = qty
	return nil
}

// Void removes line i.
func (c *Cart) Void(i int) error {
	if i < 0 || i >= len(c.Lines) {
		return ErrNoLine
	}
	c.Lines = append(c.Lines[:i], c.Lines[i+1:]...)
	c.clampDiscount()
	return nil
}

// SetDiscount sets a whole-cart discount; 0 removes it. It must leave something to pay.
func (c *Cart) SetDiscount(d Money) error {
	if d < 0 || (d > 0 && d >= c.Subtotal()) {
		return ErrDiscountRange
	}
	c.Discount = d
	return nil
}

// Clear empties the cart for the next sale.
func (c *Cart) Clear() { c.Lines, c.Discount = nil, 0 }

// Subtotal is the sum of the lines before discount.
func (c *Cart) Subtotal() Money {
	var sum Money
	for _, l := range c.Lines {
		sum += l.Amount()
	}
	return sum
}

// Total is what the customer pays.
func (c *Cart) Total() Money { return c.Subtotal() - c.Discount }

// Count is the number of items (sum of quantities).
func (c *Cart) Count() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Qty
	}
	return n
}

// clampDiscount drops a discount that voiding made too large.
func (c *Cart) clampDiscount() {
	if c.Discount > 0 && c.Discount >= c.Subtotal() {
		c.Discount = 0
	}
}
