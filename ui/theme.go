package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"wxtill/assets"
)

// tillTheme is Fyne's default theme with the embedded CJK font (so Chinese never shows
// as boxes, whatever fonts the machine has) and sizes readable at arm's length.
type tillTheme struct {
	fyne.Theme
	cjk fyne.Resource
}

// NewTheme returns the till's theme; tests apply it too so images match everywhere.
func NewTheme() fyne.Theme {
	return &tillTheme{Theme: theme.DefaultTheme(), cjk: fyne.NewStaticResource("wxtill-cjk.ttf", assets.CJKFont)}
}

// weChatGreen is the colour people know from WeChat Pay.
var weChatGreen = color.NRGBA{R: 0x07, G: 0xC1, B: 0x60, A: 0xFF}

func (t *tillTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return t.cjk
}

func (t *tillTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		return weChatGreen
	}
	return t.Theme.Color(n, theme.VariantLight) // a till is used in bright shops
}

func (t *tillTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameHeadingText:
		return 26
	}
	return t.Theme.Size(n)
}
