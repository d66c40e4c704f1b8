package pos

import (
	"context"
	"time"
)

// codePollSchedule watches a payment-code order while the customer enters the password:
// WeChat advises a first query after about 5 s.
var codePollSchedule = PollSchedule{
	First:       5 * time.Second,
	Steps:       []PollStep{{Until: time.Hour, Every: 3 * time.Second}},
	BackoffBase: time.Second,
	BackoffMax:  8 * time.Second,
}

// runCode is the goroutine of a payment-code charge: record, codepay, poll while the
// customer confirms, reverse when it does not settle in time.
func (ch *Charge) runCode(ctx context.Context, sale Sale, authCode string) {
	defer ch.finish()
	r := newRun(ctx, ch, sale)
	if !r.record() {
		return
	}
	r.emit(PhasePreparing, nil, "")
	sent := r.now()
	st, err := r.payCode(authCode)
	failpoint(FailAfterPrepay)
	switch {
	case err == nil && r.applyFinal(st, PhaseClosed):
		return
	case err == nil:
		r.stillOpen(st, PhaseUserPay)
	case ClassOf(err) == ClassRejected: // refused outright: no money moved
		r.failed(reasonOf(err))
		return
	default: // the outcome is unknown: ask until the deadline, then reverse
		r.emit(PhaseRetrying, err, "")
	}
	r.poll(pollPlan{
		start:    sent,
		schedule: codePollSchedule,
		deadline: sent.Add(r.cfg().CodeGiveUp),
		onExpiry: PhaseExpired,
		why:      "the customer did not confirm in time",
		steady:   PhaseUserPay,
	})
}

// payCode sends the payment code. It is not cut short by a cancel: its answer may say
// the money has moved.
func (r *run) payCode(authCode string) (OrderStatus, error) {
	r.mayExist = true
	var st OrderStatus
	err := r.call(r.cfg().Timeouts.Prepay, false, func(ctx context.Context) error {
		var err error
		st, err = r.gw().PayCode(ctx, CodeOrder{
			OutTradeNo:  r.sale.OutTradeNo,
			Description: r.sale.Description,
			Total:       r.sale.Total,
			AuthCode:    authCode,
			Attach:      r.sale.TillID,
		})
		return err
	})
	return st, err
}
