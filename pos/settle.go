package pos

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// How a sale ends, shared by charges and recovery. WeChat's answer wins: whatever the
// till wanted, an order WeChat reports paid is recorded paid.

// ErrPaidTwice: WeChat took the money after the cashier took cash for the same sale.
var ErrPaidTwice = errors.New("the customer also paid by WeChat: give the cash back or refund the WeChat payment / 顾客已用微信支付，请退还现金或退款")

// ErrAlreadyPaid: the cashier asked for cash but WeChat had already been paid.
var ErrAlreadyPaid = errors.New("already paid by WeChat: take no cash / 已微信支付，请勿收取现金")

// paidSale is s recorded as paid the way WeChat reports in st. A sale already paid in
// cash keeps its cash and is flagged: both payments are on the record, none is lost.
func paidSale(s Sale, st OrderStatus, now time.Time) Sale {
	next := s.clone()
	next.TransactionID = st.TransactionID
	next.CloseWanted, next.LastError = false, ""
	switch {
	case s.Method == MethodCash && paidState(s.State): // also after a refund of the cash
		next.Flag = FlagPaidTwice
		return next
	case paidState(s.State) && s.State != StatePaid: // paid by WeChat and refunded since
		return next
	}
	next.State = StatePaid
	next.PaidAt = st.SuccessTime
	if next.PaidAt.IsZero() {
		next.PaidAt = now
	}
	return next
}

// paidState reports whether a sale in state s has been paid (and maybe refunded since).
func paidState(s State) bool {
	return s == StatePaid || s == StatePartRefunded || s == StateRefunded
}

// closedSale is s once WeChat has confirmed its order closed (or never made it). A sale
// paid in cash meanwhile stays paid (and refunded, when it was).
func closedSale(s Sale) Sale {
	next := s.clone()
	next.CloseWanted, next.LastError = false, ""
	if !paidState(next.State) {
		next.State = StateClosed
	}
	return next
}

// failedSale is s once WeChat has refused its payment.
func failedSale(s Sale, reason string) Sale {
	next := s.clone()
	next.CloseWanted, next.LastError = false, reason
	if !paidState(next.State) {
		next.State = StateFailed
	}
	return next
}

// paidNote describes a payment for the event log, noting an amount WeChat disagrees on.
func paidNote(s Sale, st OrderStatus) string {
	note := fmt.Sprintf("WeChat: %s %s", st.State, st.TransactionID)
	if st.Total != 0 && st.Total != s.Total {
		note += fmt.Sprintf(" (WeChat's total %s differs from the sale's %s)", st.Total, s.Total)
	}
	return note
}

// reasonOf is WeChat's words for err, for people.
func reasonOf(err error) string {
	var ge *GatewayError
	if errors.As(err, &ge) && ge.Message != "" {
		return ge.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// applyFinal settles the sale when st is final; it reports whether it was. final is the
// phase to report for a closed order.
func (r *run) applyFinal(st OrderStatus, final Phase) bool {
	switch st.State {
	case TradeSuccess, TradeRefund:
		r.paid(st)
	case TradeClosed, TradeRevoked:
		if orderKind(r.sale) == MethodCode && !r.sale.CloseWanted && !paidState(r.sale.State) {
			r.failed(orDefault(st.StateDesc, "WeChat "+string(st.State)))
			return true
		}
		r.finishClosed(final)
	case TradePayError:
		r.failed(orDefault(st.StateDesc, "PAYERROR"))
	default:
		return false
	}
	return true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// paid records the payment WeChat reports and ends the charge.
func (r *run) paid(st OrderStatus) {
	failpoint(FailAfterSuccess)
	wasCash := paidState(r.sale.State) && r.sale.Method == MethodCash
	next := paidSale(r.sale, st, r.now())
	err := r.save(next, paidNote(r.sale, st))
	if err != nil {
		r.sale = next // the customer has paid: say so; recovery records it from WeChat
	}
	switch {
	case err != nil:
	case wasCash:
		err = ErrPaidTwice
	case r.cashWanted:
		err = ErrAlreadyPaid // the switch to cash came too late
	}
	r.emit(PhasePaid, err, "")
}

// failed records WeChat's refusal and ends the charge.
func (r *run) failed(reason string) {
	err := r.save(failedSale(r.sale, reason), "WeChat refused: "+reason)
	r.emit(PhaseFailed, err, reason)
}

// finishClosed records the order closed and ends the charge with phase final (PhasePaid
// when the sale was switched to cash).
func (r *run) finishClosed(final Phase) {
	err := r.save(closedSale(r.sale), "WeChat order closed")
	if paidState(r.sale.State) {
		final = PhasePaid
	}
	r.emit(final, err, "")
}

// giveUp ends an order the till no longer wants (cancel, expiry): query first (the
// customer may just have paid), then close (Native) or reverse (payment code).
func (r *run) giveUp(final Phase, why string) {
	if !r.mayExist {
		err := r.save(closedSale(r.sale), why+"; no WeChat order was made")
		r.emit(final, err, "")
		return
	}
	r.emit(PhaseClosing, nil, "")
	next := r.sale.clone()
	next.CloseWanted = true
	if err := r.save(next, why); err != nil {
		r.sale = next // go on: closing at WeChat matters more than the note
	}
	failpoint(FailBeforeClose)
	if st, err := r.query(false); err == nil && r.applyFinal(st, final) {
		return
	}
	r.afterCancel(r.cancelOrder(), final)
}

// takeCash switches the sale to cash: WeChat is asked first; then the cash is recorded
// at once and the WeChat order closed (or left to recovery with CloseWanted).
func (r *run) takeCash(tendered Money) {
	r.cashWanted = true
	if r.mayExist {
		r.emit(PhaseClosing, nil, "")
		st, err := r.query(false)
		if err == nil && (st.State == TradeSuccess || st.State == TradeRefund) {
			r.paid(st)
			return
		}
		if err == nil && (st.State == TradeClosed || st.State == TradeRevoked || st.State == TradePayError) {
			r.mayExist = false // closed, revoked or failed: nothing left to close (any other answer: close it)
		}
	}
	next := r.sale.clone()
	next.State, next.Method, next.Tendered, next.PaidAt = StatePaid, MethodCash, tendered, r.now()
	next.CloseWanted, next.LastError = r.mayExist, ""
	if err := r.save(next, "switched to cash, tendered "+tendered.String()); err != nil {
		r.emit(PhaseError, err, "")
		return
	}
	if !r.mayExist {
		r.emit(PhasePaid, nil, "")
		return
	}
	failpoint(FailBeforeClose)
	r.afterCancel(r.cancelOrder(), PhasePaid)
}

// cancelOrder asks WeChat to close a Native order or reverse a payment-code one.
func (r *run) cancelOrder() error {
	err := r.call(r.cfg().Timeouts.Close, false, func(ctx context.Context) error {
		return cancelAtWeChat(ctx, r.gw(), r.sale)
	})
	failpoint(FailDuringClose)
	return err
}

func cancelAtWeChat(ctx context.Context, gw Gateway, s Sale) error {
	if orderKind(s) == MethodCode {
		return gw.Reverse(ctx, s.OutTradeNo)
	}
	return gw.Close(ctx, s.OutTradeNo)
}

// ErrPaidUnconfirmed: WeChat refused to close the order because it is paid, and the
// payment could not be fetched yet; recovery records it.
var ErrPaidUnconfirmed = errors.New("WeChat says this order is already paid (ORDERPAID) but did not answer the query: take no other payment; recovery records it / 微信称订单已支付，请勿重复收款")

// settledTries is how many times a charge asks about an order WeChat would not close
// because it is settled before it leaves it to recovery: the cashier must not hear
// "cancelled" about an order the customer has paid.
const settledTries = 4

// afterCancel settles the sale from the close (or reverse) answer err.
func (r *run) afterCancel(err error, final Phase) {
	switch ClassOf(err) {
	case ClassNotFound: // WeChat never had the order: nothing to close
		err = nil
	case ClassSettled: // ORDERPAID or ORDER_CLOSED: ask which, until WeChat answers
		st, qerr := r.querySettled()
		if qerr == nil && r.applyFinal(st, final) {
			return
		}
		if CodeOf(err) == "ORDERPAID" {
			err = fmt.Errorf("%w (%v)", ErrPaidUnconfirmed, err)
		}
	}
	if err == nil {
		r.finishClosed(final)
		return
	}
	// WeChat could not be told: keep CloseWanted so that recovery closes it later.
	next := r.sale.clone()
	next.LastError = err.Error()
	_ = r.save(next, "close not confirmed: "+err.Error())
	r.emit(final, err, reasonOf(err))
}

// querySettled asks about an order WeChat called settled, a few times with backoff (a
// blip must not hide a payment); it is not cut short by the cashier.
func (r *run) querySettled() (OrderStatus, error) {
	var st OrderStatus
	var err error
	for try := 0; try < settledTries; try++ {
		if try > 0 {
			timer, stop := startTimer(r.cfg().Clock, r.cfg().Poll.Backoff(try))
			<-timer
			stop()
		}
		if st, err = r.query(false); err == nil {
			return st, nil
		}
	}
	return st, err
}
