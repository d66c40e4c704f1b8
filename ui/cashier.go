package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// cashier is the screen the cashier works at: items and amounts go into the cart, the
// total shows large, and the charge buttons take the money.
type cashier struct {
	opt      Options
	products []pos.Product
	cart     pos.Cart
	selected int // index of the highlighted cart line, -1 for none

	entry   *tillEntry
	lines   *widget.List
	total   *canvas.Text
	count   *widget.Label
	message *widget.Label
	charge  []*widget.Button // WeChat QR, payment code, cash
	view    fyne.CanvasObject

	toggleLang func() // set by the window: rebuilds every screen in the other language
}

func newCashier(opt Options) *cashier {
	c := &cashier{opt: opt, products: opt.Products, selected: -1}
	c.entry = newTillEntry()
	c.entry.SetPlaceHolder(T("cashier.entry.placeholder"))
	c.entry.onKey = c.handleKey
	c.entry.onRune = c.handleRune
	c.entry.onShortcut = c.handleShortcut
	c.lines = c.newCartList()
	c.total = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.total.TextSize = 48
	c.total.TextStyle.Bold = true
	c.total.Alignment = fyne.TextAlignTrailing
	c.count = widget.NewLabel("")
	c.message = widget.NewLabel("")
	c.message.Wrapping = fyne.TextWrapWord
	c.view = c.layout()
	c.refresh()
	return c
}

func (c *cashier) layout() fyne.CanvasObject {
	cartButtons := container.NewGridWithColumns(4,
		widget.NewButton(T("cashier.qty_up")+" (F7)", c.incQty),
		widget.NewButton(T("cashier.qty_down")+" (F8)", c.decQty),
		widget.NewButton(T("cashier.void")+" (Del)", c.voidSelected),
		widget.NewButton(T("cashier.discount")+" (F9)", c.applyDiscount),
	)
	left := container.NewBorder(c.quickKeys(), cartButtons, nil, nil, c.lines)

	c.charge = []*widget.Button{
		widget.NewButtonWithIcon(T("cashier.charge.native")+" (F1)", theme.ConfirmIcon(), nil),
		widget.NewButton(T("cashier.charge.code")+" (F2)", nil),
		widget.NewButton(T("cashier.charge.cash")+" (F3)", nil),
	}
	c.charge[0].Importance = widget.HighImportance
	for _, b := range c.charge {
		b.Disable() // payments arrive with the checkout engine
	}
	right := container.NewVBox(
		widget.NewLabelWithStyle(T("cashier.entry.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		c.entry,
		newKeypad(c.keypadPress),
		container.NewGridWithColumns(2,
			widget.NewButton(T("cashier.add")+" (Enter)", c.addTyped),
			widget.NewButton(T("cashier.clear")+" (Esc)", c.clearEntry),
		),
		widget.NewSeparator(),
		container.NewHBox(widget.NewLabel(T("cashier.total")), layout.NewSpacer(), c.count),
		c.total,
		container.NewGridWithColumns(3, c.charge[0], c.charge[1], c.charge[2]),
		c.message,
	)
	split := container.NewHSplit(left, container.NewPadded(right))
	split.Offset = 0.55
	return split
}

// quickKeys is a button a product, numbered for Alt+1..9.
func (c *cashier) quickKeys() fyne.CanvasObject {
	grid := container.NewGridWithColumns(4)
	for _, p := range c.products {
		label := p.Name + "\n" + p.Price.String()
		if p.QuickKey != "" {
			label = p.QuickKey + " · " + label
		}
		grid.Add(widget.NewButton(label, func() { c.addProduct(p) }))
	}
	return grid
}

func (c *cashier) newCartList() *widget.List {
	l := widget.NewList(
		func() int { return len(c.cart.Lines) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewLabel("¥00000.00"), widget.NewLabel("name"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			line := c.cart.Lines[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  × %d", line.Name, line.Qty))
			row.Objects[1].(*widget.Label).SetText(line.Amount().String())
		},
	)
	l.OnSelected = func(id widget.ListItemID) { c.selected = id }
	return l
}

// refresh redraws what depends on the cart.
func (c *cashier) refresh() {
	c.lines.Refresh()
	if c.selected >= len(c.cart.Lines) {
		c.selected = len(c.cart.Lines) - 1
	}
	if c.selected >= 0 {
		c.lines.Select(c.selected)
	} else {
		c.lines.UnselectAll()
	}
	c.total.Text = c.cart.Total().String()
	c.total.Refresh()
	count := T("cashier.count", c.cart.Count())
	if c.cart.Discount > 0 {
		count += "  " + T("cashier.discount_shown", c.cart.Discount.String())
	}
	c.count.SetText(count)
}

func (c *cashier) say(msg string) {
	c.message.SetText(msg)
	c.message.Importance = widget.MediumImportance
}
func (c *cashier) sayError(msg string) {
	c.message.SetText("✗ " + msg)
	c.message.Importance = widget.DangerImportance
}

// addTyped puts what is typed into the cart: a barcode when it looks like one, else an amount.
func (c *cashier) addTyped() {
	text := strings.TrimSpace(c.entry.Text)
	if looksLikeBarcode(text) {
		p, ok := c.byBarcode(text)
		if !ok {
			// Digits only: a scanned code we don't know, or a far too large amount.
			c.sayError(T("err.barcode_unknown", text, c.ceiling().String()))
			return
		}
		c.addProduct(p)
		c.entry.SetText("")
		return
	}
	amount, err := pos.ParseAmount(text, c.opt.Ceiling)
	if err != nil {
		c.sayError(amountError(err, c.opt.Ceiling))
		return
	}
	if err := c.cart.AddAmount(T("cashier.custom_line"), amount); err != nil {
		c.sayError(amountError(err, c.opt.Ceiling))
		return
	}
	c.entry.SetText("")
	c.selected = len(c.cart.Lines) - 1
	c.say(T("cashier.added", amount.String()))
	c.refresh()
}

func (c *cashier) addProduct(p pos.Product) {
	c.cart.AddProduct(p)
	c.selected = len(c.cart.Lines) - 1
	c.say(T("cashier.added", p.Name+" "+p.Price.String()))
	c.refresh()
}

func (c *cashier) byBarcode(code string) (pos.Product, bool) {
	for _, p := range c.products {
		if p.Barcode == code {
			return p, true
		}
	}
	return pos.Product{}, false
}

// looksLikeBarcode: EAN-8 to EAN-14 and similar are 8+ digits; no amount a till takes is.
func looksLikeBarcode(s string) bool {
	if len(s) < 8 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (c *cashier) incQty() { c.changeQty(+1) }
func (c *cashier) decQty() { c.changeQty(-1) }

func (c *cashier) changeQty(delta int) {
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
