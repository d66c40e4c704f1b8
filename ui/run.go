// Package ui is the till's screens, built with Fyne. It talks to pos only: main hands it
// the pos objects it needs in Options.
package ui

import (
	_ "github.com/makiuchi-d/gozxing" // pinned for the QR tests of issue 7
	_ "github.com/skip2/go-qrcode"    // pinned for the customer display of issue 7

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"wxtill/assets"
	"wxtill/pos"
)

// Options are what main hands to the GUI.
type Options struct {
	Lang      string // "zh-CN" (default) or "en"
	StoreName string
	TillID    string
	Demo      bool          // no merchant config: the embedded sandbox, no real money
	Products  []pos.Product // the catalog for quick keys and barcodes
	Ceiling   pos.Money     // largest amount a cashier may type; 0 = pos.DefaultCeiling
}

// Run opens the till's window and blocks until it is closed.
func Run(a fyne.App, opt Options) error {
	if err := SetLanguage(opt.Lang); err != nil {
		return err
	}
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(T("app.title"))
	t := &till{w: w, opt: opt}
	t.build()
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
	return nil
}

// till is the main window and what is on it.
type till struct {
	w       fyne.Window
	opt     Options
	cashier *cashier
}

// build lays out the window in the current language.
func (t *till) build() {
	t.w.SetTitle(T("app.title"))
	t.cashier = newCashier(t.opt)
	t.cashier.toggleLang = t.toggleLanguage
	t.w.SetContent(container.NewBorder(t.header(), nil, nil, nil, t.cashier.view))
	t.w.Canvas().Focus(t.cashier.entry)
}

func (t *till) toggleLanguage() {
	next := "en"
	if Language() == "en" {
		next = "zh-CN"
	}
	_ = SetLanguage(next) // both are always present (a test checks)
	t.build()
}

// header shows the shop, the till, demo mode and the language switch.
func (t *till) header() fyne.CanvasObject {
	name := t.opt.StoreName
	if name == "" {
		name = T("app.default_store")
	}
	title := widget.NewLabelWithStyle(name+" · "+T("app.till", t.opt.TillID), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	lang := widget.NewButton(T("app.switch_language")+" (F12)", t.toggleLanguage)
	bar := container.NewHBox(title, layout.NewSpacer(), lang)
	if !t.opt.Demo {
		return bar
	}
	banner := canvas.NewText(T("app.demo_banner"), weChatGreen)
	banner.TextStyle.Bold = true
	banner.Alignment = fyne.TextAlignCenter
	return container.NewVBox(bar, banner)
}
