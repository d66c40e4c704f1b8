package ui

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync/atomic"

	"wxtill/assets"
)

// DefaultLang is the language a till speaks unless told otherwise.
const DefaultLang = "zh-CN"

// catalogs maps a language ("zh-CN", "en") to its messages, loaded once from assets.
var catalogs = mustLoadCatalogs()

// current is the language in use; the UI goroutine sets it, tests may too.
var current atomic.Value // string

func init() { current.Store(DefaultLang) }

func mustLoadCatalogs() map[string]map[string]string {
	files, err := assets.Translations.ReadDir("translations")
	if err != nil {
		panic("embedded translations missing: " + err.Error()) // a build defect, not user input
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		data, err := assets.Translations.ReadFile(path.Join("translations", f.Name()))
		if err != nil {
			panic(err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(data, &msgs); err != nil {
			panic("translation " + f.Name() + " is not valid JSON: " + err.Error())
		}
		out[strings.TrimSuffix(f.Name(), ".json")] = msgs
	}
	return out
}

// SetLanguage switches the UI's language; "" keeps the default. Accepts zh, zh-CN, en, en-US...
func SetLanguage(lang string) error {
	l := normalizeLang(lang)
	if _, ok := catalogs[l]; !ok {
		return fmt.Errorf("unknown language %q: use zh-CN or en / 不支持的语言", lang)
	}
	current.Store(l)
	return nil
}

// Language returns the language in use.
func Language() string { return current.Load().(string) }

func normalizeLang(lang string) string {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	switch {
	case l == "":
		return DefaultLang
	case strings.HasPrefix(l, "zh"):
		return "zh-CN"
	case strings.HasPrefix(l, "en"):
		return "en"
	}
	return lang
}

// T returns the message for key in the current language, formatted with args
// (fmt verbs). A missing key shows as the key itself, and a test keeps that from shipping.
func T(key string, args ...any) string {
	msg, ok := catalogs[Language()][key]
	if !ok {
		msg, ok = catalogs[DefaultLang][key]
	}
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}
