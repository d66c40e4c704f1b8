package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wxtill/payment"
	"wxtill/payment/sandbox"
	"wxtill/pos"
	"wxtill/storage"
)

// sandboxKeys holds the sandbox's key material, made once for the package: RSA key
// generation is the slowest part of a test's set-up.
var sandboxKeys string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wxtill-ui-keys")
	if err != nil {
		panic(err)
	}
	sandboxKeys = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rig is a till wired as main wires it, on real parts: the in-process sandbox, the real
// wechatpay-go gateway and a bbolt ledger in a temp dir, shown by Fyne's test driver.
type rig struct {
	t      *testing.T
	sb     *sandbox.Server
	ledger *storage.Ledger
	co     *pos.Checkout
	till   *till
	dir    string
}

type rigOption func(*pos.Config, *Options)

// withDisplay starts the till with the customer display remembered in its own window.
func withDisplay(d displayMode) rigOption {
	return func(_ *pos.Config, o *Options) {
		s := o.Settings
		if err := s.PutSetting(settingCustomerDisplay, string(d)); err != nil {
			panic(err)
		}
	}
}

// withFastClock runs pos's time k times faster than the wall clock, so waits that WeChat
// prescribes (the first query of a payment code after 5 s) take a fraction of that.
func withFastClock(k float64) rigOption {
	return func(pc *pos.Config, _ *Options) {
		pc.Clock = fastClock{t0: time.Now(), k: k}
		pc.CodeGiveUp = time.Duration(k) * 6 * time.Second // 6 s of wall time to confirm
	}
}

type fastClock struct {
	t0 time.Time
	k  float64
}

func (c fastClock) Now() time.Time {
	return c.t0.Add(time.Duration(float64(time.Since(c.t0)) * c.k))
}

func (c fastClock) After(d time.Duration) <-chan time.Time {
	return time.After(time.Duration(float64(d) / c.k))
}

// fastPolling queries every 40 ms so a test sees a payment at once.
var fastPolling = pos.PollSchedule{First: 40 * time.Millisecond,
	Steps:       []pos.PollStep{{Until: 24 * time.Hour, Every: 40 * time.Millisecond}},
	BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond}

func newRig(t *testing.T, opts ...rigOption) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir()}
	sb, err := sandbox.New(sandbox.Options{StateDir: sandboxKeys})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	r.sb = sb
	cfgPath := filepath.Join(r.dir, "config.toml")
	if err := sb.WriteConfig(cfgPath, true); err != nil {
		t.Fatal(err)
	}
	cfg, err := payment.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := payment.NewGateway(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Stop() })
	r.ledger, err = storage.Open(filepath.Join(r.dir, "ledger.db"), storage.Options{NoAutoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.ledger.Close() })

	pc := pos.Config{Gateway: gw, Ledger: r.ledger, TillID: "T01", Shop: "测试小店", Poll: fastPolling,
		OrderTTL: 10 * time.Minute, CodeGiveUp: 20 * time.Second}
	opt := Options{StoreName: "测试小店", TillID: "T01", Demo: true, Products: pos.SampleProducts(),
		Settings: r.ledger, Simulator: sb, ReceiptDir: filepath.Join(r.dir, "receipts"), RecoverEvery: -1,
		TestCodes: []TestCode{{Code: sandbox.CodePayNow, Label: "立即成功 / pays at once"},
			{Code: sandbox.CodeUserPaying, Label: "需输入密码 / asks for the password"},
			{Code: sandbox.CodeNotEnough, Label: "余额不足 / balance too low"}}}
	for _, o := range opts {
		o(&pc, &opt)
	}
	if r.co, err = pos.NewCheckout(pc); err != nil {
		t.Fatal(err)
	}
	opt.Checkout = r.co
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	if err := SetLanguage("zh-CN"); err != nil {
		t.Fatal(err)
	}
	r.till = newTill(a, opt)
	r.till.enterGuard = 0 // the tests press Enter at once; TestReceiptIgnoresADoubleEnter checks the guard
	r.till.w.Resize(fyne.NewSize(1100, 720))
	// The charge goroutines must be done before the ledger closes (cleanups run last first).
	t.Cleanup(func() { r.till.close(); r.settle() })
	return r
}

// settle waits for the running charge, if any, to end after the till closed.
func (r *rig) settle() {
	if r.till.run == nil {
		return
	}
	select {
	case <-r.till.run.ch.Done():
	case <-time.After(10 * time.Second):
		r.t.Error("the charge did not stop within 10 s of closing the till")
	}
}

// press sends a key where the keyboard would: the focused field, else the window.
func (r *rig) press(k fyne.KeyName) {
	r.t.Helper()
	ev := &fyne.KeyEvent{Name: k}
	c := r.till.w.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// typ types text into the focused field, as a keyboard or a scanner would.
func (r *rig) typ(text string) {
	r.t.Helper()
	f := r.till.w.Canvas().Focused()
	if f == nil {
		r.t.Fatalf("nothing has focus to type %q into (mode %d)", text, r.till.mode)
	}
	for _, ch := range text {
		f.TypedRune(ch)
	}
}

// waitFor runs the UI's queued work until ok holds, or fails after a deadline.
func (r *rig) waitFor(what string, ok func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r.till.b.drain()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("gave up waiting for %s; mode %d, status %q / %q, message %q", what, r.till.mode,
				r.till.status.headline.Text, r.till.status.detail.Text, r.till.cashier.message.Text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// phase waits until the latest update shown has phase p.
func (r *rig) phase(p pos.Phase) pos.Update {
	r.t.Helper()
	r.waitFor("phase "+string(p), func() bool { return r.till.latest.Phase == p })
	return r.till.latest
}

// sale reads a sale back from the ledger.
func (r *rig) sale(no string) pos.Sale {
	r.t.Helper()
	s, err := r.ledger.Sale(no)
	if err != nil {
		r.t.Fatalf("sale %s: %v", no, err)
	}
	return s
}

func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}
