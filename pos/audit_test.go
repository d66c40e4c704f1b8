package pos

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// Scenarios found by the money-safety audit: each failed before its fix.

// A sale switched to cash while WeChat was down is refunded (in cash) before recovery
// could close its WeChat order. Recovery must still settle the order — closed, or paid
// too and flagged — without undoing the refund (PART_REFUNDED → CLOSED or → PAID is
// illegal) and without leaving the sale in recovery for ever.
func TestRecoverCashSaleRefundedBeforeClose(t *testing.T) {
	tests := []struct {
		name     string
		refund   Money
		paidToo  bool // the customer also paid the WeChat order
		action   string
		state    State
		flag     string
		refunded Money
	}{
		{"part refund, order open", 500, false, ActionClosed, StatePartRefunded, "", 500},
		{"full refund, order open", 1500, false, ActionClosed, StateRefunded, "", 1500},
		{"part refund, WeChat paid too", 500, true, ActionPaid, StatePartRefunded, FlagPaidTwice, 500},
		{"full refund, WeChat paid too", 1500, true, ActionPaid, StateRefunded, FlagPaidTwice, 1500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			ch, _ := r.cashWhileWeChatDown(2000)
			no := ch.OutTradeNo()
			if rf, err := r.co.Refund(context.Background(), no, tt.refund, "returned"); err != nil || rf.Method != MethodCash {
				t.Fatalf("cash refund %+v %v", rf, err)
			}
			r.weChatBack()
			if tt.paidToo {
				r.gw.payNow(no)
			}
			res, err := r.co.Recover(context.Background())
			if err != nil || len(res) != 1 || res[0].Action != tt.action {
				t.Fatalf("recover %+v %v", res, err)
			}
			s := r.sale(no)
			summary := "%s %s flag %q refunded %s close_wanted %v"
			got := fmt.Sprintf(summary, s.State, s.Method, s.Flag, s.Refunded, s.CloseWanted)
			if want := fmt.Sprintf(summary, tt.state, MethodCash, tt.flag, tt.refunded, false); got != want {
				t.Errorf("sale %s, want %s", got, want)
			}
			if tt.paidToo == (s.TransactionID == "") {
				t.Errorf("transaction id %q: the WeChat payment must be on the sale exactly when it was made", s.TransactionID)
			}
			r.noIllegalWrites()
			r.noLiveOrders()
		})
	}
}

// The till died while its codepay was on the way: WeChat does not know the order yet
// when recovery first asks, then the payment lands. Recovery must wait while the
// customer may still be paying (as a live charge does), not record the sale CLOSED —
// recovery never looks at a CLOSED sale again, so the payment would be lost.
func TestRecoverCodePayNotLandedYet(t *testing.T) {
	r, s := newRecoverRig(t, recoverSetup{state: StatePending, method: MethodCode, age: 2 * time.Second})
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionWaiting {
		t.Fatalf("first round %+v %v", res, err)
	}
	if got := r.sale(s.OutTradeNo); got.State != StatePending {
		t.Fatalf("sale %s after the first round", got.State)
	}
	r.gw.mu.Lock() // the codepay lands: the customer's money moves
	r.gw.orders[s.OutTradeNo] = &fakeOrder{no: s.OutTradeNo, total: s.Total, state: TradeSuccess, kind: MethodCode, txID: "42000X"}
	r.gw.mu.Unlock()
	res, err = r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionPaid {
		t.Fatalf("second round %+v %v", res, err)
	}
	if got := r.sale(s.OutTradeNo); got.State != StatePaid || got.TransactionID != "42000X" {
		t.Errorf("sale %s transaction %q", got.State, got.TransactionID)
	}
}

// noIllegalWrites asserts the checkout never tried a transition the ledger refuses.
func (r *rig) noIllegalWrites() {
	r.t.Helper()
	r.led.mu.Lock()
	defer r.led.mu.Unlock()
	if len(r.led.illegal) > 0 {
		r.t.Errorf("illegal writes tried: %v", r.led.illegal)
	}
}

// TestCommandAtEachCall sends Cancel or TakeCash while each kind of gateway call of a
// Native charge is in flight (the call still reaches WeChat), with the customer paying
// at the next call or not at all. Whatever the interleaving, once the charge and one
// recovery round are over: nothing is open at WeChat, a WeChat payment is on the sale
// (paid by WeChat, or flagged paid twice next to the cash), cash is only recorded when
// WeChat was not paid or the flag says both were, and no illegal write was tried.
func TestCommandAtEachCall(t *testing.T) {
	for _, point := range []string{"prepay", "paycode", "query", "close", "reverse"} {
		for _, cmd := range []string{"cancel", "cash"} {
			for _, payNext := range []bool{false, true} {
				name := fmt.Sprintf("%s during %s, customer pays next: %v", cmd, point, payNext)
				t.Run(name, func(t *testing.T) { commandAtCall(t, point, cmd, payNext) })
			}
		}
	}
}

func commandAtCall(t *testing.T, point, cmd string, payNext bool) {
	r := newRig(t)
	code := point == "paycode" || point == "reverse"
	r.gw.code = func(CodeOrder) codePlan { return codePlan{state: TradeUserPaying} } // never confirms by itself
	var ch *Charge
	sent, paid := false, !payNext
	r.gw.onCall = func(kind, no string) {
		if sent && !paid {
			paid = true
			r.gw.payNow(no)
		}
		if kind == point && !sent && ch != nil {
			sent = true
			if cmd == "cancel" {
				ch.Cancel()
			} else if err := ch.TakeCash(ch.Total()); err != nil {
				t.Errorf("TakeCash: %v", err)
			}
		}
	}
	if point == "close" { // close is only reached by giving up: expire the order
		r.co.cfg.OrderTTL = 10 * time.Second
	}
	rec := &recorder{}
	var err error
	if code {
		ch, err = r.co.StartCode(context.Background(), cartOf(1200), "134567890123456789", rec.add)
	} else {
		ch, err = r.co.StartNative(context.Background(), cartOf(1200), rec.add)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch)
	<-ch.Done()
	last := rec.check(t)
	if !sent {
		t.Fatalf("no %s call was made: the scenario did not happen", point)
	}
	t.Logf("final %v (%s); calls %v", last, last.Sale.Method, r.gw)
	if _, err := r.co.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.noLiveOrders()
	r.noIllegalWrites()
	r.salesAgreeWithWeChat()
}

// salesAgreeWithWeChat checks every recorded sale against WeChat's order of its number.
func (r *rig) salesAgreeWithWeChat() {
	r.t.Helper()
	for _, no := range r.led.order {
		o, ok := r.gw.order(no)
		if problem := disagreement(r.sale(no), o, ok); problem != "" {
			r.t.Errorf("sale %s: %s", no, problem)
		}
	}
}

// disagreement says what is wrong between a settled sale and WeChat's order (ok: WeChat
// has one), or "".
func disagreement(s Sale, o fakeOrder, ok bool) string {
	wechatPaid := ok && (o.state == TradeSuccess || o.state == TradeRefund)
	switch {
	case s.NeedsRecovery():
		return fmt.Sprintf("still needs recovery: %s close_wanted %v", s.State, s.CloseWanted)
	case wechatPaid && s.TransactionID != o.txID:
		return fmt.Sprintf("WeChat was paid (%s) but the sale is %s %s with transaction %q", o.txID, s.State, s.Method, s.TransactionID)
	case wechatPaid && s.Method == MethodCash && s.Flag != FlagPaidTwice:
		return "holds cash and a WeChat payment without the paid-twice flag"
	case !wechatPaid && (s.TransactionID != "" || s.Flag != ""):
		return "claims a WeChat payment WeChat does not have"
	case !wechatPaid && s.State == StatePaid && s.Method != MethodCash:
		return "paid by WeChat but WeChat has no payment"
	}
	return ""
}

// TakeCash when WeChat answers the query with a state pos does not know: the order may
// still be payable, so it must be closed (or left CloseWanted), never assumed dead.
func TestTakeCashUnknownTradeState(t *testing.T) {
	r := newRig(t)
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(900), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch, action{at: 5 * time.Second, do: func() {
		r.gw.mu.Lock()
		r.gw.orders[ch.OutTradeNo()].state = "ACCEPT" // not one of pos's TradeStates
		r.gw.mu.Unlock()
		_ = ch.TakeCash(900)
	}, cmd: true})
	if last := rec.check(t); last.Phase != PhasePaid || last.Sale.Method != MethodCash {
		t.Fatalf("final %v", last)
	}
	if r.gw.count("close") == 0 && !r.sale(ch.OutTradeNo()).CloseWanted {
		t.Errorf("the WeChat order was neither closed nor left for recovery to close: calls %v", r.gw)
	}
}

// The customer pays as the cashier gives up: close answers ORDERPAID, and the query that
// should fetch the payment fails once (a network blip). WeChat has said the order is
// paid: the charge must not end telling the cashier "cancelled" (the customer would pay
// again) — it asks again and ends paid; with cash taken, it says paid twice at once.
func TestOrderPaidThenQueryBlip(t *testing.T) {
	for _, cash := range []bool{false, true} {
		t.Run(fmt.Sprintf("cash %v", cash), func(t *testing.T) {
			r := newRig(t)
			closing := false
			r.gw.onCall = func(kind, no string) {
				if kind == "close" && !closing {
					closing = true
					r.gw.payNow(no)
					r.gw.fail("query", fakeFault{err: netErr()})
				}
			}
			rec := &recorder{}
			ch, err := r.co.StartNative(context.Background(), cartOf(800), rec.add)
			if err != nil {
				t.Fatal(err)
			}
			do := ch.Cancel
			if cash {
				do = func() { _ = ch.TakeCash(800) }
			}
			r.drive(ch, action{at: 4 * time.Second, do: do, cmd: true})
			last := rec.check(t)
			s := r.sale(ch.OutTradeNo())
			switch {
			case last.Phase != PhasePaid:
				t.Errorf("final %v: WeChat said ORDERPAID", last)
			case cash && (!errors.Is(last.Err, ErrPaidTwice) || s.Flag != FlagPaidTwice):
				t.Errorf("final %v, sale flag %q: the cashier must hear at once that the customer paid twice", last, s.Flag)
			case !cash && (s.State != StatePaid || s.TransactionID == ""):
				t.Errorf("sale %s transaction %q", s.State, s.TransactionID)
			}
		})
	}
}

// ORDERPAID on close and WeChat unreachable afterwards: the final update says so
// (ErrPaidUnconfirmed: take no other payment) and recovery records the payment later.
func TestOrderPaidThenWeChatDown(t *testing.T) {
	r := newRig(t)
	r.gw.onCall = func(kind, no string) {
		if kind == "close" {
			r.gw.payNow(no)
			r.gw.fail("query", fakeFault{err: netErr()}, fakeFault{err: netErr()}, fakeFault{err: netErr()}, fakeFault{err: netErr()})
		}
	}
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(800), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch, action{at: 4 * time.Second, do: ch.Cancel, cmd: true})
	if last := rec.check(t); !errors.Is(last.Err, ErrPaidUnconfirmed) || !last.Sale.CloseWanted {
		t.Fatalf("final %v close_wanted %v: want ErrPaidUnconfirmed, left to recovery", last, last.Sale.CloseWanted)
	}
	if n := r.gw.count("query"); n < settledTries+1 {
		t.Errorf("%d queries: the payment was asked for fewer than %d times after ORDERPAID", n, settledTries)
	}
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionPaid {
		t.Fatalf("recover %+v %v", res, err)
	}
}
