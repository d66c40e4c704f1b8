package main

// Tests of the real binary: what a person gets from `make run`. They use the binary that
// `make build` made (WXTILL_BIN) or build one, and run the GUI under Xvfb.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// binary returns the path of a wxtill binary to test.
func binary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("WXTILL_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "wxtill")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestHelpListsTheSubcommands(t *testing.T) {
	out, err := exec.Command(binary(t), "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("wxtill --help: %v\n%s", err, out)
	}
	for _, c := range commands {
		if !strings.Contains(string(out), "\n  "+c.name+" ") {
			t.Errorf("--help does not list %q:\n%s", c.name, out)
		}
	}
	for _, flag := range []string{"-config", "-data"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("--help does not mention %s", flag)
		}
	}
}

func TestUnknownCommandExitsTwo(t *testing.T) {
	cmd := exec.Command(binary(t), "frobnicate")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || err == nil {
		t.Fatalf("exit %d (%v), want 2\n%s", code, err, out)
	}
	if !strings.Contains(string(out), "frobnicate") {
		t.Errorf("the error should name the unknown command: %s", out)
	}
}

// TestGUISmoke starts the till under Xvfb in demo mode and sells by keyboard as a cashier
// would: rings up a cart, charges it by WeChat QR, reads the QR off the screen and pays
// it through the sandbox (as a customer's phone would), sees the receipt, then does the
// same with the customer display in its own window. Each screen is saved in
// build/screenshots/. SIGTERM must then end the program cleanly.
func TestGUISmoke(t *testing.T) {
	display := startXvfb(t)
	bin := binary(t)
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) { runTill(t, bin, display, lang) })
	}
}

func runTill(t *testing.T, bin, display, lang string) {
	p := startTill(t, bin, display, lang)
	p.shots = func(name string) string { return filepath.Join("build", "screenshots", name+"-"+lang+".png") }
	p.sellInTheMainWindow(t)
	p.sellWithACustomerWindow(t, customerWindowTitle[lang])
	p.sellOtherWays(t)
	p.cashWhileWeChatIsUnreachable(t)
	p.fullScreen(t)
	p.stop(t)
}

// sellInTheMainWindow rings up a cart, charges it by WeChat QR with the customer display
// taking over the main window, pays the QR read off the screen, and sees the receipt.
func (p *tillProc) sellInTheMainWindow(t *testing.T) {
	p.keys(t, []string{"type", "12.5"}, []string{"key", "plus"}, []string{"key", "alt+2"}, []string{"key", "alt+2"})
	p.capture(t, p.window, p.shots("cashier"), func(img image.Image) bool { return !blank(img) })
	p.keys(t, []string{"key", "Return"})
	codeURL := ""
	p.capture(t, p.window, p.shots("customer-qr"), func(img image.Image) bool { codeURL = readQR(img); return codeURL != "" })
	p.pay(t, codeURL)
	p.capture(t, p.window, p.shots("receipt"), func(img image.Image) bool { return count(img, paidBg) > 20000 })
}

// sellWithACustomerWindow starts the next sale (Enter), gives the customer display its own
// window (F4) and sells with the QR there.
func (p *tillProc) sellWithACustomerWindow(t *testing.T, title string) {
	p.keys(t, []string{"key", "Return"}, []string{"key", "F4"})
	waitFor(t, 20*time.Second, "the customer window", func() bool {
		p.customer = p.findWindow(title)
		return p.customer != ""
	})
	// Xvfb has no window manager: put the customer's window beside the cashier's, as on a
	// second monitor. Someone clicked it: what the cashier types there still rings up.
	p.keys(t, []string{"windowmove", p.customer, "1110", "0"})
	p.focus(t, p.customer)
	p.keys(t, []string{"type", "8"}, []string{"key", "Return"})
	codeURL := ""
	p.capture(t, p.customer, p.shots("customer-window-qr"), func(img image.Image) bool { codeURL = readQR(img); return codeURL != "" })
	p.capture(t, p.window, p.shots("cashier-waiting"), func(img image.Image) bool { return !blank(img) })
	p.pay(t, codeURL)
	p.capture(t, p.customer, p.shots("customer-paid"), func(img image.Image) bool { return count(img, weChatGreen) > 800 })
}

// sellOtherWays takes cash, a payment code that asks for the password, and a sale whose
// prepay WeChat refuses until it is retried.
func (p *tillProc) sellOtherWays(t *testing.T) {
	// Cash: F3, the cash handed over, the change shown as it is typed, Enter.
	p.focus(t, p.window)
	p.keys(t, []string{"key", "Return"}, []string{"type", "18"}, []string{"key", "F3"}, []string{"type", "50"})
	time.Sleep(400 * time.Millisecond) // let the typed cash draw: "short" is red, the change is not
	p.capture(t, p.window, p.shots("cash"), func(img image.Image) bool { return !blank(img) && count(img, shortRed) < 50 })
	p.keys(t, []string{"key", "Return"})
	p.capture(t, p.window, p.shots("receipt-cash"), func(img image.Image) bool { return count(img, paidBg) > 20000 })

	// Payment code: F2, the scanner's 18 digits, Enter; the demo customer confirms (F6).
	p.keys(t, []string{"key", "Return"}, []string{"type", "6"}, []string{"key", "F2"})
	time.Sleep(400 * time.Millisecond) // let the panel draw
	p.capture(t, p.window, p.shots("code"), func(img image.Image) bool { return !blank(img) })
	p.keys(t, []string{"type", "134000000000000002"}, []string{"key", "Return"})
	time.Sleep(time.Second) // the sandbox answers USERPAYING at once
	p.capture(t, p.window, p.shots("user-paying"), func(img image.Image) bool { return !blank(img) })
	p.keys(t, []string{"key", "F6"})
	p.capture(t, p.window, p.shots("receipt-code"), func(img image.Image) bool { return count(img, paidBg) > 20000 })

	// WeChat refuses every prepay: the till retries, then stops and says nothing was
	// charged (red); once WeChat is back, F5 retries with the same order number.
	p.faults(t, http.MethodPut, `[{"kind":"systemerror","rate":1,"path":"/native"}]`)
	p.keys(t, []string{"key", "Return"}, []string{"type", "3"}, []string{"key", "Return"})
	p.capture(t, p.window, p.shots("stalled"), func(img image.Image) bool { return count(img, failBg) > 5000 })
	p.faults(t, http.MethodDelete, "")
	p.keys(t, []string{"key", "F5"})
	codeURL := ""
	p.capture(t, p.customer, p.shots("customer-window-qr-retried"), func(img image.Image) bool { codeURL = readQR(img); return codeURL != "" })
	p.pay(t, codeURL)
	p.capture(t, p.window, p.shots("receipt-retried"), func(img image.Image) bool { return count(img, paidBg) > 20000 })
}

// cashWhileWeChatIsUnreachable: the customer pays the QR while the till cannot reach
// WeChat, and the cashier takes cash. The receipt must warn that WeChat has not confirmed
// the order closed (red), not read like a plain cash sale.
func (p *tillProc) cashWhileWeChatIsUnreachable(t *testing.T) {
	p.focus(t, p.window)
	p.keys(t, []string{"key", "Return"}, []string{"type", "4"}, []string{"key", "Return"})
	codeURL := ""
	p.capture(t, p.customer, p.shots("customer-window-qr-4"), func(img image.Image) bool { codeURL = readQR(img); return codeURL != "" })
	p.faults(t, http.MethodPut, `[{"kind":"systemerror","rate":1,"path":"/out-trade-no/"}]`)
	p.pay(t, codeURL)
	p.keys(t, []string{"key", "F3"}, []string{"key", "Return"})
	p.capture(t, p.window, p.shots("receipt-unconfirmed-cash"), func(img image.Image) bool {
		return count(img, paidBg) > 20000 && count(img, dangerText) > 30
	})
	p.faults(t, http.MethodDelete, "")
}

// fullScreen: F11 at the cart makes the till fill the screen.
func (p *tillProc) fullScreen(t *testing.T) {
	p.keys(t, []string{"key", "Return"}, []string{"key", "F11"})
	waitFor(t, 10*time.Second, "the till to fill the screen", func() bool {
		out, _ := xdotool(p.display, "getwindowgeometry", p.window)
		return strings.Contains(out, "Geometry: 1920x1080")
	})
	p.capture(t, p.window, p.shots("fullscreen"), func(img image.Image) bool { return img.Bounds().Dx() == 1920 && !blank(img) })
}

// A damaged ledger must stop the till with a clear message, in the terminal and in a
// window (a cashier who starts it from an icon sees no terminal), and leave the file alone.
func TestGUIStartErrorIsShown(t *testing.T) {
	display := startXvfb(t)
	bin := binary(t)
	home := t.TempDir()
	data := filepath.Join(home, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	junk := bytes.Repeat([]byte("not a ledger "), 1000)
	ledger := filepath.Join(data, "ledger.db")
	if err := os.WriteFile(ledger, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--data", data)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "LANG=zh_CN.UTF-8",
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	p := &tillProc{cmd: cmd, display: display, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	var window string
	waitFor(t, 60*time.Second, "the error window", func() bool {
		window = p.findWindow("cannot start")
		return window != ""
	})
	p.capture(t, window, filepath.Join("build", "screenshots", "start-error.png"), func(img image.Image) bool { return !blank(img) })
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the error window did not close on SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(p.logs.String(), "账本无法打开 / cannot open the ledger") {
		t.Errorf("the terminal should say the ledger cannot be opened:\n%s", p.logs.String())
	}
	if after, _ := os.ReadFile(ledger); !bytes.Equal(after, junk) {
		t.Error("the damaged ledger was changed; it must be left for the owner to look at")
	}
}

// The colours the screens use for "paid" (ui/theme.go, ui/receiptview.go).
var (
	paidBg      = [3]uint8{0xE6, 0xF9, 0xEE}
	weChatGreen = [3]uint8{0x07, 0xC1, 0x60}
	shortRed    = [3]uint8{0xD3, 0x2F, 0x2F}
	failBg      = [3]uint8{0xFD, 0xEC, 0xEA}
	dangerText  = [3]uint8{0xF4, 0x43, 0x36} // Fyne's error colour: a warning in red
)

var customerWindowTitle = map[string]string{"zh-CN": "顾客屏", "en": "Customer display"}

// tillProc is a running wxtill under test.
type tillProc struct {
	cmd      *exec.Cmd
	display  string
	logs     *syncBuffer
	done     chan error
	window   string
	customer string // the customer display's own window, once opened
	sandbox  string // the demo sandbox's URL, from the log
	shots    func(name string) string
}

func startTill(t *testing.T, bin, display, lang string) *tillProc {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, "--data", filepath.Join(home, "data"), "--lang", lang)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "LANG=zh_CN.UTF-8",
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_DATA_HOME="+filepath.Join(home, "share"))
	p := &tillProc{cmd: cmd, display: display, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	waitFor(t, 60*time.Second, "the wxtill window", func() bool {
		p.window = p.findWindow("wxtill")
		return p.window != ""
	})
	m := regexp.MustCompile(`sandbox (http://127\.0\.0\.1:[0-9]+)`).FindStringSubmatch(p.logs.String())
	if m == nil {
		t.Fatalf("demo mode should log the sandbox's URL; output:\n%s", p.logs.String())
	}
	p.sandbox = m[1]
	return p
}

func (p *tillProc) findWindow(name string) string {
	out, _ := xdotool(p.display, "search", "--onlyvisible", "--name", name)
	w, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	return w
}

func (p *tillProc) keys(t *testing.T, steps ...[]string) {
	t.Helper()
	for _, args := range steps {
		if out, err := xdotool(p.display, args...); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
	}
}

// focus gives the keyboard to window (with no window manager, X keeps whatever focus the
// last mapped window asked for).
func (p *tillProc) focus(t *testing.T, window string) {
	t.Helper()
	waitFor(t, 10*time.Second, "keyboard focus on the main window", func() bool {
		_, _ = xdotool(p.display, "windowfocus", "--sync", window)
		time.Sleep(100 * time.Millisecond)
		out, _ := xdotool(p.display, "getwindowfocus")
		return strings.TrimSpace(out) == window
	})
}

// capture screenshots a window into path until ok accepts the picture.
func (p *tillProc) capture(t *testing.T, window, path string, ok func(image.Image) bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the screen for "+filepath.Base(path), func() bool {
		if err := exec.Command("import", "-display", p.display, "-window", window, path).Run(); err != nil {
			return false
		}
		img, err := loadPNG(path)
		return err == nil && ok(img)
	})
	t.Logf("screenshot: %s", path)
}

// pay pays the order behind codeURL through the sandbox's control endpoint, as the
// customer page does when a phone "scans" the code.
func (p *tillProc) pay(t *testing.T, codeURL string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"code_url": codeURL})
	resp, err := http.Post(p.sandbox+"/sandbox/pay", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("paying %s: %s %s", codeURL, resp.Status, reply)
	}
}

// faults sets (PUT, a JSON array) or clears (DELETE) the sandbox's injected faults.
func (p *tillProc) faults(t *testing.T, method, body string) {
	t.Helper()
	req, err := http.NewRequest(method, p.sandbox+"/sandbox/faults", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s /sandbox/faults: %s", method, resp.Status)
	}
}

// stop sends SIGTERM and expects a clean exit without panics.
func (p *tillProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("after SIGTERM the till exited with %v, want a clean exit 0; its output:\n%s", err, p.logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the till did not exit within 15 s of SIGTERM; output:\n%s", p.logs.String())
	}
	if strings.Contains(p.logs.String(), "panic") {
		t.Errorf("the till logged a panic:\n%s", p.logs.String())
	}
}

// readQR returns the text of the QR code in the picture, "" when there is none.
func readQR(img image.Image) string {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return ""
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return res.GetText()
}

// count is how many pixels have exactly colour c.
func count(img image.Image, c [3]uint8) int {
	n := 0
	b := img.Bounds()
	want := uint32(c[0])<<16 | uint32(c[1])<<8 | uint32(c[2])
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if pack(img, x, y) == want {
				n++
			}
		}
	}
	return n
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func loadPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// blank reports whether the image is (nearly) one colour: no window or nothing drawn.
func blank(img image.Image) bool {
	colours := map[uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			colours[pack(img, x, y)]++
		}
	}
	return len(colours) < 16 // text, buttons and the green banner give hundreds
}

func pack(img image.Image, x, y int) uint32 {
	r, g, b, _ := img.At(x, y).RGBA()
	return (r>>8)<<16 | (g>>8)<<8 | b>>8
}

func xdotool(display string, args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// startXvfb starts a private X server and returns its DISPLAY. Without Xvfb the test is
// skipped on a developer machine and fails in CI, where `make test` installs it.
func startXvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Xvfb is not installed; `make test` installs it through scripts/install-deps.sh")
		}
		t.Skip("Xvfb not installed; run `make test`, which installs it")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// -displayfd lets Xvfb pick a free display and tell us which.
	x := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cancel(); _ = x.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb exited without giving a display")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
