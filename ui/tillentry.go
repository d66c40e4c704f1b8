package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// tillEntry is the cashier's one input field: amounts typed on the keyboard, barcodes
// from a scanner (digits then Enter). A plain Entry swallows Enter, Esc and F-keys while it
// has focus, so this one hands those keys to the screen instead.
type tillEntry struct {
	widget.Entry
	onKey  func(fyne.KeyName) bool // returns true when the screen handled the key
	onRune func(rune) bool         // same, for keys like '+' that act rather than type
	// onShortcut takes shortcuts such as Alt+1 (quick keys); copy and paste stay the Entry's.
	onShortcut func(fyne.Shortcut) bool
}

func newTillEntry() *tillEntry {
	e := &tillEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// SetText replaces the text and drops any selection: Fyne keeps a stale one through
// SetText, and it would eat the next character typed (a refused amount is left selected).
func (e *tillEntry) SetText(text string) {
	if e.SelectedText() != "" {
		e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd}) // ends the selection
	}
	e.Entry.SetText(text)
}

// TypedKey gives the screen first pick of the key.
func (e *tillEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(ev.Name) {
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut gives the screen first pick of the shortcut.
func (e *tillEntry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedRune lets the screen take action keys; everything else is typed.
func (e *tillEntry) TypedRune(r rune) {
	if e.onRune != nil && e.onRune(r) {
		return
	}
	e.Entry.TypedRune(r)
}
