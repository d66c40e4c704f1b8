package ui

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// maxShownProducts bounds the product buttons above the cart: a big catalog is found by
// typing, not by scrolling.
const maxShownProducts = 12

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

// showProducts fills the product buttons, numbered with their quick keys for Alt+1..9.
func (c *cashier) showProducts(ps []pos.Product) {
	c.keys.RemoveAll()
	if len(ps) > maxShownProducts {
		ps = ps[:maxShownProducts]
	}
	for _, p := range ps {
		label := p.Name + "\n" + p.Price.String()
		if p.QuickKey != "" {
			label = p.QuickKey + " · " + label
		}
		b := widget.NewButton(label, func() { c.addProduct(p) })
		if c.locked {
			b.Disable()
		}
		c.keys.Add(b)
	}
	if len(ps) == 0 {
		c.keys.Add(widget.NewLabel(T("cashier.search_none")))
	}
	c.left.Refresh() // the keys' rows change the cart's height
}

// addFound adds the one product a search finds; more or none is said, not guessed.
func (c *cashier) addFound(text string) typed {
	found := c.find(text)
	switch len(found) {
	case 0:
		c.sayError(T("err.search_none", text))
		return typedBad
	case 1:
		c.cart.AddProduct(found[0])
		c.added(found[0])
		c.showProducts(c.quickKeyProducts())
		return typedProduct
	}
	c.sayError(T("err.search_many", len(found)))
	return typedBad
}
