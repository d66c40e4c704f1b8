package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wxtill/pos"
)

// The customer display as pictures, with the embedded font and a fixed clock, so any
// change to what the customer sees shows up in review. The QR picture must also scan.
func TestCustomerDisplayImages(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.Local)
	const codeURL = "weixin://wxpay/bizpayurl?pr=GoldenQR01"
	for _, tc := range []struct {
		name string
		show func(d *customerDisplay)
	}{
		{"customer-qr.png", func(d *customerDisplay) { d.showQR(1250, codeURL, now.Add(9*time.Minute+30*time.Second)) }},
		{"customer-paid.png", func(d *customerDisplay) { d.showResult(1250, true, T("customer.paid")) }},
		{"customer-cancelled.png", func(d *customerDisplay) { d.showResult(1250, false, T("customer.cancelled")) }},
		{"customer-password.png", func(d *customerDisplay) { d.showWaiting(1250, T("customer.enter_password")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(NewTheme())
			if err := SetLanguage("zh-CN"); err != nil {
				t.Fatal(err)
			}
			d := newCustomerDisplay("示例小店", func() time.Time { return now })
			w := test.NewTempWindow(t, d.view)
			w.Resize(fyne.NewSize(800, 600))
			tc.show(d)
			img := w.Canvas().Capture()
			test.AssertImageMatches(t, tc.name, img)
			if tc.name == "customer-qr.png" {
				if got := decodeQR(t, img); got != codeURL {
					t.Errorf("the QR decodes to %q, want %q", got, codeURL)
				}
				contains(t, "countdown", d.countdown.Text, "9:30")
			}
		})
	}
}

func TestDescribeErr(t *testing.T) {
	defer SetLanguage(DefaultLang)
	_ = SetLanguage("en")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&pos.GatewayError{Code: "NETWORK"}, "network down"},
		{&pos.GatewayError{Code: "TIMEOUT"}, "timeout"},
		{&pos.GatewayError{Code: "SYSTEMERROR", Message: "系统繁忙"}, "SYSTEMERROR: 系统繁忙"},
		{&pos.GatewayError{Code: "FREQUENCY_LIMITED"}, "FREQUENCY_LIMITED"},
		{errors.New("disk full"), "disk full"},
		{nil, ""},
	} {
		if got := describeErr(tc.err); got != tc.want && (tc.want == "" || !strings.Contains(got, tc.want)) {
			t.Errorf("describeErr(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
