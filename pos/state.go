package pos

// State is where a sale stands (DESIGN.md, "The sale and its states").
type State string

const (
	StatePending      State = "PENDING"       // recorded, before or during the first gateway call
	StateAwaiting     State = "AWAITING"      // WeChat order open: QR shown, or payment code in progress
	StatePaid         State = "PAID"          // money received (WeChat or cash)
	StateClosed       State = "CLOSED"        // cancelled or expired, and WeChat confirmed the order closed
	StateFailed       State = "FAILED"        // WeChat refused the payment (PAYERROR, REVOKED)
	StatePartRefunded State = "PART_REFUNDED" // paid, part of it refunded
	StateRefunded     State = "REFUNDED"      // paid, all of it refunded
)

// Method is how a sale is (or is to be) paid.
type Method string

const (
	MethodNative Method = "wechat_native" // merchant shows a QR, customer scans it
	MethodCode   Method = "wechat_code"   // customer shows a payment code (付款码), scanner reads it
	MethodCash   Method = "cash"
)

// Settled reports whether no more payment can happen: recovery leaves settled sales alone.
// PAID and the refund states are settled for payment; refunds have states of their own.
func (s State) Settled() bool {
	return s != StatePending && s != StateAwaiting
}

// transitions lists every legal change of state. WeChat's answer wins, so a CLOSED sale
// that WeChat reports paid (the customer paid while the cashier cancelled) may become PAID.
var transitions = map[State][]State{
	StatePending:      {StateAwaiting, StatePaid, StateClosed, StateFailed},
	StateAwaiting:     {StatePaid, StateClosed, StateFailed},
	StateClosed:       {StatePaid},
	StatePaid:         {StatePartRefunded, StateRefunded},
	StatePartRefunded: {StatePartRefunded, StateRefunded},
}

// CanTransition reports whether a sale may go from one state to another. Staying in the
// same state is always allowed (an update of other fields, or a repeated write).
func CanTransition(from, to State) bool {
	if from == to {
		return true
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Known reports whether s is one of the states above (guards against corrupt records).
func (s State) Known() bool {
	switch s {
	case StatePending, StateAwaiting, StatePaid, StateClosed, StateFailed, StatePartRefunded, StateRefunded:
		return true
	}
	return false
}
