package main

// Tests of the real binary: what a person gets from `make run`. They use the binary that
// `make build` made (WXTILL_BIN) or build one, and run the GUI under Xvfb.

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestGUISmoke starts the till under Xvfb, waits for its window, saves a screenshot and
// checks that the picture is not blank and that SIGTERM ends the program cleanly.
func TestGUISmoke(t *testing.T) {
	display := startXvfb(t)
	bin := binary(t)
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			shot := filepath.Join("build", "screenshots", "cashier-"+lang+".png")
			runTill(t, bin, display, lang, shot)
		})
	}
}

func runTill(t *testing.T, bin, display, lang, shot string) {
	home := t.TempDir()
	cmd := exec.Command(bin, "--data", filepath.Join(home, "data"), "--lang", lang)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "LANG=zh_CN.UTF-8",
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_DATA_HOME="+filepath.Join(home, "share"))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	}()

	var window string
	waitFor(t, 60*time.Second, "the wxtill window", func() bool {
		out, _ := xdotool(display, "search", "--onlyvisible", "--name", "wxtill")
		window, _, _ = strings.Cut(strings.TrimSpace(out), "\n")
		return window != ""
	})
	// Ring up a little sale by keyboard, as a cashier would, so the picture shows a cart.
	for _, keys := range [][]string{{"type", "12.5"}, {"key", "Return"}, {"key", "alt+2"}, {"key", "alt+2"}} {
		if out, err := xdotool(display, keys...); err != nil {
			t.Fatalf("xdotool %v: %v %s", keys, err, out)
		}
	}
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "a drawn (not blank) window", func() bool {
		time.Sleep(300 * time.Millisecond) // let the last keys draw
		if err := exec.Command("import", "-display", display, "-window", window, shot).Run(); err != nil {
			return false
		}
		return !blank(shot)
	})

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM the till exited with %v, want a clean exit 0; its output:\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the till did not exit within 15 s of SIGTERM; output:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the till logged a panic:\n%s", logs.String())
	}
	t.Logf("screenshot: %s", shot)
}

// blank reports whether the image is (nearly) one colour: no window or nothing drawn.
func blank(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return true
	}
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
	x := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
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
