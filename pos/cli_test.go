package pos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// runCLI runs RunCharge on the rig, moving the fake clock to each timer in turn;
// interruptAt (if > 0) cancels the interrupt context at that offset.
func (r *rig) runCLI(opt ChargeOptions, interruptAt time.Duration) (int, string) {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan int)
	go func() { done <- RunCharge(ctx, r.co, opt, &out) }()
	start := r.clk.Now()
	for {
		select {
		case code := <-done:
			return code, out.String()
		default:
		}
		r.clk.mu.Lock()
		var next *fakeTimer
		for _, tm := range r.clk.timers {
			if next == nil || tm.at.Before(next.at) {
				next = tm
			}
		}
		r.clk.mu.Unlock()
		switch {
		case next == nil:
			time.Sleep(200 * time.Microsecond)
		case interruptAt > 0 && start.Add(interruptAt).Before(next.at):
			r.clk.Set(start.Add(interruptAt))
			interruptAt = 0
			cancel()
			time.Sleep(time.Millisecond)
		default:
			r.clk.Set(next.at)
		}
	}
}

func parseEvents(t *testing.T, out string) []chargeEvent {
	t.Helper()
	var evs []chargeEvent
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var ev chargeEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		evs = append(evs, ev)
	}
	return evs
}

func eventNames(evs []chargeEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Event)
	}
	return out
}

func TestRunCharge(t *testing.T) {
	tests := []struct {
		name      string
		opt       ChargeOptions
		payAfter  time.Duration
		down      bool
		interrupt time.Duration
		code      int
		events    string
	}{
		{name: "paid", opt: ChargeOptions{Amount: 1250, JSON: true}, payAfter: 5 * time.Second, code: ExitPaid, events: "awaiting paid"},
		{name: "timed out", opt: ChargeOptions{Amount: 1250, JSON: true, Wait: 20 * time.Second}, code: ExitTimedOut, events: "awaiting closing closed"},
		{name: "ctrl-c", opt: ChargeOptions{Amount: 1250, JSON: true}, interrupt: 7 * time.Second, code: ExitClosed, events: "awaiting closing closed"},
		{name: "paid and refunded", opt: ChargeOptions{Amount: 1250, JSON: true, Refund: 250}, payAfter: 4 * time.Second, code: ExitPaid, events: "awaiting paid refund refunded"},
		{name: "WeChat down", opt: ChargeOptions{Amount: 1250, JSON: true}, down: true, code: ExitError, events: "retrying retrying stalled closing closed"},
		{name: "demo", opt: ChargeOptions{Amount: 100, JSON: true, DemoPage: "http://127.0.0.1:1/"}, payAfter: 3 * time.Second, code: ExitPaid, events: "demo awaiting paid"},
		{name: "bad amount", opt: ChargeOptions{Amount: 0, JSON: true}, code: ExitError, events: "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.payAfter > 0 {
				r.led.onWritten = func(s Sale) { r.gw.payAfter(s.OutTradeNo, tt.payAfter) }
			}
			if tt.down {
				for i := 0; i < autoPrepayTries; i++ {
					r.gw.fail("prepay", fakeFault{err: netErr()})
				}
				r.gw.fail("query", fakeFault{err: netErr()})
				r.gw.fail("close", fakeFault{err: netErr()})
			}
			code, out := r.runCLI(tt.opt, tt.interrupt)
			evs := parseEvents(t, out)
			if got := strings.Join(eventNames(evs), " "); code != tt.code || got != tt.events {
				t.Fatalf("exit %d events %q, want %d %q", code, got, tt.code, tt.events)
			}
			for _, e := range evs {
				if e.Event == "awaiting" && (e.CodeURL == "" || e.OutTradeNo == "" || e.ExpiresAt == "" || e.Amount != tt.opt.Amount.Yuan()) {
					t.Errorf("awaiting event %+v", e)
				}
				if e.Event == "refunded" && e.State != string(RefundSuccess) {
					t.Errorf("refunded event %+v", e)
				}
			}
		})
	}
}

func TestRunChargeText(t *testing.T) {
	r := newRig(t)
	r.led.onWritten = func(s Sale) { r.gw.payAfter(s.OutTradeNo, 3*time.Second) }
	code, text := r.runCLI(ChargeOptions{Amount: 990, Description: "测试"}, 0)
	for _, want := range []string{"订单号 / order: T01-", "¥9.90", "weixin://", "█", "已支付 / paid"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if code != ExitPaid {
		t.Errorf("exit %d", code)
	}
}

func TestRunRecover(t *testing.T) {
	r := newRig(t)
	ctx, stop := context.WithCancel(context.Background())
	ch, _ := r.co.StartNative(ctx, cartOf(100), nil)
	waitPhase(t, ch, PhaseAwaiting)
	stop()
	<-ch.Done()
	var out bytes.Buffer
	if code := RunRecover(context.Background(), r.co, RecoverOptions{JSON: true}, &out); code != ExitPaid {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	var rec Recovered
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec.Action != ActionClosed || rec.OutTradeNo != ch.OutTradeNo() {
		t.Fatalf("%q: %+v %v", out.String(), rec, err)
	}
	out.Reset()
	if code := RunRecover(context.Background(), r.co, RecoverOptions{}, &out); code != ExitPaid || !strings.Contains(out.String(), "0 项") {
		t.Errorf("second run: %d %q", code, out.String())
	}
	// WeChat down: the sale is left and the exit code says so
	ctx2, stop2 := context.WithCancel(context.Background())
	ch2, _ := r.co.StartNative(ctx2, cartOf(100), nil)
	waitPhase(t, ch2, PhaseAwaiting)
	stop2()
	<-ch2.Done()
	r.gw.fail("query", fakeFault{err: netErr()})
	out.Reset()
	if code := RunRecover(context.Background(), r.co, RecoverOptions{}, &out); code != ExitUnsettled || !strings.Contains(out.String(), "retry") {
		t.Errorf("WeChat down: %d %q", code, out.String())
	}
}
