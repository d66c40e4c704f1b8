// Package assets holds what the binary carries inside it: the icon, the CJK font and the
// translations. Everything is embedded so a till needs no files beside the binary.
package assets

import (
	"embed"
	_ "embed"
)

// Icon is the application icon (also named in FyneApp.toml).
//
//go:embed icon.png
var Icon []byte

// CJKFont is a single-face TrueType font with the GB2312 characters (see fonts/README.md).
// Fyne cannot use .ttc collections, so it must stay a .ttf.
//
//go:embed fonts/wxtill-cjk.ttf
var CJKFont []byte

// Translations holds one JSON file per language, translations/<lang>.json, each a flat
// map from message key to text.
//
//go:embed translations/*.json
var Translations embed.FS
