package pos

import (
	"context"
	"errors"
	"time"
)

// autoPrepayTries is how many times a prepay is tried on network trouble before the
// cashier is asked (PhaseStalled): enough to ride out a blip, few enough to keep the
// customer waiting no more than a few seconds.
const autoPrepayTries = 3

// runNative is the goroutine of a Native charge: record, prepay, poll, settle.
func (ch *Charge) runNative(ctx context.Context, sale Sale) {
	defer ch.finish()
	r := newRun(ctx, ch, sale)
	if !r.record() || !r.prepay() {
		return
	}
	r.poll(pollPlan{
		start:    r.now(),
		schedule: r.cfg().Poll,
		deadline: r.sale.ExpiresAt,
		onExpiry: PhaseExpired,
		why:      "the order expired",
		steady:   PhaseAwaiting,
	})
}

// prepay gets the order's code_url, retrying with the same number. It reports whether
// the order is open (false: the charge is over).
func (r *run) prepay() bool {
	tries := 0
	for {
		r.emit(PhasePreparing, nil, "")
		url, err := r.prepayOnce()
		failpoint(FailAfterPrepay)
		tries++
		switch {
		case err == nil:
			return r.opened(url)
		case r.interrupted():
			if over := r.takeInterruption(); over {
				return false
			}
			continue
		case ClassOf(err) == ClassSettled: // a repeated prepay of an order already final
			if st, qerr := r.query(true); qerr == nil && r.applyFinal(st, PhaseClosed) {
				return false
			}
		case ClassOf(err) == ClassRetry && tries < autoPrepayTries:
			r.emit(PhaseRetrying, err, "")
			if out, cmd := r.wait(r.cfg().Poll.Backoff(tries)); out != waitTimer && r.over(out, cmd) {
				return false
			}
			continue
		}
		if !r.stall(err) {
			return false
		}
		tries = 0
	}
}

// prepayOnce sends the prepay; it keeps track of whether an order may now exist.
func (r *run) prepayOnce() (string, error) {
	before := r.mayExist
	r.mayExist = true
	var url string
	err := r.call(r.cfg().Timeouts.Prepay, true, func(ctx context.Context) error {
		var err error
		url, err = r.gw().PrepayNative(ctx, NativeOrder{
			OutTradeNo:  r.sale.OutTradeNo,
			Description: r.sale.Description,
			Total:       r.sale.Total,
			ExpiresAt:   r.sale.ExpiresAt,
			Attach:      r.sale.TillID,
		})
		return err
	})
	if errors.Is(err, errInterrupted) || (err != nil && ClassOf(err) == ClassRejected) {
		r.mayExist = before // not sent, or refused: no order was made by this call
	}
	if err == nil && url == "" {
		err = &GatewayError{Class: ClassRetry, Code: "EMPTY_CODE_URL", Message: "WeChat answered without a code_url"}
	}
	return url, err
}

// opened records the open order and puts the QR up.
func (r *run) opened(url string) bool {
	next := r.sale.clone()
	next.State, next.CodeURL, next.LastError = StateAwaiting, url, ""
	err := r.save(next, "prepay ok")
	if err != nil {
		r.sale = next // the QR must go up anyway; recovery finds the sale by its number
	}
	r.emit(PhaseAwaiting, err, "")
	return true
}

// stall tells the cashier the prepay failed and waits for Retry, TakeCash or Cancel. It
// reports whether to prepay again.
func (r *run) stall(err error) bool {
	next := r.sale.clone()
	next.LastError = err.Error()
	_ = r.save(next, "prepay failed: "+err.Error()) // only a note: the sale is PENDING either way
	r.emit(PhaseStalled, err, reasonOf(err))
	for {
		out, cmd := r.wait(-1)
		if out == waitCommand && cmd.kind == cmdRetry {
			return true
		}
		if r.over(out, cmd) {
			return false
		}
	}
}

// takeInterruption handles what cut a call short: a command or the end of the context.
// It reports whether the charge is over.
func (r *run) takeInterruption() bool {
	select {
	case cmd := <-r.ch.cmds:
		return r.handle(cmd)
	default:
		r.stop()
		return true
	}
}

// over handles a wait that did not end by its timer; it reports whether the charge is over.
func (r *run) over(out waitOutcome, cmd command) bool {
	if out == waitStopped {
		r.stop()
		return true
	}
	return r.handle(cmd)
}

// pollPlan is how an open order is watched.
type pollPlan struct {
	start    time.Time
	schedule PollSchedule
	deadline time.Time // give up (close or reverse) here
	onExpiry Phase     // the final phase when the deadline passes
	why      string
	steady   Phase // the phase shown while all is well
}

// poll queries the order on the plan's schedule until it settles, the cashier acts, the
// deadline passes or the context ends.
func (r *run) poll(p pollPlan) {
	last := time.Duration(-1) // offset of the last query sent
	var lastSent time.Time
	failures, answered := 0, false
	for {
		if !r.now().Before(p.deadline) {
			r.giveUp(p.onExpiry, p.why)
			return
		}
		at := p.start.Add(p.schedule.NextAfter(last))
		if b := lastSent.Add(p.schedule.Backoff(failures)); failures > 0 && b.After(at) {
			at = b
		}
		if at.After(p.deadline) {
			at = p.deadline
		}
		if out, cmd := r.wait(max(0, at.Sub(r.now()))); out != waitTimer {
			if r.over(out, cmd) {
				return
			}
			continue
		}
		if !r.now().Before(p.deadline) {
			continue
		}
		lastSent = r.now()
		last = lastSent.Sub(p.start)
		st, err := r.query(true)
		if err != nil {
			if !r.interrupted() {
				failures++
				r.emit(PhaseRetrying, err, "")
			}
			continue
		}
		if r.applyFinal(st, PhaseClosed) {
			return
		}
		if failures > 0 || r.phase != p.steady {
			failures = 0
			r.stillOpen(st, p.steady)
		}
		if !answered {
			answered = true
			failpoint(FailAwaiting)
		}
	}
}

// stillOpen notes an order WeChat reports open (NOTPAY, USERPAYING).
func (r *run) stillOpen(st OrderStatus, steady Phase) {
	var err error
	if r.sale.State == StatePending { // a payment-code order WeChat now knows
		next := r.sale.clone()
		next.State = StateAwaiting
		err = r.save(next, "WeChat: "+string(st.State))
	}
	r.emit(steady, err, "")
}
