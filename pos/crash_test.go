//go:build unix

package pos_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"wxtill/payment"
	"wxtill/pos"
	"wxtill/storage"
)

// The crash tests run the real binary, SIGKILL it at each step boundary of a charge
// (pos failpoints, armed by WXTILL_FAILPOINT), run `wxtill recover --json`, and check
// that the ledger and the sandbox agree: nothing lost, nothing charged twice, nothing
// left open at WeChat.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// wxtillBin is the binary under test: $WXTILL_BIN, or built once per test run.
func wxtillBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if p := os.Getenv("WXTILL_BIN"); p != "" {
			binPath = p
			return
		}
		binPath = filepath.Join(workDir, "wxtill")
		out, err := exec.Command("go", "build", "-o", binPath, "wxtill").CombinedOutput()
		if err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type crashCase struct {
	failpoint    string
	args         []string // beyond --amount 12.50 --json
	payAwaiting  bool     // the customer pays as soon as the QR is up
	payAfterKill bool     // the customer pays after the till died
	state        pos.State
	trade        pos.TradeState // "" : WeChat never got the order
	refunded     pos.Money
	recoverDies  string // the first `wxtill recover` is killed at this failpoint too
}

func TestCrashAtEachStep(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := wxtillBin(t)
	sb, sbClk, cfgPath := newSandbox(t)
	cfg, err := payment.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := payment.NewGateway(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Stop() })
	cases := []crashCase{
		{failpoint: pos.FailAfterRecord, state: pos.StateClosed},
		{failpoint: pos.FailAfterPrepay, state: pos.StateClosed, trade: pos.TradeClosed},
		{failpoint: pos.FailAwaiting, state: pos.StateClosed, trade: pos.TradeClosed},
		{failpoint: pos.FailAwaiting, payAfterKill: true, state: pos.StatePaid, trade: pos.TradeSuccess},
		{failpoint: pos.FailAfterSuccess, payAwaiting: true, state: pos.StatePaid, trade: pos.TradeSuccess},
		{failpoint: pos.FailBeforeClose, args: []string{"--wait", "1s"}, state: pos.StateClosed, trade: pos.TradeClosed},
		{failpoint: pos.FailDuringClose, args: []string{"--wait", "1s"}, state: pos.StateClosed, trade: pos.TradeClosed},
		{failpoint: pos.FailRefundRecord, args: []string{"--refund", "5.00"}, payAwaiting: true, state: pos.StatePartRefunded, trade: pos.TradeRefund, refunded: 500},
		{failpoint: pos.FailDuringRefund, args: []string{"--refund", "12.50"}, payAwaiting: true, state: pos.StateRefunded, trade: pos.TradeRefund, refunded: 1250},
		// recovery itself dies while closing the order the killed charge left open
		{failpoint: pos.FailAwaiting, recoverDies: pos.FailBeforeClose, state: pos.StateClosed, trade: pos.TradeClosed},
		{failpoint: pos.FailAwaiting, recoverDies: pos.FailDuringClose, state: pos.StateClosed, trade: pos.TradeClosed},
	}
	for _, cc := range cases {
		name := cc.failpoint
		if cc.payAfterKill {
			name += "+paid-later"
		}
		if cc.recoverDies != "" {
			name += "+recover-" + cc.recoverDies
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := &crashRun{t: t, bin: bin, cfg: cfgPath, data: t.TempDir()}
			no := c.chargeUntilKilled(cc, func(no string) {
				if err := sb.Pay(no); err != nil {
					t.Errorf("pay: %v", err)
				}
			})
			if cc.payAfterKill {
				if err := sb.Pay(no); err != nil {
					t.Fatalf("pay after the crash: %v", err)
				}
			}
			if cc.recoverDies != "" {
				c.recoverUntilKilled(cc.recoverDies)
			}
			c.recover(cc)
			if cc.refunded > 0 { // refunds settle at WeChat after 3 s; the next round sees it
				sbClk.advance(4 * time.Second)
				c.recover(cc)
			}
			c.check(cc, no, gw)
		})
	}
}

// crashRun is one killed charge and its recovery.
type crashRun struct {
	t         *testing.T
	bin       string
	cfg, data string
}

func (c *crashRun) command(failpoint string, args ...string) *exec.Cmd {
	all := append([]string{"--config", c.cfg, "--data", c.data}, args...)
	cmd := exec.Command(c.bin, all...)
	home := filepath.Join(c.data, "home")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home,
		"XDG_DATA_HOME="+home, "LANG=zh_CN.UTF-8", pos.FailpointEnv+"="+failpoint)
	return cmd
}

// chargeUntilKilled runs `wxtill charge` with the failpoint armed and returns the sale's
// number once the process has died of SIGKILL.
func (c *crashRun) chargeUntilKilled(cc crashCase, pay func(no string)) string {
	t := c.t
	args := append([]string{"charge", "--amount", "12.50", "--json"}, cc.args...)
	cmd := c.command(cc.failpoint, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	var events []map[string]any
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Errorf("not JSON: %q", sc.Text())
			continue
		}
		events = append(events, ev)
		if ev["event"] == "awaiting" && cc.payAwaiting {
			pay(ev["out_trade_no"].(string))
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("wxtill charge was not killed at %s: %v (events %v)", cc.failpoint, err, events)
	}
	for _, ev := range events {
		if no, ok := ev["out_trade_no"].(string); ok && no != "" {
			return no
		}
	}
	// killed before anything was printed: the ledger knows the sale
	led := c.openLedger(true)
	defer led.Close()
	open, err := led.UnsettledSales()
	if err != nil || len(open) != 1 {
		t.Fatalf("after the kill: %d unsettled sales, %v", len(open), err)
	}
	return open[0].OutTradeNo
}

// recover runs `wxtill recover --json` (a second round may be needed for refunds).
func (c *crashRun) recover(cc crashCase) {
	cmd := c.command("")
	cmd.Args = append(cmd.Args, "recover", "--json")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == pos.ExitUnsettled && cc.refunded > 0) {
		c.t.Fatalf("wxtill recover: %v\n%s", err, out)
	}
	c.t.Logf("recover: %s", out)
}

// recoverUntilKilled runs `wxtill recover` with a failpoint armed; it must die there.
func (c *crashRun) recoverUntilKilled(failpoint string) {
	cmd := c.command(failpoint)
	cmd.Args = append(cmd.Args, "recover", "--json")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		c.t.Fatalf("wxtill recover was not killed at %s: %v\n%s", failpoint, err, out)
	}
}

func (c *crashRun) openLedger(readOnly bool) *storage.Ledger {
	led, err := storage.Open(storage.Path(c.data), storage.Options{ReadOnly: readOnly, NoAutoBackup: true})
	if err != nil {
		c.t.Fatal(err)
	}
	return led
}

// check compares the ledger with WeChat's (the sandbox's) view of the sale.
func (c *crashRun) check(cc crashCase, no string, gw *payment.Gateway) {
	t := c.t
	led := c.openLedger(true)
	defer led.Close()
	if err := led.Check(); err != nil {
		t.Errorf("ledger check: %v", err)
	}
	s, err := led.Sale(no)
	if err != nil {
		t.Fatal(err)
	}
	if s.State != cc.state || s.NeedsRecovery() || s.Refunded != cc.refunded {
		t.Errorf("sale %s: %s close_wanted=%v refunded %s; want %s refunded %s", no, s.State, s.CloseWanted, s.Refunded, cc.state, cc.refunded)
	}
	c.checkWeChat(cc, s, gw)
	c.checkRefunds(cc, led, no, gw)
}

// checkWeChat: WeChat has the order in the expected state, and a paid sale is WeChat's
// one payment.
func (c *crashRun) checkWeChat(cc crashCase, s pos.Sale, gw *payment.Gateway) {
	t := c.t
	st, err := gw.Query(context.Background(), s.OutTradeNo)
	switch {
	case cc.trade == "" && pos.ClassOf(err) != pos.ClassNotFound:
		t.Errorf("WeChat has order %s (%v, %v); it should never have got it", s.OutTradeNo, st.State, err)
	case cc.trade != "" && (err != nil || st.State != cc.trade):
		t.Errorf("WeChat: %s %v, want %s", st.State, err, cc.trade)
	}
	paid := s.State == pos.StatePaid || s.State == pos.StateRefunded || s.State == pos.StatePartRefunded
	if paid && (s.TransactionID == "" || s.TransactionID != st.TransactionID || st.Total != s.Total) {
		t.Errorf("paid sale %s/%s, WeChat %s/%s", s.TransactionID, s.Total, st.TransactionID, st.Total)
	}
}

// checkRefunds: every recorded refund is settled as WeChat says, and they add up to
// what was asked once (not twice).
func (c *crashRun) checkRefunds(cc crashCase, led *storage.Ledger, no string, gw *payment.Gateway) {
	t := c.t
	if left, _ := led.UnsettledRefunds(); len(left) != 0 {
		t.Errorf("%d refunds unsettled", len(left))
	}
	refunds, _ := led.Refunds(no)
	var sum pos.Money
	for _, r := range refunds {
		rs, err := gw.QueryRefund(context.Background(), r.OutRefundNo)
		if err != nil || rs.State != r.State {
			t.Errorf("refund %s: ledger %s, WeChat %s %v", r.OutRefundNo, r.State, rs.State, err)
		}
		sum += r.Amount
	}
	if sum != cc.refunded {
		t.Errorf("refunds recorded %s, want %s (one refund, not two)", sum, cc.refunded)
	}
}
