package pos

import (
	"context"
	"fmt"
	"time"
)

const recoveryActor = "recovery"

// recoverSale settles one sale from WeChat's answer.
func (c *Checkout) recoverSale(ctx context.Context, s Sale) Recovered {
	rec := Recovered{OutTradeNo: s.OutTradeNo, Method: s.Method, Total: s.Total,
		Before: string(s.State), After: string(s.State), Flag: s.Flag}
	if c.isLive(s.OutTradeNo) {
		rec.Action = ActionSkipped
		return rec
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	cur, err := c.cfg.Ledger.Sale(s.OutTradeNo) // as it is now, under the lock
	if err != nil {
		return rec.failed(err)
	}
	if !cur.NeedsRecovery() {
		rec.Action, rec.After = ActionSkipped, string(cur.State)
		return rec
	}
	next, action, note, err := c.settle(ctx, cur)
	rec.WeChat = note
	if err != nil {
		c.noteTrouble(cur, err)
		return rec.failed(err)
	}
	if err := c.save(&cur, next, recoveryActor, fmt.Sprintf("recovery: WeChat %s → %s", note, action)); err != nil {
		return rec.failed(err)
	}
	rec.Action, rec.After, rec.Flag, rec.Method = action, string(next.State), next.Flag, next.Method
	return rec
}

func (rec Recovered) failed(err error) Recovered {
	rec.Action, rec.Error = ActionRetry, err.Error()
	if code := CodeOf(err); code != "" {
		rec.WeChat = code
	}
	return rec
}

// noteTrouble keeps the latest trouble on the sale, for people; failing to is harmless.
func (c *Checkout) noteTrouble(s Sale, err error) {
	next := s.clone()
	next.LastError = err.Error()
	_ = c.save(&s, next, recoveryActor, "recovery: "+err.Error())
}

// settle works out what s becomes: it returns the next sale, the action taken and what
// WeChat said; an error leaves the sale for the next round.
func (c *Checkout) settle(ctx context.Context, s Sale) (Sale, string, string, error) {
	st, err := c.queryOnce(ctx, s.OutTradeNo)
	switch {
	case ClassOf(err) == ClassNotFound && err != nil && c.codeMayStillPay(s):
		return s, ActionWaiting, CodeOf(err), nil // a codepay on its way may still land
	case ClassOf(err) == ClassNotFound && err != nil: // WeChat never got the order
		return closedSale(s), ActionClosed, CodeOf(err), nil
	case err != nil:
		return s, ActionRetry, "", err
	}
	if next, action, ok := finalFromStatus(s, st, c.cfg.Clock.Now()); ok {
		return next, action, string(st.State), nil
	}
	if c.codeMayStillPay(s) {
		return s, ActionWaiting, string(st.State), nil // the customer may still confirm
	}
	return c.cancelForRecovery(ctx, s, string(st.State))
}

// codeMayStillPay reports whether s is a payment-code sale the till has not given up
// and whose customer may still be paying: a live charge waits CodeGiveUp for it.
func (c *Checkout) codeMayStillPay(s Sale) bool {
	return orderKind(s) == MethodCode && !s.CloseWanted && !paidState(s.State) &&
		c.cfg.Clock.Now().Before(s.CreatedAt.Add(c.cfg.CodeGiveUp))
}

// finalFromStatus is the sale's end when st is final.
func finalFromStatus(s Sale, st OrderStatus, now time.Time) (Sale, string, bool) {
	code := orderKind(s) == MethodCode
	switch st.State {
	case TradeSuccess, TradeRefund:
		return paidSale(s, st, now), ActionPaid, true
	case TradeClosed:
		return closedSale(s), ActionClosed, true
	case TradeRevoked:
		if code && !s.CloseWanted && !paidState(s.State) {
			return failedSale(s, orDefault(st.StateDesc, "REVOKED")), ActionFailed, true
		}
		return closedSale(s), ActionReversed, true
	case TradePayError:
		return failedSale(s, orDefault(st.StateDesc, "PAYERROR")), ActionFailed, true
	}
	return s, "", false
}

// cancelForRecovery closes (Native) or reverses (payment code) an order nobody watches
// any more. CloseWanted is recorded first, so that a crash here is recovered the same way.
func (c *Checkout) cancelForRecovery(ctx context.Context, s Sale, said string) (Sale, string, string, error) {
	if !s.CloseWanted {
		next := s.clone()
		next.CloseWanted = true
		if err := c.save(&s, next, recoveryActor, "recovery: nobody watches this open order: closing it"); err != nil {
			return s, ActionRetry, said, err
		}
	}
	failpoint(FailBeforeClose)
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeouts.Close)
	err := cancelAtWeChat(cctx, c.cfg.Gateway, s)
	cancel()
	failpoint(FailDuringClose)
	action := ActionClosed
	if orderKind(s) == MethodCode {
		action = ActionReversed
	}
	switch ClassOf(err) {
	case ClassNotFound:
		err = nil
	case ClassSettled: // paid or closed meanwhile: ask which
		st, qerr := c.queryOnce(ctx, s.OutTradeNo)
		if qerr != nil {
			return s, ActionRetry, said, qerr
		}
		if next, act, ok := finalFromStatus(s, st, c.cfg.Clock.Now()); ok {
			return next, act, string(st.State), nil
		}
	}
	if err != nil {
		return s, ActionRetry, said, err
	}
	return closedSale(s), action, said, nil
}

func (c *Checkout) queryOnce(ctx context.Context, outTradeNo string) (OrderStatus, error) {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeouts.Query)
	defer cancel()
	return c.cfg.Gateway.Query(cctx, outTradeNo)
}
