package pos

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rig is a Checkout on fakes: a fake clock, a fake WeChat and a fake ledger.
type rig struct {
	t   *testing.T
	clk *fakeClock
	gw  *fakeGateway
	led *fakeLedger
	co  *Checkout
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := newFakeClock()
	r := &rig{t: t, clk: clk, gw: newFakeGateway(clk), led: newFakeLedger()}
	co, err := NewCheckout(Config{Gateway: r.gw, Ledger: r.led, Clock: clk, TillID: "T01", Shop: "测试店"})
	if err != nil {
		t.Fatal(err)
	}
	r.co = co
	return r
}

func cartOf(amounts ...Money) Cart {
	var c Cart
	for i, a := range amounts {
		c.Lines = append(c.Lines, Line{SKU: string(rune('A' + i)), Name: "item", UnitPrice: a, Qty: 1})
	}
	return c
}

// recorder keeps a charge's updates and checks they never overlap.
type recorder struct {
	mu      sync.Mutex
	ups     []Update
	inside  atomic.Int32
	overlap atomic.Bool
}

func (rec *recorder) add(u Update) {
	if rec.inside.Add(1) > 1 {
		rec.overlap.Store(true)
	}
	rec.mu.Lock()
	rec.ups = append(rec.ups, u)
	rec.mu.Unlock()
	rec.inside.Add(-1)
}

func (rec *recorder) phases() []Phase {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []Phase
	for _, u := range rec.ups {
		if len(out) == 0 || out[len(out)-1] != u.Phase {
			out = append(out, u.Phase)
		}
	}
	return out
}

func (rec *recorder) saw(p Phase) bool {
	for _, q := range rec.phases() {
		if q == p {
			return true
		}
	}
	return false
}

// check asserts the updates' shape: one final update, the last, and no overlap.
func (rec *recorder) check(t *testing.T) Update {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.overlap.Load() {
		t.Error("updates were delivered concurrently")
	}
	if len(rec.ups) == 0 {
		t.Fatal("no updates")
	}
	for i, u := range rec.ups {
		if u.Phase.Final() != (i == len(rec.ups)-1) {
			t.Errorf("update %d of %d has phase %s", i+1, len(rec.ups), u.Phase)
		}
	}
	return rec.ups[len(rec.ups)-1]
}

// action is something a test does at an offset from the charge's start; cmd says it sends
// the charge a command (the driver then waits for the charge to take it).
type action struct {
	at  time.Duration
	do  func()
	cmd bool
}

// drive runs a charge on the fake clock until it is done: whenever the charge waits on a
// timer, time jumps to it; actions due before that timer run first.
func (r *rig) drive(ch *Charge, actions ...action) {
	r.t.Helper()
	start := r.clk.Now()
	last := 0
	for {
		id, at, ok := r.clk.nextTimer(r.t, last, ch.Done())
		if !ok {
			return
		}
		if len(actions) > 0 && start.Add(actions[0].at).Before(at) {
			a := actions[0]
			actions = actions[1:]
			r.clk.Set(start.Add(a.at))
			a.do()
			if a.cmd {
				r.clk.timerGone(r.t, id, ch.Done())
			}
			continue
		}
		r.clk.Set(at)
		last = id
	}
}

// native starts a Native charge of total and drives it to its end.
func (r *rig) native(total Money, actions ...action) (*Charge, *recorder, Update) {
	r.t.Helper()
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(total), rec.add)
	if err != nil {
		r.t.Fatal(err)
	}
	r.drive(ch, actions...)
	<-ch.Done()
	return ch, rec, rec.check(r.t)
}

func (r *rig) sale(no string) Sale {
	r.t.Helper()
	s, err := r.led.Sale(no)
	if err != nil {
		r.t.Fatalf("sale %s: %v", no, err)
	}
	return s
}

// noLiveOrders asserts WeChat has no order left open that no charge watches.
func (r *rig) noLiveOrders() {
	r.t.Helper()
	r.gw.mu.Lock()
	defer r.gw.mu.Unlock()
	r.gw.settleLocked()
	for no, o := range r.gw.orders {
		if o.state == TradeNotPay || o.state == TradeUserPaying {
			r.t.Errorf("order %s is still %s at WeChat", no, o.state)
		}
	}
}

func phasesEqual(got []Phase, want ...Phase) bool {
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
