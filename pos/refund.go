package pos

import (
	"context"
	"errors"
	"fmt"
)

// Refund gives back amount (all or part of what is left) of a paid sale. The refund is
// recorded (PENDING) before WeChat is asked, then saved with WeChat's answer
// (PROCESSING or SUCCESS); a refund whose answer was lost stays PENDING and is settled
// by SettleRefund or Recover, which ask again with the same out_refund_no. A refund of a
// sale paid only in cash is recorded SUCCESS at once (the cashier hands the cash back).
// The sale's Refunded and state change when a refund succeeds.
//
// The refund is returned as recorded, also with an error when WeChat could not be
// reached (it stays PENDING) or refused it (it is CLOSED, LastError says why).
func (c *Checkout) Refund(ctx context.Context, outTradeNo string, amount Money, reason string) (Refund, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	sale, err := c.cfg.Ledger.Sale(outTradeNo)
	if err != nil {
		return Refund{}, fmt.Errorf("sale %s: %w", outTradeNo, err)
	}
	if err := c.checkRefundable(sale, amount); err != nil {
		return Refund{}, err
	}
	now := c.cfg.Clock.Now()
	r := Refund{
		OutRefundNo: NewOutRefundNo(c.cfg.TillID, now), OutTradeNo: outTradeNo,
		Amount: amount, Reason: CutUTF8(reason, 80), State: RefundPending,
		Actor: orDefault(c.currentCashier(), "owner"), CreatedAt: now, UpdatedAt: now,
	}
	if sale.Method == MethodCash && sale.TransactionID == "" { // cash only: nothing to ask WeChat
		r.Method = MethodCash
		return c.applyRefund(r, RefundStatus{State: RefundSuccess, SuccessTime: now})
	}
	r.Method = sale.WeChatMethod() // also for a cash sale that WeChat was paid for too
	if err := c.cfg.Ledger.SaveRefund(r, nil, Event{}); err != nil {
		return Refund{}, fmt.Errorf("recording the refund failed / 退款记录失败: %w", err)
	}
	failpoint(FailRefundRecord)
	return c.sendRefund(ctx, r, sale.Total)
}

// checkRefundable says why amount cannot be refunded on sale, if it cannot.
func (c *Checkout) checkRefundable(sale Sale, amount Money) error {
	if sale.State != StatePaid && sale.State != StatePartRefunded {
		return fmt.Errorf("%w (%s is %s)", ErrNotPaid, sale.OutTradeNo, sale.State)
	}
	if amount <= 0 {
		return ErrAmountZero
	}
	refunds, err := c.cfg.Ledger.Refunds(sale.OutTradeNo)
	if err != nil {
		return err
	}
	committed := Money(0)
	for _, r := range refunds {
		if r.State != RefundClosed && r.State != RefundAbnormal {
			committed += r.Amount
		}
	}
	if amount > sale.Total-committed {
		return fmt.Errorf("%w (at most %s)", ErrRefundTooMuch, sale.Total-committed)
	}
	return nil
}

// sendRefund asks WeChat for a recorded refund (again, with the same number) and saves
// the answer.
func (c *Checkout) sendRefund(ctx context.Context, r Refund, total Money) (Refund, error) {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeouts.Close)
	st, err := c.cfg.Gateway.Refund(cctx, RefundRequest{
		OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo, Amount: r.Amount, Total: total, Reason: r.Reason,
	})
	cancel()
	failpoint(FailDuringRefund)
	if err != nil {
		return c.refundTrouble(r, err)
	}
	return c.applyRefund(r, st)
}

// refundTrouble records a failed refund call: refused (CLOSED, no money moved) or not
// known (stays PENDING for the next try).
func (c *Checkout) refundTrouble(r Refund, err error) (Refund, error) {
	r.LastError = err.Error()
	r.UpdatedAt = c.cfg.Clock.Now()
	if ClassOf(err) == ClassRejected {
		r.State = RefundClosed
	}
	if serr := c.cfg.Ledger.SaveRefund(r, nil, Event{}); serr != nil {
		return r, errors.Join(err, serr)
	}
	return r, err
}

// applyRefund saves WeChat's answer about r; on success the sale's Refunded and state
// change in the same write. It returns r as saved.
func (c *Checkout) applyRefund(r Refund, st RefundStatus) (Refund, error) {
	now := c.cfg.Clock.Now()
	r.State = st.State
	if r.State == "" || r.State == RefundPending {
		r.State = RefundProcessing // accepted, result to come
	}
	if st.RefundID != "" {
		r.RefundID = st.RefundID
	}
	r.LastError, r.UpdatedAt = "", now
	if r.State != RefundSuccess {
		return r, c.cfg.Ledger.SaveRefund(r, nil, Event{})
	}
	r.SucceededAt = st.SuccessTime
	if r.SucceededAt.IsZero() {
		r.SucceededAt = now
	}
	sale, err := c.cfg.Ledger.Sale(r.OutTradeNo)
	if err != nil {
		return r, err
	}
	refunded, err := c.refundedWith(r)
	if err != nil {
		return r, err
	}
	next := sale.clone()
	next.Refunded, next.UpdatedAt = refunded, now
	next.State = StatePartRefunded
	if refunded >= sale.Total {
		next.State = StateRefunded
	}
	ev := Event{OutTradeNo: sale.OutTradeNo, At: now, From: sale.State, To: next.State, Actor: r.Actor,
		Note: fmt.Sprintf("refund %s of %s succeeded", r.OutRefundNo, r.Amount)}
	return r, c.cfg.Ledger.SaveRefund(r, &next, ev)
}

// refundedWith sums the sale's successful refunds, counting r as successful.
func (c *Checkout) refundedWith(r Refund) (Money, error) {
	refunds, err := c.cfg.Ledger.Refunds(r.OutTradeNo)
	if err != nil {
		return 0, err
	}
	sum := r.Amount
	for _, o := range refunds {
		if o.OutRefundNo != r.OutRefundNo && o.State == RefundSuccess {
			sum += o.Amount
		}
	}
	return sum, nil
}

// SettleRefund asks WeChat about a refund not yet settled (sending it again, with the
// same number, when WeChat never got it) and saves the answer.
func (c *Checkout) SettleRefund(ctx context.Context, outRefundNo, outTradeNo string) (Refund, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	refunds, err := c.cfg.Ledger.Refunds(outTradeNo)
	if err != nil {
		return Refund{}, err
	}
	for _, r := range refunds {
		if r.OutRefundNo == outRefundNo {
			return c.settleRefund(ctx, r)
		}
	}
	return Refund{}, fmt.Errorf("refund %s: %w", outRefundNo, ErrNotFound)
}

func (c *Checkout) settleRefund(ctx context.Context, r Refund) (Refund, error) {
	if r.State.Settled() {
		return r, nil
	}
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeouts.Query)
	st, err := c.cfg.Gateway.QueryRefund(cctx, r.OutRefundNo)
	cancel()
	switch {
	case err == nil:
		return c.applyRefund(r, st)
	case ClassOf(err) == ClassNotFound && r.State == RefundPending: // never arrived: send it again
		sale, serr := c.cfg.Ledger.Sale(r.OutTradeNo)
		if serr != nil {
			return r, serr
		}
		return c.sendRefund(ctx, r, sale.Total)
	}
	return r, err
}
