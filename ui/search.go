package ui

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// maxShownProducts bounds the product buttons above the cart: a big catalog is found by
// typing, not by scrolling.
const maxShownProducts = 12

// productLabelCells is how much of a product's name its button shows (a Chinese character
// is two cells): the owner's long names must not widen the cashier's screen.
const productLabelCells = 14

// clipCells shortens s to at most n cells, marking the cut with "…".
func clipCells(s string, n int) string {
	if cells(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		if used+runeCells(r)+1 > n { // room for the "…"
			return s[:i] + "…"
		}
		used += runeCells(r)
	}
	return s
}

// quickKeyProducts are the products with quick keys (the first few when none has one).
func (c *cashier) quickKeyProducts() []pos.Product {
	var out []pos.Product
	for _, p := range c.products {
		if p.QuickKey != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = c.products
	}
	return out
}

// find returns the products whose name, SKU or barcode contains text (any case).
func (c *cashier) find(text string) []pos.Product {
	q := strings.ToLower(strings.TrimSpace(text))
	var out []pos.Product
	for _, p := range c.products {
		if strings.Contains(strings.ToLower(p.Name), q) || strings.Contains(strings.ToLower(p.SKU), q) ||
			(p.Barcode != "" && strings.Contains(p.Barcode, q)) {
			out = append(out, p)
		}
	}
	return out
}

// search shows, while letters are typed, the products they match instead of the quick keys.
func (c *cashier) search(text string) {
	if strings.TrimSpace(text) == "" || looksLikeAmount(text) {
		c.showProducts(c.quickKeyProducts())
		return
	}
	c.showProducts(c.find(text))
}

// showProducts fills the product buttons, each with its quick key (Alt+1..9).
func (c *cashier) showProducts(ps []pos.Product) {
	c.keys.RemoveAll()
	if len(ps) > maxShownProducts {
		ps = ps[:maxShownProducts]
	}
	for _, p := range ps {
		// The key under the name, as on every button: "1 · 矿泉水" read as "press 1",
		// which types a 1 (and Enter then charges ¥1).
		label := clipCells(p.Name, productLabelCells) + "\n" + p.Price.String()
		if p.QuickKey != "" {
			label += " (Alt+" + p.QuickKey + ")"
		}
		b := widget.NewButton(label, func() { c.addProduct(p) })
		if c.locked {
			b.Disable()
		}
		c.keys.Add(b)
	}
	showIf(c.noMatch, len(ps) == 0)
	c.left.Refresh() // the keys' rows change the cart's height
}

// addFound adds the one product a search finds; more or none is said, not guessed.
func (c *cashier) addFound(text string) typed {
	found := c.find(text)
	switch len(found) {
	case 0:
		c.refuse(T("err.search_none", clipText(text, quotedRunes)))
		return typedBad
	case 1:
		before := c.linesNow()
		c.cart.AddProduct(found[0])
		if c.overCeiling(before) {
			return typedBad
		}
		c.added(found[0])
		c.showProducts(c.quickKeyProducts())
		return typedProduct
	}
	c.sayError(T("err.search_many", len(found)))
	return typedBad
}
