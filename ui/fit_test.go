package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"wxtill/pos"
)

// smallScreen is the smallest screen a till is sold with (1024×768), less a title bar and
// a panel. No screen may ask for more: Fyne grows a window to what its content needs,
// and a grown window hangs off the screen with its buttons out of reach.
var smallScreen = fyne.NewSize(1024, 720)

// withLongNames gives the till what an owner may well type: a long shop name and long
// product names.
func withLongNames(_ *pos.Config, o *Options) {
	o.StoreName = "某某市某某区人民路某某某便利店（二十四小时营业）第三分店"
	o.Products = append(pos.SampleProducts(),
		pos.Product{SKU: "L001", Name: "农夫山泉饮用天然水（适合婴幼儿冲调奶粉）1.5L 装", Price: 450, QuickKey: "9"})
}

// Every screen fits a small screen, in either language, with either customer display,
// with long names, a long error, recovery's news and a search that finds nothing.
func TestScreensFitASmallScreen(t *testing.T) {
	defer SetLanguage(DefaultLang)
	for _, lang := range []string{"zh-CN", "en"} {
		for _, d := range []displayMode{displayMain, displayWindow} {
			r := newRig(t, withDisplay(d), withLongNames)
			if err := SetLanguage(lang); err != nil {
				t.Fatal(err)
			}
			r.till.build()
			r.till.recovered(nil, errors.New(strings.Repeat("the ledger is locked by another process; ", 20)))
			r.till.recovered([]pos.Recovered{
				{OutTradeNo: "T01-20260501100000-abcdefg", Total: 600, Action: pos.ActionPaid, Flag: pos.FlagPaidTwice},
				{OutTradeNo: "T01-20260501100500-hijklmn", Total: 900, Action: pos.ActionPaid}}, nil)
			r.till.cashier.entry.SetText("chips and other things nobody sells here")
			for _, m := range []mode{modeCart, modeCode, modeCash, modeCharging, modeHeld, modeReceipt} {
				r.till.mode = m
				showWidest(r.till)
				r.till.show()
				if got := r.till.w.Content().MinSize(); got.Width > smallScreen.Width || got.Height > smallScreen.Height {
					t.Errorf("%s, display %s, mode %d: the screen needs %v, more than %v", lang, d, m, got, smallScreen)
				}
				if r.till.cw != nil {
					if got := r.till.cw.Content().MinSize(); got.Width > 800 || got.Height > 480 {
						t.Errorf("%s, mode %d: the customer's window needs %v, more than a 7-inch 800×480 display", lang, m, got)
					}
				}
			}
		}
	}
}

// showWidest puts the widest content each screen can hold on it: the largest amount,
// a long error, a failure in the customer's face.
func showWidest(t *till) {
	t.code.reset(9_999_999_99)
	t.cash.reset(9_999_999_99)
	stalled := pos.Update{Phase: pos.PhaseStalled, Sale: pos.Sale{OutTradeNo: "T01-20260501100000-abcdefg", Total: 9_999_999_99},
		Err: &pos.GatewayError{Class: pos.ClassRetry, Code: "SYSTEMERROR", Message: "系统错误，请稍后重试 system error, please retry later"}}
	if t.mode == modeHeld {
		stalled.Phase, stalled.Reason = pos.PhaseFailed, "用户余额不足，请用户换卡支付 / the customer's balance is too low"
	}
	t.status.show(chargeView{u: stalled, method: pos.MethodCode, now: time.Now()})
	t.customer.showResult(9_999_999_99, false, T("customer.failed"))
	if t.mode == modeCharging {
		t.customer.showQR(9_999_999_99, "weixin://wxpay/bizpayurl?pr=Widest01", time.Now().Add(time.Hour))
	}
	t.receipt.show(pos.Sale{OutTradeNo: "T01-20260501100000-abcdefg", Method: pos.MethodCash, Total: 1250, Tendered: 10000,
		Lines: []pos.Line{{Name: "可乐 330ml", UnitPrice: 350, Qty: 2}}}, T("note.close_pending"))
}

// The customer's screen may be small (a 7-inch 800×480 display) or upright. A long shop
// name, the largest amount and English words are made smaller to fit: the window never
// grows for them, no word runs off the screen, and the QR still scans.
func TestCustomerDisplayFitsSmallScreens(t *testing.T) {
	defer SetLanguage(DefaultLang)
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.Local)
	const codeURL = "weixin://wxpay/bizpayurl?pr=SmallScreen1"
	for _, size := range []fyne.Size{{Width: 800, Height: 480}, {Width: 480, Height: 800}} {
		for _, lang := range []string{"zh-CN", "en"} {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(NewTheme())
			if err := SetLanguage(lang); err != nil {
				t.Fatal(err)
			}
			d := newCustomerDisplay("某某市某某区人民路某某某便利店（二十四小时营业）第三分店", func() time.Time { return now })
			w := test.NewTempWindow(t, d.view)
			w.Resize(size)
			d.showQR(9_999_999_99, codeURL, now.Add(5*time.Minute))
			checkCustomerFits(t, w, d, size, lang+" QR")
			if got := decodeQR(t, w.Canvas().Capture()); got != codeURL {
				t.Errorf("%s %v: the QR says %q", lang, size, got)
			}
			d.showResult(9_999_999_99, false, T("customer.failed"))
			checkCustomerFits(t, w, d, size, lang+" failed")
		}
	}
}

func checkCustomerFits(t *testing.T, w fyne.Window, d *customerDisplay, size fyne.Size, what string) {
	t.Helper()
	if got := w.Content().MinSize(); got.Width > size.Width || got.Height > size.Height {
		t.Errorf("%s on %v: the display needs %v", what, size, got)
	}
	for _, txt := range []*canvas.Text{d.shop, d.amount, d.headline, d.countdown} {
		if txt.MinSize().Width > size.Width {
			t.Errorf("%s on %v: %q is %v wide at size %v", what, size, txt.Text, txt.MinSize().Width, txt.TextSize)
		}
	}
	if d.shop.TextSize >= 30 {
		t.Errorf("%s on %v: the long shop name should have been made smaller", what, size)
	}
}
