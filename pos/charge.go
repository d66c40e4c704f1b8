package pos

import (
	"context"
	"errors"
	"time"
)

// run is the state of one charge's goroutine. Only that goroutine touches it.
type run struct {
	ch         *Charge
	co         *Checkout
	ctx        context.Context
	sale       Sale // as last recorded (or about to be, before the first write)
	mayExist   bool // a WeChat order with this number may exist: giving up must close it
	cashWanted bool // the cashier asked to switch to cash
	phase      Phase
}

// errInterrupted: a call was not made (or was cut short) because the cashier asked for
// something else.
var errInterrupted = errors.New("interrupted by the cashier")

func newRun(ctx context.Context, ch *Charge, sale Sale) *run {
	return &run{ch: ch, co: ch.co, ctx: ctx, sale: sale, phase: PhaseRecording}
}

func (r *run) now() time.Time { return r.co.cfg.Clock.Now() }
func (r *run) gw() Gateway    { return r.co.cfg.Gateway }
func (r *run) cfg() *Config   { return &r.co.cfg }
func (r *run) actor() string  { return actorOf(r.sale) }

// orderKind is the kind of WeChat order behind s (Sale.WeChatMethod).
func orderKind(s Sale) Method { return s.WeChatMethod() }

func actorOf(s Sale) string {
	if s.Cashier != "" {
		return s.Cashier
	}
	return "cashier"
}

// emit sends an update for the sale as it stands.
func (r *run) emit(p Phase, err error, reason string) {
	r.phase = p
	r.ch.emit(Update{Phase: p, Sale: r.sale, Err: err, Reason: reason})
}

// record writes the new sale before any network call.
func (r *run) record() bool {
	r.emit(PhaseRecording, nil, "")
	ev := r.co.event(r.sale, "", "recorded before "+string(r.sale.Method))
	if err := r.co.cfg.Ledger.CreateSale(r.sale, ev); err != nil {
		r.emit(PhaseError, errors.Join(errors.New("recording the sale failed / 交易记录失败"), err), "")
		return false
	}
	failpoint(FailAfterRecord)
	return true
}

// save records next; a failure is returned for the caller to report.
func (r *run) save(next Sale, note string) error {
	return r.co.save(&r.sale, next, r.actor(), note)
}

// call runs one gateway call with a deadline. An abortable call is cut short when the
// cashier cancels or takes cash (its outcome is then unknown, which the caller handles
// like a network error); the others run to their deadline even if the context ends, so
// that a close or a reverse is not left half-said.
func (r *run) call(timeout time.Duration, abortable bool, f func(context.Context) error) error {
	base := r.ctx
	if !abortable {
		base = context.WithoutCancel(r.ctx)
	}
	ctx, cancel := context.WithTimeout(base, timeout)
	defer cancel()
	if abortable {
		if r.interrupted() {
			return errInterrupted
		}
		r.ch.setAbort(cancel)
		defer r.ch.setAbort(nil)
	}
	return f(ctx)
}

// interrupted reports whether a command waits or the context has ended.
func (r *run) interrupted() bool { return len(r.ch.cmds) > 0 || r.ctx.Err() != nil }

func (ch *Charge) setAbort(f context.CancelFunc) {
	ch.mu.Lock()
	ch.abort = f
	ch.mu.Unlock()
}

// waitOutcome is what ended a wait.
type waitOutcome int

const (
	waitTimer waitOutcome = iota + 1
	waitCommand
	waitStopped
)

// wait sleeps for d (forever when d < 0) unless a command comes or the context ends.
func (r *run) wait(d time.Duration) (waitOutcome, command) {
	var timer <-chan time.Time
	if d >= 0 {
		var stop func()
		timer, stop = startTimer(r.cfg().Clock, d)
		defer stop()
	}
	select {
	case cmd := <-r.ch.cmds:
		return waitCommand, cmd
	case <-r.ctx.Done():
		return waitStopped, command{}
	case <-timer:
		return waitTimer, command{}
	}
}

// query asks WeChat about the order.
func (r *run) query(abortable bool) (OrderStatus, error) {
	var st OrderStatus
	err := r.call(r.cfg().Timeouts.Query, abortable, func(ctx context.Context) error {
		var err error
		st, err = r.gw().Query(ctx, r.sale.OutTradeNo)
		return err
	})
	return st, err
}

// stop ends a charge whose context ended: the sale stays as recorded for recovery.
func (r *run) stop() {
	r.emit(PhaseStopped, r.ctx.Err(), "")
}

// handle carries out a cashier's command while the order is open. It reports whether
// the charge is over.
func (r *run) handle(cmd command) bool {
	switch cmd.kind {
	case cmdCancel:
		r.giveUp(PhaseClosed, "cancelled by the cashier")
		return true
	case cmdCash:
		r.takeCash(cmd.tendered)
		return true
	}
	return false // Retry means nothing while the order is open
}

// stoppableClock is a Clock whose timers can be stopped. A charge's wait uses it when the
// clock offers it, so that a wait ended by a command leaves no timer behind (the tests'
// clock relies on this to know when a charge is idle).
type stoppableClock interface {
	Timer(d time.Duration) (<-chan time.Time, func())
}

func startTimer(c Clock, d time.Duration) (<-chan time.Time, func()) {
	if sc, ok := c.(stoppableClock); ok {
		return sc.Timer(d)
	}
	if _, ok := c.(SystemClock); ok {
		t := time.NewTimer(d)
		return t.C, func() { t.Stop() }
	}
	return c.After(d), func() {}
}
