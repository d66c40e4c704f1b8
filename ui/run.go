// Package ui is the till's screens, built with Fyne. It talks to pos only.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Options are what main hands to the GUI.
type Options struct {
	Lang    string // "zh-CN" (default) or "en"
	DataDir string
}

// Run opens the till's window and blocks until it is closed.
func Run(a fyne.App, opt Options) error {
	w := a.NewWindow("wxtill 扫码收银台")
	w.SetContent(widget.NewLabel("wxtill"))
	w.Resize(fyne.NewSize(1024, 700))
	w.ShowAndRun()
	return nil
}
