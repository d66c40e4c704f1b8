package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"wxtill/pos"
)

// customerDisplay is what the customer sees: the shop, the amount, the QR to scan and how
// long it stays valid, then a large paid / cancelled / expired. High contrast, big type.
type customerDisplay struct {
	now func() time.Time

	bg        *canvas.Rectangle
	shop      *canvas.Text
	amount    *canvas.Text
	qr        *canvas.Raster
	setQR     func(string) error
	icon      *canvas.Image
	center    *fyne.Container
	body      *fyne.Container // laid out by displayLayout
	headline  *canvas.Text
	countdown *canvas.Text
	view      fyne.CanvasObject

	codeURL string    // what the QR encodes now, "" when none
	expires time.Time // when the QR stops working; zero when no countdown

	// nominal is each text's full size; the layout shrinks a text that would not fit
	// (a long shop name, English words on a small customer screen) instead of letting
	// it widen the window off the screen.
	nominal map[*canvas.Text]float32
}

// The customer's words are read from a metre or two away.
const (
	headlineTextSize = 38
	resultTextSize   = 56 // paid / cancelled: readable across the shop

	// The paid / cancelled mark: as large as the screen allows up to iconMax, never
	// smaller than iconMin (which is what it asks of a small window).
	iconMin = 96
	iconMax = 220
)

var (
	displayInk   = color.NRGBA{R: 0x11, G: 0x11, B: 0x11, A: 0xFF}
	displayMuted = color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xFF}
	failRed      = color.NRGBA{R: 0xD3, G: 0x2F, B: 0x2F, A: 0xFF}
)

func newCustomerDisplay(shop string, now func() time.Time) *customerDisplay {
	d := &customerDisplay{now: now}
	d.bg = canvas.NewRectangle(color.White)
	d.shop = bigText(shop, 30, displayInk)
	d.amount = bigText("", 60, displayInk)
	d.qr, d.setQR = newQRRaster()
	d.icon = canvas.NewImageFromResource(nil)
	d.icon.FillMode = canvas.ImageFillContain
	d.icon.SetMinSize(fyne.NewSize(iconMax, iconMax))
	d.headline = bigText("", headlineTextSize, displayInk)
	d.countdown = bigText("", 26, displayMuted)
	d.nominal = map[*canvas.Text]float32{}
	for _, t := range []*canvas.Text{d.shop, d.amount, d.headline, d.countdown} {
		d.nominal[t] = t.TextSize
	}
	top := container.NewVBox(d.shop, d.amount)
	bottom := container.NewVBox(d.headline, d.countdown)
	d.center = container.NewStack(d.qr, container.NewCenter(d.icon))
	l := &displayLayout{top: top, bottom: bottom, center: d.center, icon: d.icon,
		qrShown: d.qr.Visible, iconShown: d.icon.Visible, fit: d.fitWords, natural: d.wordsWidth}
	d.body = container.New(l, top, bottom, d.center)
	d.view = container.NewStack(d.bg, container.NewPadded(d.body))
	d.showIdle(0)
	return d
}

func bigText(s string, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

// showIdle greets the customer and shows what the cart comes to so far.
func (d *customerDisplay) showIdle(total pos.Money) {
	amount := ""
	if total > 0 {
		amount = total.String()
	}
	d.set(amount, T("customer.welcome"), displayInk, "", nil)
}

// showWaiting is a step without a QR: preparing the order, or a payment-code customer
// confirming on the phone.
func (d *customerDisplay) showWaiting(total pos.Money, headline string) {
	d.set(total.String(), headline, displayInk, "", nil)
}

// showQR puts up the code to scan with its countdown.
func (d *customerDisplay) showQR(total pos.Money, codeURL string, expires time.Time) {
	d.set(total.String(), T("customer.scan"), displayInk, codeURL, nil)
	d.expires = expires
	d.tick()
}

// showResult is the large final answer: paid (green tick) or not (red cross).
func (d *customerDisplay) showResult(total pos.Money, paid bool, headline string) {
	icon, ink := theme.NewColoredResource(theme.CancelIcon(), theme.ColorNameError), color.Color(failRed)
	if paid {
		icon, ink = theme.NewColoredResource(theme.ConfirmIcon(), theme.ColorNamePrimary), weChatGreen
	}
	d.set(total.String(), headline, ink, "", icon)
	d.nominal[d.headline] = resultTextSize
	d.body.Refresh()
	canvas.Refresh(d.headline)
}

func (d *customerDisplay) set(amount, headline string, ink color.Color, codeURL string, icon fyne.Resource) {
	d.amount.Text = amount
	d.headline.Text = headline
	d.nominal[d.headline] = headlineTextSize
	d.headline.Color = ink
	d.countdown.Text = ""
	d.expires = time.Time{}
	if codeURL != d.codeURL {
		if err := d.setQR(codeURL); err != nil {
			d.headline.Text, d.headline.Color = T("customer.qr_error"), failRed
			codeURL = ""
		}
		d.codeURL = codeURL
	}
	if codeURL == "" {
		d.qr.Hide()
	} else {
		d.qr.Show()
	}
	d.icon.Resource = icon
	if icon == nil {
		d.icon.Hide()
	} else {
		d.icon.Show()
	}
	d.body.Refresh() // the words' widths decide how much room the QR gets
	canvas.Refresh(d.amount)
	canvas.Refresh(d.headline)
	canvas.Refresh(d.countdown)
}

// tick updates the countdown; the till calls it every second while a QR is up.
func (d *customerDisplay) tick() {
	if d.expires.IsZero() {
		return
	}
	d.countdown.Text = T("customer.countdown", clockLeft(d.expires.Sub(d.now())))
	canvas.Refresh(d.countdown)
}

// clockLeft formats what is left as m:ss, never negative.
func clockLeft(left time.Duration) string {
	if left < 0 {
		left = 0
	}
	secs := int(left.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

// fitWords sets each text to its full size, or smaller when that is wider than width.
func (d *customerDisplay) fitWords(width float32) {
	for t, size := range d.nominal {
		full := fyne.MeasureText(t.Text, size, t.TextStyle).Width
		want := size
		if full > width && width > 0 {
			want = max(size*width/full, 8)
		}
		if t.TextSize != want {
			t.TextSize = want
			canvas.Refresh(t)
		}
	}
}

// wordsWidth is how wide the words are at their full size.
func (d *customerDisplay) wordsWidth() float32 {
	var w float32
	for t, size := range d.nominal {
		w = max(w, fyne.MeasureText(t.Text, size, t.TextStyle).Width)
	}
	return w
}

// displayLayout gives the QR as much of the screen as it can: on a landscape screen the
// words go left and the QR takes the full height on the right; on a portrait one (and for
// the paid / cancelled answer) the words go above and below the centre. Words that do not
// fit are made smaller: the customer's screen may be small, the window never grows for them.
type displayLayout struct {
	top, bottom, center fyne.CanvasObject
	icon                *canvas.Image
	qrShown, iconShown  func() bool
	fit                 func(width float32) // shrinks the words to width
	natural             func() float32      // the words' width at full size
}

// qrShare is the least of a landscape screen's width the QR gets, however long the words.
const qrShare = 0.55

func (l *displayLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if !l.qrShown() && !l.iconShown() { // only words: centred, one above the other
		l.fit(size.Width)
		top, bottom := l.top.MinSize(), l.bottom.MinSize()
		gap := (size.Height - top.Height - bottom.Height) / 3
		l.top.Move(fyne.NewPos(0, gap))
		l.top.Resize(fyne.NewSize(size.Width, top.Height))
		l.bottom.Move(fyne.NewPos(0, 2*gap+top.Height))
		l.bottom.Resize(fyne.NewSize(size.Width, bottom.Height))
		l.center.Resize(fyne.NewSize(0, 0))
		return
	}
	if l.qrShown() && size.Width >= 1.2*size.Height { // a QR on a landscape screen
		side := min(size.Height, max(size.Width-l.natural(), qrShare*size.Width))
		left := size.Width - side
		l.fit(left)
		top, bottom := l.top.MinSize(), l.bottom.MinSize()
		gap := (size.Height - top.Height - bottom.Height) / 3
		l.top.Move(fyne.NewPos(0, gap))
		l.top.Resize(fyne.NewSize(left, top.Height))
		l.bottom.Move(fyne.NewPos(0, 2*gap+top.Height))
		l.bottom.Resize(fyne.NewSize(left, bottom.Height))
		l.center.Move(fyne.NewPos(left, 0))
		l.center.Resize(fyne.NewSize(side, size.Height))
		return
	}
	l.fit(size.Width)
	top, bottom := l.top.MinSize(), l.bottom.MinSize()
	middle := size.Height - top.Height - bottom.Height
	icon := min(max(middle, iconMin), iconMax)
	l.icon.SetMinSize(fyne.NewSize(icon, icon))
	l.top.Move(fyne.NewPos(0, 0))
	l.top.Resize(fyne.NewSize(size.Width, top.Height))
	l.bottom.Move(fyne.NewPos(0, size.Height-bottom.Height))
	l.bottom.Resize(fyne.NewSize(size.Width, bottom.Height))
	l.center.Move(fyne.NewPos(0, top.Height))
	l.center.Resize(fyne.NewSize(size.Width, middle))
}

// MinSize asks for the height of the words and the smallest QR or mark, and no width for
// the words: they shrink to whatever width there is.
func (l *displayLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	top, bottom := l.top.MinSize(), l.bottom.MinSize()
	var center float32
	switch {
	case l.qrShown():
		center = qrMinSize
	case l.iconShown():
		center = iconMin
	}
	return fyne.NewSize(max(center, iconMin), top.Height+bottom.Height+center)
}
