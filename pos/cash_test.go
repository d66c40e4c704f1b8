package pos

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Switching to cash while WeChat is down: the cash is recorded at once, the WeChat order
// is left CloseWanted; recovery closes it when WeChat is back; never two live orders.
func TestNativeCashWhenWeChatDown(t *testing.T) {
	r := newRig(t)
	ch, last := r.cashWhileWeChatDown(2000)
	if last.Phase != PhasePaid || last.Err == nil {
		t.Fatalf("final %v: want paid with a warning that WeChat was not told", last)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StatePaid || s.Method != MethodCash || !s.CloseWanted || s.Change() != 500 {
		t.Fatalf("sale %+v", s)
	}
	r.weChatBack()
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionClosed {
		t.Fatalf("recover %+v %v", res, err)
	}
	if s := r.sale(ch.OutTradeNo()); s.State != StatePaid || s.CloseWanted || s.Flag != "" {
		t.Errorf("after recovery %+v", s)
	}
	r.noLiveOrders()
}

// cashWhileWeChatDown runs a Native charge, makes WeChat unreachable at 6 s and takes
// cash at 7 s.
func (r *rig) cashWhileWeChatDown(tendered Money) (*Charge, Update) {
	r.t.Helper()
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(1500), rec.add)
	if err != nil {
		r.t.Fatal(err)
	}
	down := func() {
		for _, k := range []string{"query", "close"} {
			r.gw.fail(k, fakeFault{err: netErr()}, fakeFault{err: netErr()}, fakeFault{err: netErr()})
		}
	}
	r.drive(ch, action{at: 6 * time.Second, do: down}, action{at: 7 * time.Second, do: func() {
		if err := ch.TakeCash(tendered); err != nil {
			r.t.Error(err)
		}
	}, cmd: true})
	return ch, rec.check(r.t)
}

// weChatBack drops every fault still queued.
func (r *rig) weChatBack() {
	r.gw.mu.Lock()
	r.gw.faults = map[string][]fakeFault{}
	r.gw.mu.Unlock()
}

// The customer paid by WeChat after the cashier took cash (WeChat was unreachable):
// recovery records the WeChat payment and flags the sale; nothing is lost.
func TestNativeCashThenWeChatPaid(t *testing.T) {
	r := newRig(t)
	rec := &recorder{}
	ch, err := r.co.StartNative(context.Background(), cartOf(1500), rec.add)
	if err != nil {
		t.Fatal(err)
	}
	r.drive(ch, action{at: 6 * time.Second, do: func() {
		r.gw.fail("query", fakeFault{err: netErr()})
		r.gw.fail("close", fakeFault{err: netErr()})
		_ = ch.TakeCash(1500)
	}, cmd: true})
	r.gw.payNow(ch.OutTradeNo())
	res, err := r.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != ActionPaid || res[0].Flag != FlagPaidTwice {
		t.Fatalf("recover %+v %v", res, err)
	}
	s := r.sale(ch.OutTradeNo())
	if s.State != StatePaid || s.Method != MethodCash || s.Flag != FlagPaidTwice || s.TransactionID == "" || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
}

// TakeCash when WeChat had already been paid: no cash, paid by WeChat.
func TestNativeCashButAlreadyPaid(t *testing.T) {
	r := newRig(t)
	rec := &recorder{}
	ch, _ := r.co.StartNative(context.Background(), cartOf(700), rec.add)
	r.drive(ch, action{at: 5 * time.Second, do: func() {
		r.gw.payNow(ch.OutTradeNo())
		_ = ch.TakeCash(1000)
	}, cmd: true})
	last := rec.check(t)
	if last.Phase != PhasePaid || !errors.Is(last.Err, ErrAlreadyPaid) || last.Sale.Method != MethodNative {
		t.Fatalf("final %v method %s", last, last.Sale.Method)
	}
}
