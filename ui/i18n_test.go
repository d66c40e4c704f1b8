package ui

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"wxtill/assets"
)

// Every language must have every key, with the same format verbs, so no screen shows a
// raw key or a garbled "%!d(MISSING)".
func TestTranslationsHaveTheSameKeys(t *testing.T) {
	base := catalogs[DefaultLang]
	if len(base) == 0 {
		t.Fatal("no zh-CN messages loaded")
	}
	for lang, msgs := range catalogs {
		for key, zh := range base {
			msg, ok := msgs[key]
			if !ok {
				t.Errorf("%s.json lacks key %q", lang, key)
				continue
			}
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s.json: %q is empty", lang, key)
			}
			if verbs(msg) != verbs(zh) {
				t.Errorf("%s.json: %q has verbs %q, zh-CN has %q", lang, key, verbs(msg), verbs(zh))
			}
		}
		for key := range msgs {
			if _, ok := base[key]; !ok {
				t.Errorf("%s.json has key %q that zh-CN.json lacks", lang, key)
			}
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	return strings.Join(out, " ")
}

// Every Chinese character the UI can show must be in the embedded font, or it renders as a box.
func TestEmbeddedFontCoversChineseMessages(t *testing.T) {
	f, err := sfnt.Parse(assets.CJKFont)
	if err != nil {
		t.Fatalf("embedded font does not parse: %v", err)
	}
	var buf sfnt.Buffer
	for key, msg := range catalogs[DefaultLang] {
		for _, r := range msg {
			if !unicode.Is(unicode.Han, r) && !(r >= 0x3000 && r <= 0x303F) && !(r >= 0xFF00 && r <= 0xFFEF) {
				continue
			}
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				t.Errorf("key %q: the font has no glyph for %q (U+%04X); rerun scripts/make-font.sh with it", key, r, r)
			}
		}
	}
}

func TestSetLanguage(t *testing.T) {
	defer SetLanguage(DefaultLang)
	for _, tc := range []struct{ in, want string }{{"en_US.UTF-8", "en"}, {"zh", "zh-CN"}, {"", "zh-CN"}, {"EN", "en"}} {
		if err := SetLanguage(tc.in); err != nil {
			t.Fatalf("SetLanguage(%q): %v", tc.in, err)
		}
		if Language() != tc.want {
			t.Errorf("SetLanguage(%q) gave %q, want %q", tc.in, Language(), tc.want)
		}
	}
	if err := SetLanguage("fr"); err == nil {
		t.Error("SetLanguage(fr) should fail: there is no French catalog")
	}
	if got := T("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key should show itself, got %q", got)
	}
}
