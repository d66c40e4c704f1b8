package pos

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Checkout takes payments: it records each sale before any network call, drives WeChat
// Pay through the Gateway, watches orders until they settle and settles what a crash or
// an outage left open (Recover). One Checkout serves one till; it is safe for concurrent
// use.
//
// A UI calls: NewCheckout, SetCashier, StartNative / StartCode (→ *Charge: Cancel, Retry,
// TakeCash, Done, Last), PayCash, Refund / SettleRefund, Recover / StartRecovery. See
// docs/CHECKOUT.md.
type Checkout struct {
	cfg Config

	mu      sync.Mutex
	cashier string
	live    map[string]*Charge // charges running in this process, by out_trade_no

	// writeMu serialises the writes made outside a charge's own goroutine (recovery,
	// refunds), so two of them never read-modify-write the same sale at once.
	writeMu sync.Mutex
}

// Config is what a Checkout needs. Gateway, Ledger and TillID are required.
type Config struct {
	Gateway Gateway
	Ledger  Ledger
	Clock   Clock  // nil: SystemClock
	TillID  string // goes into every out_trade_no and into attach; letters and digits
	Shop    string // shop name, the first part of an order's description

	OrderTTL time.Duration // Native order life (time_expire); 0: DefaultOrderTTL
	Poll     PollSchedule  // zero: DefaultPollSchedule()
	Timeouts Timeouts      // zero fields: the defaults of DefaultTimeouts

	// CodeGiveUp is how long a payment-code charge waits for the customer's password
	// before it reverses the order; 0: DefaultCodeGiveUp.
	CodeGiveUp time.Duration
	// Ceiling is the largest sale this till takes; 0: DefaultCeiling.
	Ceiling Money
}

// Timeouts bound each gateway call so a dead network cannot hang a charge.
type Timeouts struct {
	Prepay time.Duration // prepay and payment-code calls
	Query  time.Duration // query calls while polling
	Close  time.Duration // close, reverse and refund calls
}

// Defaults.
const (
	DefaultOrderTTL   = 10 * time.Minute
	DefaultCodeGiveUp = 30 * time.Second
)

// DefaultTimeouts are the per-call bounds used when Config.Timeouts leaves a field zero.
func DefaultTimeouts() Timeouts {
	return Timeouts{Prepay: 8 * time.Second, Query: 4 * time.Second, Close: 6 * time.Second}
}

// Checkout errors a UI may want to tell apart.
var (
	ErrNoTill        = errors.New("checkout: till id is missing")
	ErrTooLittleCash = errors.New("cash tendered is less than the total")
	ErrAuthCode      = errors.New("payment code must be 18 digits starting with 10 to 15 (scan the customer's 付款码 again)")
	ErrNotPaid       = errors.New("sale is not paid: nothing to refund")
	ErrRefundTooMuch = errors.New("refund is more than what is left to refund on this sale")
	ErrChargeOver    = errors.New("this charge has already finished")
	ErrNotStalled    = errors.New("retry is only possible after a prepay failed")
)

// NewCheckout checks cfg and fills in its defaults.
func NewCheckout(cfg Config) (*Checkout, error) {
	if cfg.Gateway == nil || cfg.Ledger == nil {
		return nil, errors.New("checkout: a gateway and a ledger are required")
	}
	till := cleanTillID(cfg.TillID)
	if till == "" {
		return nil, ErrNoTill
	}
	cfg.TillID = till
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.OrderTTL <= 0 {
		cfg.OrderTTL = DefaultOrderTTL
	}
	if len(cfg.Poll.Steps) == 0 {
		cfg.Poll = DefaultPollSchedule()
	}
	cfg.Timeouts = cfg.Timeouts.withDefaults()
	if cfg.CodeGiveUp <= 0 {
		cfg.CodeGiveUp = DefaultCodeGiveUp
	}
	if cfg.Ceiling <= 0 {
		cfg.Ceiling = DefaultCeiling
	}
	return &Checkout{cfg: cfg, live: map[string]*Charge{}}, nil
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	if t.Prepay <= 0 {
		t.Prepay = d.Prepay
	}
	if t.Query <= 0 {
		t.Query = d.Query
	}
	if t.Close <= 0 {
		t.Close = d.Close
	}
	return t
}

// SetCashier names who is at the till; it goes on every sale and event from now on.
func (c *Checkout) SetCashier(name string) {
	c.mu.Lock()
	c.cashier = name
	c.mu.Unlock()
}

func (c *Checkout) currentCashier() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cashier
}

// TillID is the till's id as used in order numbers.
func (c *Checkout) TillID() string { return c.cfg.TillID }

// Phase is what a charge is doing, as the cashier and the customer should see it.
type Phase string

const (
	PhaseRecording Phase = "recording"   // writing the sale to the ledger
	PhasePreparing Phase = "preparing"   // asking WeChat for the order (prepay / codepay)
	PhaseAwaiting  Phase = "awaiting"    // QR up: Sale.CodeURL and Sale.ExpiresAt are set
	PhaseUserPay   Phase = "user_paying" // payment code: the customer is entering the password
	PhaseRetrying  Phase = "retrying"    // network trouble, still trying; Update.Err says what
	PhaseStalled   Phase = "stalled"     // prepay failed: Retry (same number), TakeCash or Cancel
	PhaseClosing   Phase = "closing"     // cancel/expiry: asking WeChat to close the order

	// Final phases: the charge's goroutine ends after sending one of these.
	PhasePaid    Phase = "paid"    // Sale.Method says how (WeChat or cash)
	PhaseClosed  Phase = "closed"  // cancelled; Sale.CloseWanted while WeChat has not confirmed
	PhaseExpired Phase = "expired" // the order's time ran out and it was closed
	PhaseFailed  Phase = "failed"  // WeChat refused the payment; Update.Reason says why
	PhaseError   Phase = "error"   // the till could not go on (ledger unwritable); Update.Err
	PhaseStopped Phase = "stopped" // the charge's context ended; recovery settles the sale
)

// Final reports whether p ends a charge.
func (p Phase) Final() bool {
	switch p {
	case PhasePaid, PhaseClosed, PhaseExpired, PhaseFailed, PhaseError, PhaseStopped:
		return true
	}
	return false
}

// Update is one step of a charge, delivered to the charge's callback from the charge's
// own goroutine, in order; the last one has a final Phase.
type Update struct {
	Phase  Phase
	Sale   Sale   // a copy of the sale as it stands (as recorded, except in PhaseRecording)
	Err    error  // the trouble behind PhaseRetrying, PhaseStalled, PhaseError, or a warning
	Reason string // WeChat's words for a failure (trade_state_desc or the error message)
}

// Change is the cash to hand back on a cash sale.
func (u Update) Change() Money { return u.Sale.Change() }

func (u Update) String() string {
	s := fmt.Sprintf("%s %s %s", u.Phase, u.Sale.OutTradeNo, u.Sale.State)
	if u.Err != nil {
		s += ": " + u.Err.Error()
	}
	return s
}

// Charge is one running WeChat charge. Its methods only ask; what happens is reported
// through the updates. They are safe to call from any goroutine, at any time.
type Charge struct {
	co         *Checkout
	outTradeNo string
	total      Money
	cmds       chan command
	done       chan struct{}
	onUpdate   func(Update)

	mu    sync.Mutex
	last  Update
	abort context.CancelFunc // cancels the gateway call in flight, when cancelling it is safe
}

type commandKind int

const (
	cmdCancel commandKind = iota + 1
	cmdRetry
	cmdCash
)

type command struct {
	kind     commandKind
	tendered Money
}

// OutTradeNo is the sale's number, known before anything is recorded.
func (ch *Charge) OutTradeNo() string { return ch.outTradeNo }

// Total is what the customer pays.
func (ch *Charge) Total() Money { return ch.total }

// Done is closed after the final update has been delivered.
func (ch *Charge) Done() <-chan struct{} { return ch.done }

// Last is the latest update sent (the final one once Done is closed).
func (ch *Charge) Last() Update {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.last
}

// Cancel gives up the charge: the order is queried (the customer may have just paid),
// then closed. The final update says paid or closed.
func (ch *Charge) Cancel() {
	ch.send(command{kind: cmdCancel})
}

// Retry asks for the prepay again with the same out_trade_no after PhaseStalled.
func (ch *Charge) Retry() error {
	if ch.Last().Phase != PhaseStalled {
		return ErrNotStalled
	}
	ch.send(command{kind: cmdRetry})
	return nil
}

// TakeCash switches the sale to cash (e.g. WeChat is down); ErrChargeOver when the
// charge has already ended. WeChat is asked first: when
// the customer has already paid by WeChat the final update says paid by WeChat and no
// cash must be taken. Otherwise the sale is recorded paid in cash at once and its WeChat
// order closed (now, or by recovery if WeChat cannot be reached).
func (ch *Charge) TakeCash(tendered Money) error {
	if tendered < ch.total {
		return ErrTooLittleCash
	}
	select {
	case <-ch.done:
		return ErrChargeOver // the final update says how it ended
	default:
	}
	ch.send(command{kind: cmdCash, tendered: tendered})
	return nil
}

// send queues cmd for the charge's goroutine and aborts a gateway call that may be aborted.
func (ch *Charge) send(cmd command) {
	select {
	case <-ch.done:
		return
	default:
	}
	select {
	case ch.cmds <- cmd:
	default:
		return // a queue full of requests: this one adds nothing (and the UI must not block)
	}
	if cmd.kind != cmdRetry {
		ch.mu.Lock()
		if ch.abort != nil {
			ch.abort()
		}
		ch.mu.Unlock()
	}
}

// emit records u as the latest update and hands it to the callback.
func (ch *Charge) emit(u Update) {
	u.Sale = u.Sale.clone()
	ch.mu.Lock()
	ch.last = u
	ch.mu.Unlock()
	if u.Phase.Final() {
		ch.co.forget(ch.outTradeNo) // all is written: recovery may look at the sale now
	}
	if ch.onUpdate != nil {
		ch.onUpdate(u)
	}
}

// StartNative starts a Native (QR) charge of cart. It returns at once; the sale is
// recorded, prepaid and watched by the charge's goroutine, which reports each step to
// onUpdate (which may be nil) until a final phase. The context ends the watching (the
// sale is then left for recovery); it does not close the order.
func (c *Checkout) StartNative(ctx context.Context, cart Cart, onUpdate func(Update)) (*Charge, error) {
	sale, err := c.newSale(cart, MethodNative)
	if err != nil {
		return nil, err
	}
	// Fixed before the prepay and recorded with the sale: a retried prepay must send the
	// same order, and recovery must know when the order ends. WeChat takes seconds.
	sale.ExpiresAt = sale.CreatedAt.Add(c.cfg.OrderTTL).Truncate(time.Second)
	ch := c.newCharge(sale, onUpdate)
	go ch.runNative(ctx, sale)
	return ch, nil
}

// StartCode starts a payment-code charge: authCode is the 18 digits the scanner read
// from the customer's phone. Updates as for StartNative (PhaseUserPay while the customer
// enters the password; the order is reversed when it does not settle in time).
func (c *Checkout) StartCode(ctx context.Context, cart Cart, authCode string, onUpdate func(Update)) (*Charge, error) {
	if !ValidAuthCode(authCode) {
		return nil, ErrAuthCode
	}
	sale, err := c.newSale(cart, MethodCode)
	if err != nil {
		return nil, err
	}
	ch := c.newCharge(sale, onUpdate)
	go ch.runCode(ctx, sale, authCode)
	return ch, nil
}

// PayCash records a cash sale of cart: tendered must cover the total; the sale's Change
// is what to hand back.
func (c *Checkout) PayCash(cart Cart, tendered Money) (Sale, error) {
	sale, err := c.newSale(cart, MethodCash)
	if err != nil {
		return Sale{}, err
	}
	if tendered < sale.Total {
		return Sale{}, ErrTooLittleCash
	}
	now := c.cfg.Clock.Now()
	sale.State, sale.Tendered, sale.PaidAt, sale.UpdatedAt = StatePaid, tendered, now, now
	ev := c.event(sale, "", "cash, tendered "+tendered.String())
	if err := c.createSale(&sale, ev); err != nil {
		return Sale{}, err
	}
	return sale, nil
}

func (c *Checkout) newCharge(sale Sale, onUpdate func(Update)) *Charge {
	ch := &Charge{
		co: c, outTradeNo: sale.OutTradeNo, total: sale.Total,
		cmds: make(chan command, 4), done: make(chan struct{}), onUpdate: onUpdate,
		last: Update{Phase: PhaseRecording, Sale: sale},
	}
	c.mu.Lock()
	c.live[sale.OutTradeNo] = ch
	c.mu.Unlock()
	return ch
}

// finish ends a charge: it is no longer live, so recovery may look at its sale.
func (ch *Charge) finish() {
	ch.co.forget(ch.outTradeNo)
	close(ch.done)
}

func (c *Checkout) forget(outTradeNo string) {
	c.mu.Lock()
	delete(c.live, outTradeNo)
	c.mu.Unlock()
}

// isLive reports whether a charge of this process is watching the sale.
func (c *Checkout) isLive(outTradeNo string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.live[outTradeNo]
	return ok
}
