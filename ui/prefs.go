package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// The till's own settings, kept in the ledger through pos.Settings so they survive restarts.
const (
	settingDefaultMethod   = "ui.default_method"   // what Enter charges by
	settingCustomerDisplay = "ui.customer_display" // "window" or "main"
	settingFullScreen      = "ui.full_screen"      // "on" or "off"
)

// displayMode is where the customer display goes.
type displayMode string

const (
	displayMain   displayMode = "main"   // takes over the main window during a charge
	displayWindow displayMode = "window" // its own window, for a second monitor facing the customer
)

// prefs are the settings in use; store is nil when nothing is remembered (tests, no ledger).
type prefs struct {
	store      pos.Settings
	method     pos.Method
	display    displayMode
	fullScreen bool // the main window fills its monitor
}

// loadPrefs reads the settings; a missing or unknown value falls back to the default,
// and the error says what could not be read (the till still starts).
func loadPrefs(store pos.Settings) (prefs, error) {
	p := prefs{store: store, method: pos.MethodNative, display: displayMain}
	if store == nil {
		return p, nil
	}
	var errs []error
	if v, err := store.Setting(settingDefaultMethod); err == nil {
		if m := pos.Method(v); m == pos.MethodNative || m == pos.MethodCode || m == pos.MethodCash {
			p.method = m
		}
	} else if !errors.Is(err, pos.ErrNotFound) {
		errs = append(errs, err)
	}
	if v, err := store.Setting(settingCustomerDisplay); err == nil {
		if d := displayMode(v); d == displayMain || d == displayWindow {
			p.display = d
		}
	} else if !errors.Is(err, pos.ErrNotFound) {
		errs = append(errs, err)
	}
	if v, err := store.Setting(settingFullScreen); err == nil {
		p.fullScreen = v == "on"
	} else if !errors.Is(err, pos.ErrNotFound) {
		errs = append(errs, err)
	}
	return p, errors.Join(errs...)
}

func (p *prefs) setMethod(m pos.Method) error {
	p.method = m
	return p.put(settingDefaultMethod, string(m))
}

func (p *prefs) setDisplay(d displayMode) error {
	p.display = d
	return p.put(settingCustomerDisplay, string(d))
}

func (p *prefs) setFullScreen(on bool) error {
	p.fullScreen = on
	v := "off"
	if on {
		v = "on"
	}
	return p.put(settingFullScreen, v)
}

func (p *prefs) put(key, value string) error {
	if p.store == nil {
		return nil
	}
	return p.store.PutSetting(key, value)
}

// settingsMethods are the default methods offered, in the order of their keys F1..F3.
var settingsMethods = []pos.Method{pos.MethodNative, pos.MethodCode, pos.MethodCash}

// showSettings opens the settings dialog (between sales); each choice applies and is saved
// at once. Keys: F1..F3 the default method, F4 the customer display, Esc/Enter/F10 close.
func (t *till) showSettings() {
	if t.mode != modeCart || t.settings != nil {
		return
	}
	var names []string
	for i, m := range settingsMethods {
		names = append(names, fmt.Sprintf("%s (F%d)", methodName(m), i+1))
	}
	method := widget.NewRadioGroup(names, func(chosen string) {
		for i, name := range names {
			if name == chosen && settingsMethods[i] != t.prefs.method {
				t.saved(t.prefs.setMethod(settingsMethods[i]))
			}
		}
	})
	t.settingsMethod, t.settingsDisplay = method, nil // made anew in the current language
	t.settingsFull = widget.NewCheck(T("settings.full_screen")+" (F11)", func(on bool) {
		if on != t.prefs.fullScreen {
			t.toggleFullScreen()
		}
	})
	t.syncSettings()
	content := container.NewVBox(
		widget.NewLabelWithStyle(T("settings.default_method"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		method,
		widget.NewLabelWithStyle(T("settings.display")+" (F4)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.settingsDisplay,
		widget.NewLabelWithStyle(T("settings.window"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.settingsFull,
	)
	d := dialog.NewCustom(T("settings.title"), T("settings.close")+" (Esc)", content, t.w)
	d.SetOnClosed(func() {
		t.settings = nil
		t.show()
	})
	t.settings = d
	t.w.Canvas().Unfocus() // keys now come to settingsKey
	d.Show()
}

// syncSettings shows the settings in use on the dialog's choices.
func (t *till) syncSettings() {
	t.settingsMethod.SetSelected(t.settingsMethod.Options[indexOf(settingsMethods, t.prefs.method)])
	displays := []string{T("settings.display.main"), T("settings.display.window")}
	if t.settingsDisplay == nil {
		t.settingsDisplay = widget.NewRadioGroup(displays, func(chosen string) {
			want := displayMain
			if chosen == displays[1] {
				want = displayWindow
			}
			if want != t.prefs.display {
				t.setDisplay(want)
			}
		})
	}
	if t.prefs.display == displayWindow {
		t.settingsDisplay.SetSelected(displays[1])
	} else {
		t.settingsDisplay.SetSelected(displays[0])
	}
	t.settingsFull.SetChecked(t.prefs.fullScreen)
}

// settingsKey handles the keys while the settings dialog is open.
func (t *till) settingsKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3:
		i := map[fyne.KeyName]int{fyne.KeyF1: 0, fyne.KeyF2: 1, fyne.KeyF3: 2}[k]
		t.settingsMethod.SetSelected(t.settingsMethod.Options[i])
	case fyne.KeyF4:
		t.toggleDisplay()
		t.syncSettings()
	case fyne.KeyF11:
		t.toggleFullScreen()
		t.syncSettings()
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter, fyne.KeyF10:
		t.settings.Hide()
	default:
		return false
	}
	return true
}

func indexOf(ms []pos.Method, m pos.Method) int {
	for i, x := range ms {
		if x == m {
			return i
		}
	}
	return 0
}

// toggleFullScreen makes the main window fill its monitor, or not, and remembers it: a
// till usually runs full screen from the moment it starts.
func (t *till) toggleFullScreen() {
	on := !t.prefs.fullScreen
	t.saved(t.prefs.setFullScreen(on))
	t.w.SetFullScreen(on)
}

// saved reports a setting that could not be written; the choice still applies until exit.
func (t *till) saved(err error) {
	if err != nil {
		t.cashier.sayError(T("err.settings", err.Error()))
	}
}
