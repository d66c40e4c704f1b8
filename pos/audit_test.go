package pos

import (
	"context"
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
