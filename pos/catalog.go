package pos

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Products is the shop's catalog as loaded from a Catalog, with the lookups a till makes.
type Products []Product

// Catalog lookup errors.
var (
	ErrUnknownBarcode  = errors.New("no product has this barcode")
	ErrUnknownQuickKey = errors.New("no product is on this quick key")
)

// ByBarcode finds the product with this barcode (surrounding spaces ignored).
func (ps Products) ByBarcode(code string) (Product, bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Product{}, false
	}
	for _, p := range ps {
		if p.Barcode == code {
			return p, true
		}
	}
	return Product{}, false
}

// ByQuickKey finds the product on quick key k.
func (ps Products) ByQuickKey(k string) (Product, bool) {
	if k == "" {
		return Product{}, false
	}
	for _, p := range ps {
		if p.QuickKey == k {
			return p, true
		}
	}
	return Product{}, false
}

// BySKU finds the product with this SKU.
func (ps Products) BySKU(sku string) (Product, bool) {
	for _, p := range ps {
		if p.SKU == sku && sku != "" {
			return p, true
		}
	}
	return Product{}, false
}

// ValidateProduct says what is wrong with p, if anything, before it goes in the catalog.
func ValidateProduct(p Product, ceiling Money) error {
	if ceiling <= 0 {
		ceiling = DefaultCeiling
	}
	switch {
	case strings.TrimSpace(p.SKU) == "":
		return errors.New("product needs a SKU")
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("product %s needs a name", p.SKU)
	case p.Price <= 0 || p.Price > ceiling:
		return fmt.Errorf("product %s: price must be above ¥0.00 and at most %s", p.SKU, ceiling)
	}
	return nil
}

// AddBarcode adds the product with this barcode to the cart.
func (c *Cart) AddBarcode(ps Products, code string) (Product, error) {
	p, ok := ps.ByBarcode(code)
	if !ok {
		return Product{}, fmt.Errorf("%w: %q", ErrUnknownBarcode, strings.TrimSpace(code))
	}
	c.AddProduct(p)
	return p, nil
}

// AddQuickKey adds the product on quick key k to the cart.
func (c *Cart) AddQuickKey(ps Products, k string) (Product, error) {
	p, ok := ps.ByQuickKey(k)
	if !ok {
		return Product{}, fmt.Errorf("%w: %q", ErrUnknownQuickKey, k)
	}
	c.AddProduct(p)
	return p, nil
}

// DescriptionLimit is WeChat's limit on an order's description, in UTF-8 bytes.
const DescriptionLimit = 127

// Describe makes the order description the customer sees in WeChat from the cart's lines:
// "Shop-可乐 等3件" (the first item and the count), cut to DescriptionLimit bytes on a
// character boundary.
func Describe(shop string, lines []Line) string {
	count := 0
	for _, l := range lines {
		count += l.Qty
	}
	item := ""
	if len(lines) > 0 {
		item = strings.TrimSpace(lines[0].Name)
	}
	if item == "" {
		item = "商品"
	}
	if count > 1 {
		item += fmt.Sprintf(" 等%d件", count)
	}
	if shop = strings.TrimSpace(shop); shop != "" {
		item = shop + "-" + item
	}
	return CutUTF8(item, DescriptionLimit)
}

// CutUTF8 shortens s to at most max bytes without splitting a character.
func CutUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
