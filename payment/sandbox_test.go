package payment

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wxtill/payment/sandbox"
)

// sandboxState keeps the sandbox's keys between tests: generating three RSA keys per
// test would dominate the run time.
var sandboxState string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wxtill-payment-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sandboxState = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testClock is business time for the sandbox, moved by the test.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{now: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// startSandbox runs a sandbox on loopback for the test. A nil clock is the real one.
func startSandbox(t testing.TB, clock *testClock) *sandbox.Server {
	t.Helper()
	return startSandboxIn(t, clock, sandboxState)
}

func startSandboxIn(t testing.TB, clock *testClock, stateDir string) *sandbox.Server {
	t.Helper()
	opt := sandbox.Options{StateDir: stateDir}
	if clock != nil {
		opt.Clock = clock.Now
	}
	srv, err := sandbox.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// modes are the two ways replies are verified; most tests run in both.
var modes = []struct {
	name      string
	publicKey bool
}{
	{"certificates", false},
	{"public-key", true},
}

// sandboxConfig writes the sandbox's config (and key files) into a temp dir, then
// applies edits: replacements of whole lines starting with a key, or new lines appended
// to a table ("[store]\nkey = value").
func sandboxConfig(t testing.TB, srv *sandbox.Server, publicKey bool, edits ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := srv.WriteConfig(path, publicKey); err != nil {
		t.Fatal(err)
	}
	if len(edits) > 0 {
		editConfig(t, path, edits...)
	}
	return path
}

// editConfig replaces the line of each "key = value" edit, or adds it after the table
// header an edit starts with ("[wechatpay] timeout = \"1s\"").
func editConfig(t testing.TB, path string, edits ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, e := range edits {
		table := ""
		if strings.HasPrefix(e, "[") {
			end := strings.Index(e, "]")
			table, e = e[:end+1], strings.TrimSpace(e[end+1:])
		}
		key := strings.TrimSpace(strings.SplitN(e, "=", 2)[0])
		lines = replaceOrAdd(lines, table, key, e)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
}

func replaceOrAdd(lines []string, table, key, line string) []string {
	for i, l := range lines {
		if strings.HasPrefix(l, key+" ") || strings.HasPrefix(l, key+"=") {
			lines[i] = line
			return lines
		}
	}
	for i, l := range lines {
		if l == table {
			return append(lines[:i+1], append([]string{line}, lines[i+1:]...)...)
		}
	}
	return append(lines, table, line)
}

// gatewayFor loads the config and connects, stopping the gateway at the test's end.
func gatewayFor(t testing.TB, path string) *Gateway {
	t.Helper()
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGateway(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	return g
}

// proxy puts a handler in front of the sandbox and points the config at it, so a test can
// see or spoil what passes (a server that misbehaves in ways the sandbox does not).
func proxy(t testing.TB, srv *sandbox.Server, path string, mw func(w http.ResponseWriter, r *http.Request, next http.Handler)) *httptest.Server {
	t.Helper()
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mw(w, r, srv.Handler())
	}))
	t.Cleanup(p.Close)
	editConfig(t, path, fmt.Sprintf("api_base_url = %q", p.URL))
	return p
}

// recorder captures a handler's reply so a proxy can change it before sending.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func newRecorder() *recorder { return &recorder{header: http.Header{}, status: http.StatusOK} }

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// send writes the (possibly changed) reply to w.
func (r *recorder) send(w http.ResponseWriter, body string) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(r.status)
	_, _ = w.Write([]byte(body))
}

var tradeSeq struct {
	sync.Mutex
	n int
}

// tradeNo makes a fresh out_trade_no for a test.
func tradeNo(prefix string) string {
	tradeSeq.Lock()
	defer tradeSeq.Unlock()
	tradeSeq.n++
	return fmt.Sprintf("%s%d%06d", prefix, time.Now().UnixNano()%1e9, tradeSeq.n)
}

// writeBeside writes a file (0600) in the config's folder.
func writeBeside(t testing.TB, configPath, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(filepath.Dir(configPath), name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
