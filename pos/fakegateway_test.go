package pos

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// fakeGateway is a small model of WeChat Pay's order book for the pos unit tests: orders
// are paid at a time the test chooses (by the fake clock), and each call kind can be
// made to fail, to lose its answer (do the work, then fail) or to block.
type fakeGateway struct {
	clk *fakeClock

	mu      sync.Mutex
	orders  map[string]*fakeOrder
	refunds map[string]*RefundStatus
	faults  map[string][]fakeFault     // by call kind: used one by one, in order
	blocks  map[string]chan struct{}   // by call kind: the call waits for close or ctx
	entered map[string]chan struct{}   // by call kind: closed when a blocked call starts
	calls   []string                   // "kind no", in order
	payAt   map[string]time.Duration   // by out_trade_no: pay this long after creation
	code    func(o CodeOrder) codePlan // payment-code behaviour
	onCall  func(kind, no string)      // runs before a call's work, without the lock

	queryTimes []time.Time // when each query was sent
}

type fakeOrder struct {
	no, codeURL string
	kind        Method
	total       Money
	state       TradeState
	created     time.Time
	payAt       time.Time // zero: nobody pays
	txID        string
}

// codePlan is what a payment code does: the first answer, and when it settles.
type codePlan struct {
	state TradeState    // SUCCESS, USERPAYING, PAYERROR
	payIn time.Duration // USERPAYING: SUCCESS this long after (0: never)
	err   error         // refuse the call with this error
}

type fakeFault struct {
	err       error
	afterWork bool // do the work, then fail: the answer is lost
}

func newFakeGateway(clk *fakeClock) *fakeGateway {
	return &fakeGateway{clk: clk, orders: map[string]*fakeOrder{}, refunds: map[string]*RefundStatus{},
		faults: map[string][]fakeFault{}, blocks: map[string]chan struct{}{}, entered: map[string]chan struct{}{},
		payAt: map[string]time.Duration{}}
}

// Errors as the payment package classes them.
func netErr() error {
	return &GatewayError{Class: ClassRetry, Code: "NETWORK", Message: "connection refused"}
}
func limitErr() error {
	return &GatewayError{Class: ClassRetry, Code: "FREQUENCY_LIMITED", Message: "too fast", HTTPStatus: 429}
}
func notFoundErr() error {
	return &GatewayError{Class: ClassNotFound, Code: "ORDER_NOT_EXIST", Message: "no such order", HTTPStatus: 404}
}
func orderPaidErr() error {
	return &GatewayError{Class: ClassSettled, Code: "ORDERPAID", Message: "order paid", HTTPStatus: 400}
}
func rejectedErr(code string) error {
	return &GatewayError{Class: ClassRejected, Code: code, Message: "refused: " + code, HTTPStatus: 403}
}

// fail queues faults for a call kind.
func (g *fakeGateway) fail(kind string, ff ...fakeFault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults[kind] = append(g.faults[kind], ff...)
}

// block makes calls of kind wait until release is called (or their context ends).
func (g *fakeGateway) block(kind string) (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, e := make(chan struct{}), make(chan struct{})
	g.blocks[kind], g.entered[kind] = b, e
	var once sync.Once
	return e, func() { once.Do(func() { close(b) }) }
}

// payAfter makes the next order created pay d after its creation.
func (g *fakeGateway) payAfter(no string, d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.payAt[no] = d
	if o := g.orders[no]; o != nil {
		o.payAt = o.created.Add(d)
	}
}

// payNow pays an open order at once, as a customer would.
func (g *fakeGateway) payNow(no string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if o := g.orders[no]; o != nil && (o.state == TradeNotPay || o.state == TradeUserPaying) {
		o.state, o.txID = TradeSuccess, "42000"+no
	}
}

func (g *fakeGateway) count(kind string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.calls {
		if strings.HasPrefix(c, kind+" ") {
			n++
		}
	}
	return n
}

func (g *fakeGateway) order(no string) (fakeOrder, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settleLocked()
	o, ok := g.orders[no]
	if !ok {
		return fakeOrder{}, false
	}
	return *o, true
}

// enter records the call and applies its fault or block. It returns the fault to give
// after the work (when afterWork), or an error to give instead of the work.
func (g *fakeGateway) enter(ctx context.Context, kind, no string) (before, after error) {
	g.mu.Lock()
	g.calls = append(g.calls, kind+" "+no)
	if kind == "query" {
		g.queryTimes = append(g.queryTimes, g.clk.Now())
	}
	var f *fakeFault
	if q := g.faults[kind]; len(q) > 0 {
		f, g.faults[kind] = &q[0], q[1:]
	}
	b, e := g.blocks[kind], g.entered[kind]
	delete(g.blocks, kind)
	delete(g.entered, kind)
	g.mu.Unlock()
	if b != nil {
		close(e)
		select {
		case <-b:
		case <-ctx.Done():
			return &GatewayError{Class: ClassRetry, Code: "NETWORK", Message: "request cancelled", Err: ctx.Err()}, nil
		}
	}
	if f == nil {
		return nil, nil
	}
	if f.afterWork {
		return nil, f.err
	}
	return f.err, nil
}

// settleLocked pays the orders whose time has come.
func (g *fakeGateway) settleLocked() {
	now := g.clk.Now()
	for _, o := range g.orders {
		if (o.state == TradeNotPay || o.state == TradeUserPaying) && !o.payAt.IsZero() && !now.Before(o.payAt) {
			o.state, o.txID = TradeSuccess, "42000"+o.no
		}
	}
}

// call wraps one gateway call: records it, blocks when asked, and applies a fault (a
// plain fault replaces the work; an afterWork fault lets the work happen and loses the
// answer). work runs under the lock, after due orders are paid.
func (g *fakeGateway) call(ctx context.Context, kind, no string, work func() error) error {
	before, after := g.enter(ctx, kind, no)
	if before != nil {
		return before
	}
	g.mu.Lock()
	hook := g.onCall
	g.mu.Unlock()
	if hook != nil {
		hook(kind, no)
	}
	g.mu.Lock()
	g.settleLocked()
	err := work()
	g.mu.Unlock()
	if after != nil {
		return after
	}
	return err
}

func (g *fakeGateway) PrepayNative(ctx context.Context, o NativeOrder) (string, error) {
	var url string
	err := g.call(ctx, "prepay", o.OutTradeNo, func() error {
		ord, ok := g.orders[o.OutTradeNo]
		if !ok {
			ord = &fakeOrder{no: o.OutTradeNo, codeURL: "weixin://wxpay/bizpayurl?pr=" + o.OutTradeNo, kind: MethodNative,
				total: o.Total, state: TradeNotPay, created: g.clk.Now()}
			if d, ok := g.payAt[o.OutTradeNo]; ok {
				ord.payAt = ord.created.Add(d)
			}
			g.orders[o.OutTradeNo] = ord
		}
		switch {
		case ord.total != o.Total:
			return rejectedErr("INVALID_REQUEST")
		case ord.state == TradeSuccess:
			return orderPaidErr()
		case ord.state == TradeClosed:
			return &GatewayError{Class: ClassSettled, Code: "ORDER_CLOSED", Message: "closed"}
		}
		url = ord.codeURL
		return nil
	})
	return url, err
}

func (g *fakeGateway) status(o *fakeOrder) OrderStatus {
	st := OrderStatus{OutTradeNo: o.no, State: o.state, Total: o.total}
	if o.state == TradeSuccess {
		st.TransactionID, st.PayerTotal, st.SuccessTime = o.txID, o.total, g.clk.Now()
	}
	return st
}

func (g *fakeGateway) Query(ctx context.Context, no string) (OrderStatus, error) {
	var st OrderStatus
	err := g.call(ctx, "query", no, func() error {
		o, ok := g.orders[no]
		if !ok {
			return notFoundErr()
		}
		st = g.status(o)
		return nil
	})
	return st, err
}

func (g *fakeGateway) Close(ctx context.Context, no string) error {
	return g.call(ctx, "close", no, func() error {
		o, ok := g.orders[no]
		switch {
		case !ok:
			return notFoundErr()
		case o.state == TradeSuccess:
			return orderPaidErr()
		}
		o.state = TradeClosed
		return nil
	})
}

func (g *fakeGateway) PayCode(ctx context.Context, c CodeOrder) (OrderStatus, error) {
	var st OrderStatus
	err := g.call(ctx, "paycode", c.OutTradeNo, func() error {
		plan := codePlan{state: TradeSuccess}
		if g.code != nil {
			plan = g.code(c)
		}
		if plan.err != nil {
			return plan.err
		}
		o := &fakeOrder{no: c.OutTradeNo, kind: MethodCode, total: c.Total, state: plan.state, created: g.clk.Now()}
		if plan.state == TradeSuccess {
			o.txID = "42000" + c.OutTradeNo
		}
		if plan.payIn > 0 {
			o.payAt = o.created.Add(plan.payIn)
		}
		g.orders[c.OutTradeNo] = o
		st = g.status(o)
		return nil
	})
	return st, err
}

func (g *fakeGateway) Reverse(ctx context.Context, no string) error {
	return g.call(ctx, "reverse", no, func() error {
		o, ok := g.orders[no]
		if !ok {
			return notFoundErr()
		}
		o.state = TradeRevoked // a paid order is refunded by the reverse
		return nil
	})
}

func (g *fakeGateway) Refund(ctx context.Context, r RefundRequest) (RefundStatus, error) {
	var st RefundStatus
	err := g.call(ctx, "refund", r.OutRefundNo, func() error {
		o, ok := g.orders[r.OutTradeNo]
		if !ok || (o.state != TradeSuccess && o.state != TradeRefund) {
			return rejectedErr("INVALID_REQUEST")
		}
		if old, ok := g.refunds[r.OutRefundNo]; ok {
			st = *old
			return nil
		}
		o.state = TradeRefund
		rs := &RefundStatus{OutRefundNo: r.OutRefundNo, RefundID: "50000" + r.OutRefundNo, State: RefundProcessing, Amount: r.Amount}
		g.refunds[r.OutRefundNo] = rs
		st = *rs
		return nil
	})
	return st, err
}

func (g *fakeGateway) QueryRefund(ctx context.Context, no string) (RefundStatus, error) {
	var st RefundStatus
	err := g.call(ctx, "queryrefund", no, func() error {
		rs, ok := g.refunds[no]
		if !ok {
			return &GatewayError{Class: ClassNotFound, Code: "RESOURCE_NOT_EXISTS", Message: "no such refund", HTTPStatus: 404}
		}
		rs.State, rs.SuccessTime = RefundSuccess, g.clk.Now() // refunds settle by the first query
		st = *rs
		return nil
	})
	return st, err
}

func (g *fakeGateway) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fmt.Sprint(g.calls)
}

// firstOrder is the number of an order WeChat has (the only one, in single-order tests).
func (g *fakeGateway) firstOrder() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	for no := range g.orders {
		return no
	}
	return ""
}

// callKinds lists the kinds of the calls made, in order.
func (g *fakeGateway) callKinds() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, c := range g.calls {
		kind, _, _ := strings.Cut(c, " ")
		out = append(out, kind)
	}
	return out
}
