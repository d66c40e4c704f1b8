package pos

import (
	"context"
	"testing"
	"time"
)

func TestNativePaid(t *testing.T) {
	r := newRig(t)
	var no string
	r.led.onWritten = func(s Sale) {
		if no == "" {
			no = s.OutTradeNo
			r.gw.payAfter(no, 12*time.Second)
		}
	}
	ch, rec, last := r.native(1250)
	if last.Phase != PhasePaid || last.Err != nil {
		t.Fatalf("final update %v", last)
	}
	if want := []Phase{PhaseRecording, PhasePreparing, PhaseAwaiting, PhasePaid}; !phasesEqual(rec.phases(), want...) {
		t.Errorf("phases %v, want %v", rec.phases(), want)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StatePaid || s.TransactionID == "" || s.Method != MethodNative || s.CodeURL == "" {
		t.Errorf("sale %+v", s)
	}
	if got := r.led.states(no); !statesEqual(got, StatePending, StateAwaiting, StatePaid) {
		t.Errorf("states %v", got)
	}
	// paid at 12 s: the 1.2 s grid from 3 s has slots at 11.4 s and 12.6 s
	if lat := s.PaidAt.Sub(s.CreatedAt); lat < 12*time.Second || lat > 13500*time.Millisecond {
		t.Errorf("detected %v after the start, want within 1.5 s of 12 s", lat)
	}
	if q := r.gw.count("query"); q < 8 || q > 10 {
		t.Errorf("%d queries for a payment at 12 s", q)
	}
	if last.Sale.State != StatePaid {
		t.Errorf("final update carries sale in %s", last.Sale.State)
	}
}

func statesEqual(got []State, want ...State) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestNativeExpires(t *testing.T) {
	r := newRig(t)
	ch, rec, last := r.native(500)
	if last.Phase != PhaseExpired || last.Err != nil {
		t.Fatalf("final %v", last)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StateClosed || s.CloseWanted {
		t.Errorf("sale %s close_wanted=%v", s.State, s.CloseWanted)
	}
	if !rec.saw(PhaseClosing) {
		t.Error("no closing phase")
	}
	if o, _ := r.gw.order(ch.OutTradeNo()); o.state != TradeClosed {
		t.Errorf("WeChat order %s", o.state)
	}
	// the budget: ≤ 32 queries in the first minute, then background checks only
	queries := r.gw.count("query")
	if queries > 32+24+28+2 {
		t.Errorf("%d queries over the order's 10 minutes", queries)
	}
	if got := r.clk.Now().Sub(s.CreatedAt); got < DefaultOrderTTL || got > DefaultOrderTTL+time.Second {
		t.Errorf("closed %v after the start, want at the expiry", got)
	}
}

func TestNativeCancel(t *testing.T) {
	r := newRig(t)
	var ch *Charge
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(800), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch, action{at: 5 * time.Second, do: ch.Cancel, cmd: true})
	last := rec.check(t)
	if last.Phase != PhaseClosed || last.Err != nil {
		t.Fatalf("final %v", last)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StateClosed || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
	r.noLiveOrders()
	// query before close: the customer may just have paid
	if r.gw.count("close") != 1 {
		t.Errorf("calls %v", r.gw)
	}
}

// The customer pays as the cashier cancels: close answers ORDERPAID, a query finds
// SUCCESS, and the sale is paid.
func TestNativePaidWhileClosing(t *testing.T) {
	r := newRig(t)
	r.gw.onCall = func(kind, no string) {
		if kind == "close" {
			r.gw.payNow(no)
		}
	}
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(800), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch, action{at: 4 * time.Second, do: ch.Cancel, cmd: true})
	last := rec.check(t)
	if last.Phase != PhasePaid || last.Err != nil {
		t.Fatalf("final %v", last)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StatePaid || s.CloseWanted || s.TransactionID == "" {
		t.Errorf("sale %+v", s)
	}
	if !rec.saw(PhaseClosing) {
		t.Error("no closing phase")
	}
}

// The prepay's answer is lost (WeChat made the order): the retry with the same number
// gets the same code_url, and there is one order at WeChat.
func TestNativePrepayAnswerLost(t *testing.T) {
	r := newRig(t)
	r.gw.fail("prepay", fakeFault{err: netErr(), afterWork: true})
	ch, rec, last := r.native(990, action{at: 20 * time.Second, do: func() { r.gw.payNow(r.gw.firstOrder()) }})
	if last.Phase != PhasePaid {
		t.Errorf("final %v", last)
	}
	if !rec.saw(PhaseRetrying) {
		t.Errorf("phases %v", rec.phases())
	}
	if n := r.gw.count("prepay"); n != 2 {
		t.Errorf("%d prepays", n)
	}
	if len(r.gw.orders) != 1 {
		t.Errorf("%d orders at WeChat", len(r.gw.orders))
	}
	s := r.sale(ch.OutTradeNo())
	if o, _ := r.gw.order(ch.OutTradeNo()); s.CodeURL != o.codeURL {
		t.Errorf("code_url %q, WeChat's %q", s.CodeURL, o.codeURL)
	}
	r.noLiveOrders()
}

// WeChat is down: after the automatic tries the cashier is asked; Retry uses the same
// number and the sale goes on.
func TestNativeStalledThenRetry(t *testing.T) {
	r := newRig(t)
	r.gw.fail("prepay", fakeFault{err: netErr()}, fakeFault{err: netErr()}, fakeFault{err: netErr()})
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(300), func(u Update) {
		rec.add(u)
		if u.Phase == PhaseAwaiting {
			r.gw.payNow(u.Sale.OutTradeNo)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, ch, PhaseStalled)
	if s := r.sale(ch.OutTradeNo()); s.State != StatePending || s.LastError == "" {
		t.Errorf("stalled sale %+v", s)
	}
	if err := ch.Retry(); err != nil {
		t.Fatal(err)
	}
	r.drive(ch)
	last := rec.check(t)
	if last.Phase != PhasePaid {
		t.Fatalf("final %v (phases %v)", last, rec.phases())
	}
	if n := r.gw.count("prepay"); n != 4 {
		t.Errorf("%d prepays, want 3 failed + 1", n)
	}
	if len(r.gw.orders) != 1 {
		t.Errorf("orders %d", len(r.gw.orders))
	}
}

// waitPhase drives the fake clock until the charge shows phase p.
func waitPhase(t *testing.T, ch *Charge, p Phase) {
	t.Helper()
	clk := ch.co.cfg.Clock.(*fakeClock)
	deadline := time.Now().Add(10 * time.Second)
	last := 0
	for ch.Last().Phase != p {
		if time.Now().After(deadline) {
			t.Fatalf("phase %s never came (last %v)", p, ch.Last())
		}
		clk.mu.Lock()
		var next *fakeTimer
		for _, tm := range clk.timers {
			if tm.id > last && (next == nil || tm.at.Before(next.at)) {
				next = tm
			}
		}
		clk.mu.Unlock()
		if next != nil {
			clk.Set(next.at)
			last = next.id
		}
		time.Sleep(time.Millisecond)
	}
}

// Cancel while the prepay is in flight: the call is cut short, the order (if any) is
// closed, the sale is closed.
func TestNativeCancelDuringPrepay(t *testing.T) {
	r := newRig(t)
	entered, release := r.gw.block("prepay")
	defer release()
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(450), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	<-entered
	ch.Cancel()
	<-ch.Done()
	last := rec.check(t)
	if last.Phase != PhaseClosed || last.Err != nil {
		t.Fatalf("final %v", last)
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StateClosed || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
	if r.gw.count("close") != 1 {
		t.Errorf("calls %v: a prepay cut short may have made an order, so it must be closed", r.gw)
	}
	r.noLiveOrders()
}

// A refused prepay makes no order: cancelling needs no WeChat call.
func TestNativeRejectedPrepay(t *testing.T) {
	r := newRig(t)
	r.gw.fail("prepay", fakeFault{err: rejectedErr("PARAM_ERROR")})
	rec := &recorder{}
	ch, _ := r.co.StartNative(context.Background(), cartOf(450), rec.add)
	waitPhase(t, ch, PhaseStalled)
	if u := ch.Last(); u.Reason == "" || ClassOf(u.Err) != ClassRejected {
		t.Errorf("stalled update %v reason %q", u, u.Reason)
	}
	ch.Cancel()
	<-ch.Done()
	if last := rec.check(t); last.Phase != PhaseClosed {
		t.Fatalf("final %v", last)
	}
	if r.gw.count("close") != 0 || r.gw.count("query") != 0 {
		t.Errorf("calls %v", r.gw)
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StateClosed {
		t.Errorf("sale %s", s.State)
	}
}

// FREQUENCY_LIMITED and network errors slow the polling down (backoff), then it resumes.
func TestNativeBackoff(t *testing.T) {
	r := newRig(t)
	r.gw.fail("query", fakeFault{err: limitErr()}, fakeFault{err: limitErr()}, fakeFault{err: limitErr()}, fakeFault{err: netErr()})
	var no string
	r.led.onWritten = func(s Sale) {
		if no == "" {
			no = s.OutTradeNo
			r.gw.payAfter(no, 40*time.Second)
		}
	}
	_, rec, last := r.native(100)
	if last.Phase != PhasePaid {
		t.Fatalf("final %v", last)
	}
	if !rec.saw(PhaseRetrying) {
		t.Error("no retrying phase")
	}
	if n := r.gw.count("query"); n < 5 {
		t.Fatalf("%d queries", n)
	}
	gaps := queryGaps(r)
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		if gaps[i] < w {
			t.Errorf("gap after failure %d is %v, want ≥ %v (gaps %v)", i+1, gaps[i], w, gaps[:5])
		}
	}
}

// queryGaps returns the time between successive queries, from the fake gateway's log.
func queryGaps(r *rig) []time.Duration {
	r.gw.mu.Lock()
	defer r.gw.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(r.gw.queryTimes); i++ {
		out = append(out, r.gw.queryTimes[i].Sub(r.gw.queryTimes[i-1]))
	}
	return out
}

func TestNativeLedgerDown(t *testing.T) {
	r := newRig(t)
	r.led.failWrites(1)
	_, _, last := r.native(100)
	if last.Phase != PhaseError || last.Err == nil {
		t.Fatalf("final %v", last)
	}
	if len(r.gw.calls) != 0 {
		t.Errorf("WeChat called before the sale was recorded: %v", r.gw)
	}
}

// The charge's context ends while awaiting: the sale stays for recovery, which closes it.
func TestNativeStoppedThenRecovered(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{}
	ch, _ := r.co.StartNative(ctx, cartOf(100), rec.add)
	waitPhase(t, ch, PhaseAwaiting)
	cancel()
	<-ch.Done()
	if last := rec.check(t); last.Phase != PhaseStopped {
		t.Fatalf("final %v", last)
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StateAwaiting {
		t.Fatalf("sale %s", s.State)
	}
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionClosed || res[0].After != string(StateClosed) {
		t.Fatalf("recover %+v %v", res, err)
	}
	r.noLiveOrders()
}
