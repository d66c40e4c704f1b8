package pos

import (
	"context"
	"sync"
	"time"
)

// Recovered says what recovery found and did about one sale or refund.
type Recovered struct {
	OutTradeNo  string `json:"out_trade_no"`
	OutRefundNo string `json:"out_refund_no,omitempty"` // set when this is about a refund
	Method      Method `json:"method,omitempty"`
	Total       Money  `json:"total"`
	Before      string `json:"before"`           // state before (a sale's State or a refund's RefundState)
	After       string `json:"after"`            // state after
	WeChat      string `json:"wechat,omitempty"` // what WeChat said (trade_state or error code)
	Action      string `json:"action"`           // what recovery did: see the Action* constants
	Flag        string `json:"flag,omitempty"`
	Error       string `json:"error,omitempty"` // why it is left unsettled, for people
}

// Recovery actions.
const (
	ActionPaid     = "paid"     // WeChat says paid: recorded paid
	ActionClosed   = "closed"   // closed (or found closed, or never made) at WeChat: recorded closed
	ActionReversed = "reversed" // payment-code order reversed: recorded closed
	ActionFailed   = "failed"   // WeChat says the payment failed
	ActionWaiting  = "waiting"  // a payment-code order the customer may still confirm: left for later
	ActionSkipped  = "skipped"  // a charge of this process is watching it
	ActionRetry    = "retry"    // WeChat could not be reached, or the ledger not written: next round
	ActionRefund   = "refund"   // a refund's state was brought up to date
)

// Recover settles now every sale that needs it (Sale.NeedsRecovery) and every unsettled
// refund, and says what it did, one Recovered each. The rules (docs/CHECKOUT.md): WeChat
// is asked about each sale; paid is recorded paid; an open order nobody watches any more
// is closed (Native) or reversed (payment code, once the customer's time is up); an order
// WeChat never got is recorded closed. Sales watched by a live charge of this Checkout
// are skipped. An error means the ledger could not be read.
func (c *Checkout) Recover(ctx context.Context) ([]Recovered, error) {
	sales, err := c.cfg.Ledger.UnsettledSales()
	if err != nil {
		return nil, err
	}
	var out []Recovered
	for _, s := range sales {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if !s.NeedsRecovery() { // a ledger that lists more than it must
			continue
		}
		out = append(out, c.recoverSale(ctx, s))
	}
	refunds, err := c.cfg.Ledger.UnsettledRefunds()
	if err != nil {
		return out, err
	}
	for _, r := range refunds {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		out = append(out, c.recoverRefund(ctx, r))
	}
	return out, nil
}

// StartRecovery runs Recover now and then every interval (0: 3 minutes) until stop is
// called or ctx ends; each round's results go to report (which may be nil), from one
// goroutine. stop waits for a round in progress to end.
func (c *Checkout) StartRecovery(ctx context.Context, every time.Duration, report func([]Recovered, error)) (stop func()) {
	if every <= 0 {
		every = 3 * time.Minute
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			res, err := c.Recover(ctx)
			if report != nil && ctx.Err() == nil {
				report(res, err)
			}
			select {
			case <-ctx.Done():
				return
			case <-c.cfg.Clock.After(every):
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// recoverRefund brings one refund up to date.
func (c *Checkout) recoverRefund(ctx context.Context, r Refund) Recovered {
	rec := Recovered{OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo, Total: r.Amount,
		Before: string(r.State), Action: ActionRefund}
	got, err := c.SettleRefund(ctx, r.OutRefundNo, r.OutTradeNo)
	rec.After = string(got.State)
	if err != nil {
		rec.Action, rec.Error, rec.WeChat = ActionRetry, err.Error(), CodeOf(err)
	}
	return rec
}
