package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// TestCode is a payment code the demo sandbox understands, shown to the cashier in demo
// mode with what it does.
type TestCode struct {
	Code  string // 18 digits
	Label string // what happens, e.g. "pays at once"
}

// codePanel takes the customer's payment code (付款码) from the scanner: 18 digits, then
// Enter. In demo mode it lists the sandbox's test codes.
type codePanel struct {
	title   *widget.Label
	entry   *tillEntry
	message *widget.Label
	view    fyne.CanvasObject
}

func newCodePanel(codes []TestCode, submit func(), back func()) *codePanel {
	p := &codePanel{}
	p.title = headingLabel()
	p.entry = newTillEntry()
	p.entry.SetPlaceHolder(T("code.placeholder"))
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.entry.OnChanged = func(string) { p.message.SetText("") } // the complaint was about the old text
	box := container.NewVBox(p.title, p.entry,
		container.NewGridWithColumns(2,
			widget.NewButton(T("code.charge")+" (Enter)", submit),
			widget.NewButton(T("status.back")+" (Esc)", back)),
		p.message)
	if len(codes) > 0 {
		box.Add(widget.NewLabel(T("demo.test_codes")))
		for _, c := range codes {
			box.Add(widget.NewButton(c.Code+" · "+c.Label, func() {
				p.entry.SetText(c.Code)
				submit()
			}))
		}
	}
	p.view = box
	return p
}

// headingLabel is a large bold line that wraps: in English or with a long amount it must
// not widen the cashier's column.
func headingLabel() *widget.Label {
	l := widget.NewLabel("")
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

// reset readies the panel for a charge of total.
func (p *codePanel) reset(total pos.Money) {
	p.title.SetText(T("code.title", total.String()))
	p.entry.SetText("")
	p.message.SetText("")
}

// refuse says why the code was not taken, the code selected so a new scan replaces it.
func (p *codePanel) refuse(msg string) {
	p.message.Importance = widget.DangerImportance
	p.message.SetText(msg)
	selectAll(p.entry)
}

// code is what was scanned, without the spaces some scanners or people add.
func (p *codePanel) code() string {
	return strings.Join(strings.Fields(p.entry.Text), "")
}

// cashPanel takes the cash the customer hands over and shows the change as it is typed.
type cashPanel struct {
	total   pos.Money
	ceiling pos.Money
	title   *widget.Label
	entry   *tillEntry
	change  *canvas.Text
	message *widget.Label
	view    fyne.CanvasObject
}

func newCashPanel(ceiling pos.Money, confirm func(), back func()) *cashPanel {
	p := &cashPanel{ceiling: ceiling}
	p.title = headingLabel()
	p.entry = newTillEntry()
	p.entry.SetPlaceHolder(T("cash.placeholder"))
	p.entry.OnChanged = func(string) {
		p.message.SetText("") // the complaint was about the old amount
		p.showChange()
	}
	p.change = bigText("", 40, displayInk)
	p.change.Alignment = fyne.TextAlignTrailing
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	quick := container.NewGridWithColumns(3,
		widget.NewButton(T("cash.exact"), func() { p.entry.SetText(""); confirm() }),
		widget.NewButton("¥50", func() { p.entry.SetText("50") }),
		widget.NewButton("¥100", func() { p.entry.SetText("100") }))
	p.view = container.NewVBox(p.title, p.entry, quick, p.change,
		container.NewGridWithColumns(2,
			widget.NewButton(T("cash.confirm")+" (Enter)", confirm),
			widget.NewButton(T("status.back")+" (Esc)", back)),
		p.message)
	return p
}

// reset readies the panel for total.
func (p *cashPanel) reset(total pos.Money) {
	p.total = total
	p.title.SetText(T("cash.title", total.String()))
	p.entry.SetText("")
	p.message.SetText("")
	p.showChange()
}

// refuse says why the cash was not taken, the amount selected so typing replaces it.
func (p *cashPanel) refuse(msg string) {
	p.message.Importance = widget.DangerImportance
	p.message.SetText(msg)
	selectAll(p.entry)
}

// tendered is the cash handed over; an empty field means exactly the total.
func (p *cashPanel) tendered() (pos.Money, error) {
	if strings.TrimSpace(p.entry.Text) == "" {
		return p.total, nil
	}
	return pos.ParseAmount(p.entry.Text, p.ceiling)
}

func (p *cashPanel) showChange() {
	got, err := p.tendered()
	switch {
	case err != nil:
		p.change.Text = ""
	case got < p.total:
		p.change.Text = T("cash.short", (p.total - got).String())
		p.change.Color = failRed
	default:
		p.change.Text = T("receipt.change_big", (got - p.total).String())
		p.change.Color = displayInk
	}
	canvas.Refresh(p.change)
}
