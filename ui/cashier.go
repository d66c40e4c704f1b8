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
	products pos.Products
	cart     pos.Cart
	selected int  // index of the highlighted cart line, -1 for none
	locked   bool // a payment is under way: the cart must not change
	// clearAsked: Esc on an empty field asked whether to clear the cart; the next Esc does.
	clearAsked bool

	entry     *tillEntry
	lines     *widget.List
	keys      *fyne.Container // quick keys, or the products the search finds
	noMatch   *widget.Label   // said above the keys when a search finds nothing
	total     *canvas.Text
	count     *widget.Label
	message   *widget.Label
	charge    []*widget.Button // WeChat QR, payment code, cash
	actions   *fyne.Container  // the charge buttons, or a panel of the payment under way
	right     *fyne.Container  // the column holding actions
	input     *fyne.Container  // the cart's field and its label
	addRow    *fyne.Container  // add / clear
	pad       *fyne.Container  // the numeric keypad
	padTarget *tillEntry       // where the keypad types while a panel is up; nil: the cart's field
	left      *fyne.Container  // the column holding the product keys and the cart
	buttons   fyne.CanvasObject
	controls  []fyne.Disableable // what lock disables
	view      fyne.CanvasObject

	toggleLang   func()                // set by the window: rebuilds every screen in the other language
	onCharge     func(pos.Method)      // charge the cart; nil when the till has no checkout
	onCode       func(authCode string) // a payment code was scanned into the entry
	onCartChange func(total pos.Money)
}

func newCashier(opt Options) *cashier {
	c := &cashier{opt: opt, products: opt.Products, selected: -1}
	c.entry = newTillEntry()
	c.entry.SetPlaceHolder(T("cashier.entry.placeholder"))
	c.entry.onKey = c.handleKey
	c.entry.onRune = c.handleRune
	c.entry.onShortcut = c.handleShortcut
	c.entry.OnChanged = func(text string) {
		c.clearAsked = false
		c.search(text)
	}
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
	cartButtons := []*widget.Button{
		widget.NewButton(T("cashier.qty_up")+" (F7)", c.incQty),
		widget.NewButton(T("cashier.qty_down")+" (F8)", c.decQty),
		widget.NewButton(T("cashier.void")+" (Del)", c.voidSelected),
		widget.NewButton(T("cashier.discount")+" (F9)", c.applyDiscount),
	}
	c.keys = container.NewGridWithColumns(4)
	// Outside the grid: a grid makes every cell as wide as its widest, and a sentence
	// in four such cells would widen the window.
	c.noMatch = widget.NewLabel(T("cashier.search_none"))
	c.noMatch.Wrapping = fyne.TextWrapWord
	c.noMatch.Hide()
	c.left = container.NewBorder(container.NewVBox(c.noMatch, c.keys),
		container.NewGridWithColumns(4, asObjects(cartButtons)...), nil, nil, c.lines)
	c.showProducts(c.quickKeyProducts())

	c.charge = []*widget.Button{
		widget.NewButtonWithIcon(T("cashier.charge.native")+" (F1)", theme.ConfirmIcon(), func() { c.chargeBy(pos.MethodNative) }),
		widget.NewButton(T("cashier.charge.code")+" (F2)", func() { c.chargeBy(pos.MethodCode) }),
		widget.NewButton(T("cashier.charge.cash")+" (F3)", func() { c.chargeBy(pos.MethodCash) }),
	}
	c.charge[0].Importance = widget.HighImportance
	for _, b := range c.charge {
		if c.opt.Checkout == nil {
			b.Disable() // a till without a checkout only rings up
		}
	}
	c.buttons = container.NewVBox(container.NewGridWithColumns(3, asObjects(c.charge)...), c.message)
	c.actions = container.NewStack(c.buttons)
	addRow := []*widget.Button{
		widget.NewButton(T("cashier.add")+" (+)", c.addOnly),
		widget.NewButton(T("cashier.clear")+" (Esc)", c.clearEntry),
	}
	for _, b := range append(cartButtons, addRow...) {
		c.controls = append(c.controls, b)
	}
	c.controls = append(c.controls, c.entry)
	c.input = container.NewVBox(
		widget.NewLabelWithStyle(T("cashier.entry.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		c.entry)
	c.addRow = container.NewGridWithColumns(2, asObjects(addRow)...)
	c.pad = newKeypad(c.keypadPress).(*fyne.Container)
	c.right = container.NewVBox(
		c.input,
		c.pad,
		c.addRow,
		widget.NewSeparator(),
		container.NewHBox(widget.NewLabel(T("cashier.total")), layout.NewSpacer(), c.count),
		c.total,
		c.actions,
	)
	split := container.NewHSplit(c.left, container.NewPadded(c.right))
	split.Offset = 0.55
	return split
}

func asObjects(bs []*widget.Button) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(bs))
	for i, b := range bs {
		out[i] = b
	}
	return out
}

// setActions puts a payment panel where the charge buttons are; nil puts the buttons back.
func (c *cashier) setActions(panel fyne.CanvasObject) {
	if panel == nil {
		panel = c.buttons
	}
	if len(c.actions.Objects) == 1 && c.actions.Objects[0] == panel {
		return
	}
	c.actions.Objects = []fyne.CanvasObject{panel}
	c.right.Refresh() // the column's rows change height with the panel
}

// lock freezes the cart while a payment is under way. The cart's field and buttons then
// make room for the payment's panel; pad, when not nil, is the panel's field the keypad
// types into (the cash received, a payment code typed by hand).
func (c *cashier) lock(locked bool, pad *tillEntry) {
	c.locked, c.padTarget = locked, pad
	padOn := !locked || pad != nil
	for _, d := range append(c.controls, c.keyButtons()...) {
		enableIf(d, !locked)
	}
	for _, o := range c.pad.Objects {
		enableIf(o.(*widget.Button), padOn)
	}
	for _, b := range c.charge {
		enableIf(b, !locked && c.opt.Checkout != nil)
	}
	showIf(c.input, !locked)
	showIf(c.addRow, !locked)
	showIf(c.pad, padOn)
	c.right.Refresh()
}

func (c *cashier) keyButtons() []fyne.Disableable {
	var out []fyne.Disableable
	for _, o := range c.keys.Objects {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b)
		}
	}
	return out
}

func (c *cashier) newCartList() *widget.List {
	l := widget.NewList(
		func() int { return len(c.cart.Lines) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("name")
			name.Truncation = fyne.TextTruncateEllipsis // a long name must not push the amount off
			amount := widget.NewLabel("¥00000.00")
			amount.Alignment = fyne.TextAlignTrailing // amounts line up on the right, as on a receipt
			return container.NewBorder(nil, nil, nil, amount, name)
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
	c.clearAsked = false // the cart the question was about has changed
	c.total.Text = c.cart.Total().String()
	c.total.Refresh()
	count := T("cashier.count", c.cart.Count())
	if c.cart.Discount > 0 {
		count += "  " + T("cashier.discount_shown", c.cart.Discount.String())
	}
	c.count.SetText(count)
	if c.onCartChange != nil {
		c.onCartChange(c.cart.Total())
	}
}

func (c *cashier) say(msg string) {
	c.message.Importance = widget.MediumImportance
	c.message.SetText(msg)
}

func (c *cashier) sayError(msg string) {
	c.message.Importance = widget.DangerImportance
	c.message.SetText(msg)
}

// refuse says why the typed text was not taken. The text stays for correcting, selected:
// the next scan or amount typed replaces it instead of being glued to it.
func (c *cashier) refuse(msg string) {
	c.sayError(msg)
	selectAll(c.entry)
}

func selectAll(e *tillEntry) {
	e.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// quotedRunes bounds how much of what was typed a message repeats: a pasted page must
// not fill the screen.
const quotedRunes = 24

// typed is what the text in the entry turned out to be.
type typed int

const (
	typedNothing  typed = iota // the entry was empty
	typedAmount                // a custom amount, now a cart line
	typedProduct               // a barcode or a search with one match, now a cart line
	typedAuthCode              // a customer's payment code: charge it, don't add it
	typedBad                   // refused, with a message; the text stays for correcting
)

// addTyped puts what is typed into the cart: a product by barcode or search, else an amount.
func (c *cashier) addTyped() typed {
	text := strings.TrimSpace(c.entry.Text)
	switch {
	case text == "":
		return typedNothing
	case isDigits(text) && len(text) >= 8:
		return c.addBarcode(text)
	case !looksLikeAmount(text):
		return c.addFound(text)
	}
	amount, err := pos.ParseAmount(text, c.opt.Ceiling)
	before := c.linesNow()
	if err == nil {
		err = c.cart.AddAmount(T("cashier.custom_line"), amount)
	}
	if err != nil {
		c.refuse(amountError(err, c.opt.Ceiling))
		return typedBad
	}
	if c.overCeiling(before) {
		return typedBad
	}
	c.entry.SetText("")
	c.selected = len(c.cart.Lines) - 1
	c.say(T("cashier.added", amount.String()))
	c.refresh()
	return typedAmount
}

// addBarcode adds a scanned product; 18 digits unknown to the catalog that look like a
// WeChat payment code are one.
func (c *cashier) addBarcode(code string) typed {
	before := c.linesNow()
	p, err := c.cart.AddBarcode(c.products, code)
	if errors.Is(err, pos.ErrUnknownBarcode) && pos.ValidAuthCode(code) {
		return typedAuthCode
	}
	if err != nil {
		// Digits only: a scanned code we don't know, or a far too large amount.
		c.refuse(T("err.barcode_unknown", clipText(code, quotedRunes), c.ceiling().String()))
		return typedBad
	}
	if c.overCeiling(before) {
		return typedBad
	}
	c.added(p)
	return typedProduct
}

func (c *cashier) addProduct(p pos.Product) {
	if c.locked {
		return
	}
	before := c.linesNow()
	c.cart.AddProduct(p)
	if !c.overCeiling(before) {
		c.added(p)
	}
}

// linesNow is a copy of the cart's lines, to put back when a change goes too far.
func (c *cashier) linesNow() []pos.Line {
	return append([]pos.Line(nil), c.cart.Lines...)
}

// overCeiling undoes a change that took the total above what the till may charge, and
// says so there and then (not later, when the charge is refused).
func (c *cashier) overCeiling(before []pos.Line) bool {
	if c.cart.Total() <= c.ceiling() {
		return false
	}
	c.cart.Lines = before
	c.refuse(T("err.total_too_large", c.ceiling().String()))
	c.refresh()
	return true
}

func (c *cashier) added(p pos.Product) {
	c.entry.SetText("")
	c.selected = len(c.cart.Lines) - 1
	c.say(T("cashier.added", p.Name+" "+p.Price.String()))
	c.refresh()
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// looksLikeAmount: digits, points, signs and currency marks (also full-width) are an
// amount to parse (and maybe refuse); anything else is a product search.
func looksLikeAmount(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
		case strings.ContainsRune(".．-+¥￥, ", r):
		default:
			return false
		}
	}
	return true
}
