package pos

import (
	"context"
	"errors"
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
	ActionClosed   = "closed"   // closed (or found closed) at WeChat: recorded closed
	ActionReversed = "reversed" // payment-code order reversed
	ActionFailed   = "failed"   // WeChat says the payment failed
	ActionWaiting  = "waiting"  // still open and may still be paid: left for later
	ActionSkipped  = "skipped"  // a charge of this process is watching it
	ActionRetry    = "retry"    // WeChat could not be reached or refused: try again later
	ActionRefund   = "refund"   // a refund's state was brought up to date
)

// Recover settles now every sale that needs it (Sale.NeedsRecovery) and every unsettled
// refund, and says what it did, one Recovered each. Sales watched by a live charge of this
// Checkout are skipped. An error means the ledger could not be read.
func (c *Checkout) Recover(ctx context.Context) ([]Recovered, error) {
	_ = ctx
	return nil, errors.New("not implemented yet")
}

// StartRecovery runs Recover now and then every interval (0: 3 minutes) until stop is
// called or ctx ends; each round's results go to report (which may be nil), from one
// goroutine.
func (c *Checkout) StartRecovery(ctx context.Context, every time.Duration, report func([]Recovered, error)) (stop func()) {
	_, _, _ = ctx, every, report
	return func() {}
}
