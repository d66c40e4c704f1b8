package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// receiptView is the screen after a payment: a large "paid" the cashier cannot miss (with
// the change to hand back for cash), the receipt as it prints, and the next sale one key away.
type receiptView struct {
	info receiptInfo
	sale pos.Sale
	text string // the receipt as printed

	flashBg  *canvas.Rectangle
	headline *canvas.Text
	change   *canvas.Text
	method   *widget.Label
	paper    *canvas.Image
	message  *widget.Label
	next     *widget.Button
	save     *widget.Button
	view     fyne.CanvasObject
}

var paidBg = color.NRGBA{R: 0xE6, G: 0xF9, B: 0xEE, A: 0xFF}

func newReceiptView(info receiptInfo, onNext, onSave func()) *receiptView {
	r := &receiptView{info: info}
	r.flashBg = canvas.NewRectangle(paidBg)
	icon := canvas.NewImageFromResource(theme.NewColoredResource(theme.ConfirmIcon(), theme.ColorNameSuccess))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))
	r.headline = bigText("", 44, weChatGreen)
	r.headline.Alignment = fyne.TextAlignLeading
	r.change = bigText("", 40, displayInk)
	r.change.Alignment = fyne.TextAlignLeading
	r.method = widget.NewLabel("")
	head := container.NewStack(r.flashBg, container.NewPadded(container.NewBorder(nil, nil, icon, nil,
		container.NewVBox(r.headline, r.method, r.change))))

	r.paper = canvas.NewImageFromImage(nil)
	r.paper.FillMode = canvas.ImageFillOriginal
	r.message = widget.NewLabel("")
	r.message.Wrapping = fyne.TextWrapWord
	r.next = widget.NewButtonWithIcon(T("receipt.next")+" (Enter)", theme.NavigateNextIcon(), onNext)
	r.next.Importance = widget.HighImportance
	r.save = widget.NewButtonWithIcon(T("receipt.save")+" (Ctrl+S)", theme.DocumentSaveIcon(), onSave)
	left := container.NewBorder(container.NewVBox(head, r.message), container.NewGridWithColumns(2, r.save, r.next), nil, nil)
	r.view = container.NewGridWithColumns(2, left, container.NewScroll(container.NewCenter(r.paper)))
	return r
}

// show puts a paid sale up.
func (r *receiptView) show(s pos.Sale, note string) {
	r.sale = s
	r.text = receiptText(r.info, s)
	r.headline.Text = T("receipt.paid", s.Total.String())
	r.change.Text = ""
	if s.Method == pos.MethodCash {
		r.change.Text = T("receipt.change_big", s.Change().String())
	}
	r.method.SetText(methodName(s.Method) + " · " + s.OutTradeNo)
	if img, err := renderReceipt(r.text); err == nil {
		r.paper.Image = img
		r.paper.SetMinSize(fyne.NewSize(float32(img.Bounds().Dx()), float32(img.Bounds().Dy())))
	}
	r.paper.Refresh()
	r.say(note, widget.MediumImportance)
	r.flashBg.FillColor = paidBg
	canvas.Refresh(r.headline)
	canvas.Refresh(r.change)
	r.flashBg.Refresh()
}

// flash toggles the header between bright and pale green: the "paid" a busy cashier
// notices from the corner of an eye. on picks the bright state.
func (r *receiptView) flash(on bool) {
	r.flashBg.FillColor = paidBg
	if on {
		r.flashBg.FillColor = weChatGreen
	}
	r.flashBg.Refresh()
}

// say puts a line under the headline; a warning is bold and larger: it is about money.
func (r *receiptView) say(msg string, imp widget.Importance) {
	r.message.Importance = imp
	r.message.TextStyle.Bold = imp == widget.DangerImportance
	r.message.SizeName = theme.SizeNameText
	if imp == widget.DangerImportance {
		r.message.SizeName = theme.SizeNameSubHeadingText
	}
	r.message.SetText(msg)
}
