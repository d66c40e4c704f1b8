package ui

import (
	"errors"

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
)

// displayMode is where the customer display goes.
type displayMode string

const (
	displayMain   displayMode = "main"   // takes over the main window during a charge
	displayWindow displayMode = "window" // its own window, for a second monitor facing the customer
)

// prefs are the settings in use; store is nil when nothing is remembered (tests, no ledger).
type prefs struct {
	store   pos.Settings
	method  pos.Method
	display displayMode
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

func (p *prefs) put(key, value string) error {
	if p.store == nil {
		return nil
	}
	return p.store.PutSetting(key, value)
}

// showSettings opens the settings dialog; each choice applies and is saved at once.
func (t *till) showSettings() {
	methods := []pos.Method{pos.MethodNative, pos.MethodCode, pos.MethodCash}
	var names []string
	for _, m := range methods {
		names = append(names, methodName(m))
	}
	method := widget.NewRadioGroup(names, func(chosen string) {
		for _, m := range methods {
			if methodName(m) == chosen && m != t.prefs.method {
				t.saved(t.prefs.setMethod(m))
			}
		}
	})
	method.SetSelected(methodName(t.prefs.method))
	displays := []string{T("settings.display.main"), T("settings.display.window")}
	display := widget.NewRadioGroup(displays, func(chosen string) {
		want := displayMain
		if chosen == displays[1] {
			want = displayWindow
		}
		if want != t.prefs.display {
			t.setDisplay(want)
		}
	})
	display.SetSelected(displays[0])
	if t.prefs.display == displayWindow {
		display.SetSelected(displays[1])
	}
	content := container.NewVBox(
		widget.NewLabelWithStyle(T("settings.default_method"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		method,
		widget.NewLabelWithStyle(T("settings.display")+" (F4)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		display,
	)
	d := dialog.NewCustom(T("settings.title"), T("settings.close"), content, t.w)
	d.SetOnClosed(t.show)
	d.Show()
}

// saved reports a setting that could not be written; the choice still applies until exit.
func (t *till) saved(err error) {
	if err != nil {
		t.cashier.sayError(T("err.settings", err.Error()))
	}
}
