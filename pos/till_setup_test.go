package pos_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wxtill/payment"
	"wxtill/payment/sandbox"
	"wxtill/pos"
	"wxtill/storage"
)

// sbClock is the sandbox's business time: real time plus a jump the test controls, so a
// payment code's 5 s password or a refund's 3 s settle without waiting.
type sbClock struct {
	mu   sync.Mutex
	jump time.Duration
}

func (c *sbClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.jump)
}

func (c *sbClock) advance(d time.Duration) {
	c.mu.Lock()
	c.jump += d
	c.mu.Unlock()
}

// keyDir is shared by every sandbox of the test binary: RSA key generation is slow.
var keyDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wxtill-pos-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	keyDir = filepath.Join(dir, "sandbox-keys")
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newSandbox starts an in-process sandbox and writes a client config for it.
func newSandbox(t testing.TB) (*sandbox.Server, *sbClock, string) {
	t.Helper()
	clk := &sbClock{}
	sb, err := sandbox.New(sandbox.Options{StateDir: keyDir, Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := sb.WriteConfig(cfg, true); err != nil {
		t.Fatal(err)
	}
	return sb, clk, cfg
}

// till is a Checkout on the real gateway, the in-process sandbox and a real ledger.
type till struct {
	sb     *sandbox.Server
	sbClk  *sbClock
	gw     *payment.Gateway
	led    *storage.Ledger
	co     *pos.Checkout
	ledger string
}

// fastPoll keeps the tests quick: the schedule's shape is tested on the fake clock.
var fastPoll = pos.PollSchedule{First: 50 * time.Millisecond,
	Steps:       []pos.PollStep{{Until: time.Hour, Every: 50 * time.Millisecond}},
	BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond}

func newTill(t *testing.T, tune func(*pos.Config)) *till {
	t.Helper()
	sb, clk, cfgPath := newSandbox(t)
	cfg, err := payment.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := payment.NewGateway(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Stop() })
	path := filepath.Join(t.TempDir(), storage.FileName)
	led, err := storage.Open(path, storage.Options{NoAutoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { led.Close() })
	pc := pos.Config{Gateway: gw, Ledger: led, TillID: "IT01", Shop: "集成测试", Poll: fastPoll,
		CodeGiveUp: 3 * time.Second}
	if tune != nil {
		tune(&pc)
	}
	co, err := pos.NewCheckout(pc)
	if err != nil {
		t.Fatal(err)
	}
	return &till{sb: sb, sbClk: clk, gw: gw, led: led, co: co, ledger: path}
}

func amountCart(m pos.Money) pos.Cart {
	var c pos.Cart
	_ = c.AddAmount("集成测试商品", m)
	return c
}

// updates collects a charge's updates on a channel.
type updates struct {
	ch chan pos.Update
}

func newUpdates() *updates { return &updates{ch: make(chan pos.Update, 256)} }

func (u *updates) add(up pos.Update) { u.ch <- up }

// until waits for phase p (or a final phase) and returns that update.
func (u *updates) until(t *testing.T, p pos.Phase) pos.Update {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case up := <-u.ch:
			if up.Phase == p || up.Phase.Final() {
				return up
			}
		case <-timeout:
			t.Fatalf("no %s update in 30 s", p)
		}
	}
}

// wechat asks the sandbox, through the real gateway, about an order.
func (tl *till) wechat(t *testing.T, no string) pos.OrderStatus {
	t.Helper()
	st, err := tl.gw.Query(context.Background(), no)
	if err != nil {
		t.Fatalf("query %s: %v", no, err)
	}
	return st
}

func (tl *till) sale(t *testing.T, no string) pos.Sale {
	t.Helper()
	s, err := tl.led.Sale(no)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
