//go:build unix

package pos_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"wxtill/pos"
)

// TestChargeBinary runs `wxtill charge --json` as a person would: paid, Ctrl-C, --wait,
// and demo mode (no config: the built-in sandbox and its customer page).
func TestChargeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := wxtillBin(t)
	sb, _, cfgPath := newSandbox(t)
	tests := []struct {
		name   string
		demo   bool
		args   []string
		act    func(t *testing.T, cmd *exec.Cmd, ev map[string]string)
		code   int
		events string
	}{
		{name: "paid", act: func(t *testing.T, _ *exec.Cmd, ev map[string]string) { must(t, sb.Pay(ev["code_url"])) },
			code: pos.ExitPaid, events: "awaiting paid"},
		{name: "ctrl-c", act: func(t *testing.T, cmd *exec.Cmd, _ map[string]string) { must(t, cmd.Process.Signal(syscall.SIGINT)) },
			code: pos.ExitClosed, events: "awaiting closing closed"},
		{name: "wait", args: []string{"--wait", "1s"}, code: pos.ExitTimedOut, events: "awaiting closing closed"},
		{name: "demo", demo: true, act: payOnCustomerPage, code: pos.ExitPaid, events: "demo awaiting paid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &crashRun{t: t, bin: bin, cfg: cfgPath, data: t.TempDir()}
			if tt.demo {
				c.cfg = c.data + "/no-such-config.toml"
			}
			cmd := c.command("", append([]string{"charge", "--amount", "3.20", "--json"}, tt.args...)...)
			code, events := runCharge(t, cmd, tt.act)
			if code != tt.code || strings.Join(events, " ") != tt.events {
				t.Errorf("exit %d, events %v; want %d, %q", code, events, tt.code, tt.events)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// payOnCustomerPage pays through the demo sandbox's control endpoint, as its customer
// page's button does.
func payOnCustomerPage(t *testing.T, _ *exec.Cmd, ev map[string]string) {
	if ev["customer_page"] == "" {
		t.Fatal("demo mode printed no customer page")
	}
	resp, err := http.PostForm(ev["customer_page"]+"sandbox/pay", url.Values{"out_trade_no": {ev["out_trade_no"]}})
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pay on the demo sandbox: %s", resp.Status)
	}
}

// runCharge runs cmd, calls act on the awaiting event, and returns the exit code and the
// events' names.
func runCharge(t *testing.T, cmd *exec.Cmd, act func(*testing.T, *exec.Cmd, map[string]string)) (int, []string) {
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	var names []string
	page := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var ev map[string]string
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Errorf("not a JSON line of strings: %q", sc.Text())
			continue
		}
		names = append(names, ev["event"])
		if ev["event"] == "demo" {
			page = ev["customer_page"]
		}
		if ev["event"] == "awaiting" && act != nil {
			ev["customer_page"] = page
			act(t, cmd, ev)
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), names
}
