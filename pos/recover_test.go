package pos

import (
	"context"
	"testing"
	"time"
)

// TestRecoverRules sets up each situation a crash or an outage can leave and checks what
// recovery makes of it.
// recoverSetup is what a crash or an outage left: the sale as recorded and WeChat's order.
type recoverSetup struct {
	state       State
	method      Method
	closeWanted bool
	native      bool          // the sale has an expiry (Native)
	wechat      TradeState    // "" : WeChat has no such order
	age         time.Duration // how long ago the sale was made
	down        bool          // WeChat unreachable
}

func TestRecoverRules(t *testing.T) {
	type setup = recoverSetup
	tests := []struct {
		name   string
		in     setup
		action string
		state  State
		flag   string
		calls  []string // gateway call kinds, in order
	}{
		{"never reached WeChat", setup{state: StatePending, method: MethodNative, native: true}, ActionClosed, StateClosed, "", []string{"query"}},
		{"orphan QR, unpaid", setup{state: StateAwaiting, method: MethodNative, native: true, wechat: TradeNotPay}, ActionClosed, StateClosed, "", []string{"query", "close"}},
		{"orphan QR, paid", setup{state: StateAwaiting, method: MethodNative, native: true, wechat: TradeSuccess}, ActionPaid, StatePaid, "", []string{"query"}},
		{"prepay answer lost, paid", setup{state: StatePending, method: MethodNative, native: true, wechat: TradeSuccess}, ActionPaid, StatePaid, "", []string{"query"}},
		{"close wanted, closed", setup{state: StateAwaiting, method: MethodNative, native: true, closeWanted: true, wechat: TradeClosed}, ActionClosed, StateClosed, "", []string{"query"}},
		{"close wanted, paid first", setup{state: StateAwaiting, method: MethodNative, native: true, closeWanted: true, wechat: TradeSuccess}, ActionPaid, StatePaid, "", []string{"query"}},
		{"cash, WeChat order open", setup{state: StatePaid, method: MethodCash, native: true, closeWanted: true, wechat: TradeNotPay}, ActionClosed, StatePaid, "", []string{"query", "close"}},
		{"cash, WeChat paid too", setup{state: StatePaid, method: MethodCash, native: true, closeWanted: true, wechat: TradeSuccess}, ActionPaid, StatePaid, FlagPaidTwice, []string{"query"}},
		{"cash, code order open", setup{state: StatePaid, method: MethodCash, closeWanted: true, wechat: TradeUserPaying, age: time.Minute}, ActionReversed, StatePaid, "", []string{"query", "reverse"}},
		{"code, customer still typing", setup{state: StateAwaiting, method: MethodCode, wechat: TradeUserPaying, age: 10 * time.Second}, ActionWaiting, StateAwaiting, "", []string{"query"}},
		{"code, given up", setup{state: StateAwaiting, method: MethodCode, wechat: TradeUserPaying, age: time.Minute}, ActionReversed, StateClosed, "", []string{"query", "reverse"}},
		{"code, reversed before the crash", setup{state: StateAwaiting, method: MethodCode, closeWanted: true, wechat: TradeRevoked}, ActionReversed, StateClosed, "", []string{"query"}},
		{"code, revoked by WeChat", setup{state: StateAwaiting, method: MethodCode, wechat: TradeRevoked}, ActionFailed, StateFailed, "", []string{"query"}},
		{"code, payment error", setup{state: StatePending, method: MethodCode, wechat: TradePayError}, ActionFailed, StateFailed, "", []string{"query"}},
		{"code, codepay not landed yet", setup{state: StatePending, method: MethodCode, age: 2 * time.Second}, ActionWaiting, StatePending, "", []string{"query"}},
		{"code, codepay never landed", setup{state: StatePending, method: MethodCode, age: time.Minute}, ActionClosed, StateClosed, "", []string{"query"}},
		{"WeChat down", setup{state: StateAwaiting, method: MethodNative, native: true, wechat: TradeNotPay, down: true}, ActionRetry, StateAwaiting, "", []string{"query"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, s := newRecoverRig(t, tt.in)
			res, err := r.co.Recover(context.Background())
			if err != nil || len(res) != 1 {
				t.Fatalf("recover %+v %v", res, err)
			}
			got := r.sale(s.OutTradeNo)
			if res[0].Action != tt.action || got.State != tt.state || got.Flag != tt.flag || res[0].After != string(tt.state) {
				t.Errorf("action %s, state %s, flag %q (result %+v)", res[0].Action, got.State, got.Flag, res[0])
			}
			settled := tt.action != ActionRetry && tt.action != ActionWaiting
			if settled && got.NeedsRecovery() {
				t.Errorf("sale still needs recovery: %+v", got)
			}
			if tt.action == ActionPaid && got.TransactionID == "" {
				t.Error("paid without WeChat's transaction id")
			}
			if kinds := r.gw.callKinds(); !equalStrings(kinds, tt.calls) {
				t.Errorf("calls %v, want %v", kinds, tt.calls)
			}
			if settled {
				r.noLiveOrders()
			}
		})
	}
}

// newRecoverRig records the sale in the state in.
func newRecoverRig(t *testing.T, in recoverSetup) (*rig, Sale) {
	t.Helper()
	r := newRig(t)
	now := r.clk.Now()
	s := Sale{OutTradeNo: "T01-X", TillID: "T01", Method: in.method, State: in.state, Total: 1000,
		Lines: cartOf(1000).Lines, CloseWanted: in.closeWanted, CreatedAt: now.Add(-in.age), UpdatedAt: now}
	if in.native {
		s.ExpiresAt = s.CreatedAt.Add(DefaultOrderTTL)
	}
	if s.State == StatePaid {
		s.Tendered, s.PaidAt = 1000, now
	}
	if err := r.led.CreateSale(Sale{OutTradeNo: s.OutTradeNo, State: StatePending, Total: 1000}, Event{}); err != nil {
		t.Fatal(err)
	}
	r.led.sales[s.OutTradeNo] = s // as a crash left it
	if in.wechat != "" {
		r.gw.orders[s.OutTradeNo] = &fakeOrder{no: s.OutTradeNo, total: 1000, state: in.wechat, kind: orderKind(s), txID: "42000X"}
	}
	if in.down {
		r.gw.fail("query", fakeFault{err: netErr()})
	}
	return r, s
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Recovery leaves alone the sale a live charge of this process is watching.
func TestRecoverSkipsLiveCharges(t *testing.T) {
	r := newRig(t)
	ch, err := r.co.StartNative(context.Background(), cartOf(100), nil)
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, ch, PhaseAwaiting)
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionSkipped {
		t.Fatalf("recover %+v %v", res, err)
	}
	if r.gw.count("close") != 0 {
		t.Error("recovery closed a live order")
	}
	ch.Cancel()
	<-ch.Done()
}

// A recovery round that cannot write keeps the sale for the next round; a cancelled
// context ends the round.
func TestRecoverLedgerTrouble(t *testing.T) {
	r := newRig(t)
	ctx, stopCharge := context.WithCancel(context.Background())
	ch, _ := r.co.StartNative(ctx, cartOf(100), nil)
	waitPhase(t, ch, PhaseAwaiting)
	stopCharge()
	<-ch.Done()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.co.Recover(done); err == nil {
		t.Error("a cancelled context must end recovery with an error")
	}
	r.led.failWrites(10)
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionRetry || res[0].Error == "" {
		t.Fatalf("recover with a broken disk %+v %v", res, err)
	}
	r.led.failWrites(0)
	res, err = r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionClosed {
		t.Fatalf("recover %+v %v", res, err)
	}
	r.noLiveOrders()
}

// StartRecovery runs at once and then every interval, until stopped.
func TestStartRecovery(t *testing.T) {
	r := newRig(t)
	rounds := make(chan []Recovered, 10)
	stop := r.co.StartRecovery(context.Background(), time.Minute, func(res []Recovered, err error) {
		if err != nil {
			t.Error(err)
		}
		rounds <- res
	})
	<-rounds
	if _, err := r.co.PayCash(cartOf(100), 100); err != nil {
		t.Fatal(err)
	}
	_, at, _ := r.clk.nextTimer(t, 0, nil)
	r.clk.Set(at)
	if res := <-rounds; len(res) != 0 {
		t.Errorf("second round %+v", res)
	}
	stop()
}
