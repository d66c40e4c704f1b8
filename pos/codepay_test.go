package pos

import (
	"context"
	"errors"
	"testing"
	"time"
)

const testAuthCode = "134567890123456789"

func (r *rig) code(total Money, plan codePlan, actions ...func(ch *Charge) action) (*Charge, *recorder, Update) {
	r.t.Helper()
	r.gw.code = func(CodeOrder) codePlan { return plan }
	rec := &recorder{}
	ch, err := r.co.StartCode(context.Background(), cartOf(total), testAuthCode, rec.add)
	if err != nil {
		r.t.Fatal(err)
	}
	var acts []action
	for _, a := range actions {
		acts = append(acts, a(ch))
	}
	r.drive(ch, acts...)
	<-ch.Done()
	return ch, rec, rec.check(r.t)
}

func TestCodePay(t *testing.T) {
	tests := []struct {
		name      string
		plan      codePlan
		fault     *fakeFault
		phase     Phase
		state     State
		sawPhase  Phase
		reverses  int
		wechatEnd TradeState
	}{
		{name: "success at once", plan: codePlan{state: TradeSuccess}, phase: PhasePaid, state: StatePaid, wechatEnd: TradeSuccess},
		{name: "password, then paid", plan: codePlan{state: TradeUserPaying, payIn: 9 * time.Second},
			phase: PhasePaid, state: StatePaid, sawPhase: PhaseUserPay, wechatEnd: TradeSuccess},
		{name: "password never entered: reversed", plan: codePlan{state: TradeUserPaying},
			phase: PhaseExpired, state: StateClosed, sawPhase: PhaseUserPay, reverses: 1, wechatEnd: TradeRevoked},
		{name: "refused", plan: codePlan{err: rejectedErr("TRADE_ERROR")}, phase: PhaseFailed, state: StateFailed},
		{name: "PAYERROR answer", plan: codePlan{state: TradePayError}, phase: PhaseFailed, state: StateFailed, wechatEnd: TradePayError},
		{name: "answer lost, was paid", plan: codePlan{state: TradeSuccess}, fault: &fakeFault{err: netErr(), afterWork: true},
			phase: PhasePaid, state: StatePaid, sawPhase: PhaseRetrying, wechatEnd: TradeSuccess},
		{name: "never arrived: reversed at the deadline", plan: codePlan{state: TradeSuccess}, fault: &fakeFault{err: netErr()},
			phase: PhaseExpired, state: StateClosed, sawPhase: PhaseRetrying, reverses: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.fault != nil {
				r.gw.fail("paycode", *tt.fault)
			}
			ch, rec, last := r.code(600, tt.plan)
			if last.Phase != tt.phase {
				t.Fatalf("final %v (phases %v)", last, rec.phases())
			}
			if tt.sawPhase != "" && !rec.saw(tt.sawPhase) {
				t.Errorf("phases %v, want %s among them", rec.phases(), tt.sawPhase)
			}
			if tt.phase == PhaseFailed && last.Reason == "" {
				t.Error("a failure must say WeChat's reason")
			}
			r.checkCodeEnd(ch.OutTradeNo(), tt.state, tt.reverses, tt.wechatEnd, tt.phase == PhaseExpired)
			r.noLiveOrders()
		})
	}
}

func TestCodeCancelReverses(t *testing.T) {
	r := newRig(t)
	ch, _, last := r.code(600, codePlan{state: TradeUserPaying}, func(ch *Charge) action {
		return action{at: 7 * time.Second, do: ch.Cancel, cmd: true}
	})
	if last.Phase != PhaseClosed {
		t.Fatalf("final %v", last)
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StateClosed || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
	if r.gw.count("reverse") != 1 {
		t.Errorf("calls %v", r.gw)
	}
}

// Switching a payment-code charge to cash reverses the WeChat order: no double payment.
func TestCodeTakeCash(t *testing.T) {
	r := newRig(t)
	ch, _, last := r.code(600, codePlan{state: TradeUserPaying}, func(ch *Charge) action {
		return action{at: 6 * time.Second, do: func() { _ = ch.TakeCash(1000) }, cmd: true}
	})
	if last.Phase != PhasePaid || last.Sale.Method != MethodCash || last.Change() != 400 {
		t.Fatalf("final %v method %s change %s", last, last.Sale.Method, last.Change())
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StatePaid || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
	if o, _ := r.gw.order(ch.OutTradeNo()); o.state != TradeRevoked {
		t.Errorf("WeChat order %s", o.state)
	}
}

func TestStartCodeRejectsBadAuthCode(t *testing.T) {
	r := newRig(t)
	for _, code := range []string{"", "12345", "164567890123456789", "13456789012345678a", "1345678901234567890"} {
		if _, err := r.co.StartCode(context.Background(), cartOf(100), code, nil); err != ErrAuthCode {
			t.Errorf("%q: %v", code, err)
		}
	}
	if len(r.led.sales) != 0 {
		t.Error("a sale was recorded for a bad code")
	}
}

func TestPayCash(t *testing.T) {
	r := newRig(t)
	if _, err := r.co.PayCash(cartOf(1250), 1000); err != ErrTooLittleCash {
		t.Errorf("short cash: %v", err)
	}
	if _, err := r.co.PayCash(Cart{}, 1000); err != ErrCartEmpty {
		t.Errorf("empty cart: %v", err)
	}
	s, err := r.co.PayCash(cartOf(1250), 2000)
	if err != nil {
		t.Fatal(err)
	}
	if s.Change() != 750 || s.State != StatePaid || s.Method != MethodCash {
		t.Errorf("sale %+v change %s", s, s.Change())
	}
	if got := r.sale(s.OutTradeNo); got.Tendered != 2000 || got.State != StatePaid {
		t.Errorf("recorded %+v", got)
	}
	if len(r.gw.calls) != 0 {
		t.Error("cash must not call WeChat")
	}
}

func TestChargeCommandsAfterTheEnd(t *testing.T) {
	r := newRig(t)
	ch, _, _ := r.code(600, codePlan{state: TradeSuccess})
	ch.Cancel() // must not block or panic
	if err := ch.Retry(); err != ErrNotStalled {
		t.Errorf("Retry after the end: %v", err)
	}
	if err := ch.TakeCash(100); err != ErrTooLittleCash {
		t.Errorf("TakeCash too little: %v", err)
	}
	if err := ch.TakeCash(600); !errors.Is(err, ErrChargeOver) {
		t.Errorf("TakeCash after the end: %v", err)
	}
	if ch.Last().Phase != PhasePaid {
		t.Errorf("last %v", ch.Last())
	}
}

// checkCodeEnd checks how a payment-code charge ended, in the ledger and at WeChat.
func (r *rig) checkCodeEnd(no string, state State, reverses int, wechat TradeState, gaveUp bool) {
	t := r.t
	t.Helper()
	s := r.sale(no)
	if s.State != state || s.CloseWanted {
		t.Errorf("sale %s close_wanted=%v", s.State, s.CloseWanted)
	}
	if n := r.gw.count("reverse"); n != reverses {
		t.Errorf("%d reverses (calls %v)", n, r.gw)
	}
	if o, ok := r.gw.order(no); ok && o.state != wechat {
		t.Errorf("WeChat order %s, want %s", o.state, wechat)
	}
	if waited := r.clk.Now().Sub(s.CreatedAt); gaveUp && (waited < DefaultCodeGiveUp || waited > DefaultCodeGiveUp+2*time.Second) {
		t.Errorf("gave up after %v", waited)
	}
}
