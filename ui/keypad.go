package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// keypadKeys is the layout of a calculator-style keypad, for touch screens and mice.
var keypadKeys = []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", "0", ".", "←"}

// newKeypad returns the numeric keypad; press receives the key's label.
func newKeypad(press func(key string)) fyne.CanvasObject {
	grid := container.NewGridWithColumns(3)
	for _, k := range keypadKeys {
		grid.Add(widget.NewButton(k, func() { press(k) }))
	}
	return grid
}
