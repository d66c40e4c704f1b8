package pos_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

var workDir string // the test binary's scratch directory (TestMain)

func TestSandboxNativePaid(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, err := tl.co.StartNative(context.Background(), amountCart(1250), up.add)
	if err != nil {
		t.Fatal(err)
	}
	aw := up.until(t, pos.PhaseAwaiting)
	if aw.Phase != pos.PhaseAwaiting || aw.Sale.CodeURL == "" {
		t.Fatalf("awaiting %v", aw)
	}
	if s := tl.sale(t, ch.OutTradeNo()); s.State != pos.StateAwaiting || s.CodeURL != aw.Sale.CodeURL {
		t.Fatalf("recorded %s %q", s.State, s.CodeURL)
	}
	if err := tl.sb.Pay(aw.Sale.CodeURL); err != nil {
		t.Fatal(err)
	}
	last := up.until(t, pos.PhasePaid)
	if last.Phase != pos.PhasePaid {
		t.Fatalf("final %v", last)
	}
	s := tl.sale(t, ch.OutTradeNo())
	st := tl.wechat(t, ch.OutTradeNo())
	if s.State != pos.StatePaid || st.State != pos.TradeSuccess || s.TransactionID != st.TransactionID || st.Total != 1250 {
		t.Errorf("ledger %s %s, WeChat %s %s %s", s.State, s.TransactionID, st.State, st.TransactionID, st.Total)
	}
}

func TestSandboxNativeCancel(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(300), up.add)
	up.until(t, pos.PhaseAwaiting)
	ch.Cancel()
	last := up.until(t, pos.PhaseClosed)
	if last.Phase != pos.PhaseClosed || last.Err != nil {
		t.Fatalf("final %v", last)
	}
	if s := tl.sale(t, ch.OutTradeNo()); s.State != pos.StateClosed || s.CloseWanted {
		t.Errorf("sale %s %v", s.State, s.CloseWanted)
	}
	if st := tl.wechat(t, ch.OutTradeNo()); st.State != pos.TradeClosed {
		t.Errorf("WeChat %s", st.State)
	}
	if err := tl.sb.Pay(ch.OutTradeNo()); err == nil {
		t.Error("the customer could still pay a closed order")
	}
}

// payOnClose is the real gateway, except that the customer pays just before the close
// request goes out: the sandbox answers ORDERPAID.
type payOnClose struct {
	pos.Gateway
	pay func(no string)
}

func (g payOnClose) Close(ctx context.Context, no string) error {
	g.pay(no)
	return g.Gateway.Close(ctx, no)
}

func TestSandboxPaidWhileClosing(t *testing.T) {
	var sb *sandbox.Server
	tl := newTill(t, func(c *pos.Config) {
		c.Gateway = payOnClose{Gateway: c.Gateway, pay: func(no string) { _ = sb.Pay(no) }}
	})
	sb = tl.sb
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(300), up.add)
	up.until(t, pos.PhaseAwaiting)
	ch.Cancel()
	last := up.until(t, pos.PhasePaid)
	if last.Phase != pos.PhasePaid {
		t.Fatalf("final %v", last)
	}
	if s := tl.sale(t, ch.OutTradeNo()); s.State != pos.StatePaid || s.CloseWanted || s.TransactionID == "" {
		t.Errorf("sale %+v", s)
	}
	if tl.sb.Stats()["POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close"] != 1 {
		t.Errorf("stats %v", tl.sb.Stats())
	}
}

// The prepay is carried out but its answer is lost (connection dropped): the retry with
// the same number gets the same order.
func TestSandboxPrepayAnswerLost(t *testing.T) {
	tl := newTill(t, nil)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultDrop, Rate: 1, Path: "/native"}})
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(990), func(u pos.Update) {
		if u.Phase == pos.PhaseRetrying {
			tl.sb.SetFaults(nil) // the network comes back
		}
		up.add(u)
	})
	aw := up.until(t, pos.PhaseAwaiting)
	if aw.Phase != pos.PhaseAwaiting {
		t.Fatalf("got %v", aw)
	}
	if n := tl.sb.Stats()["POST /v3/pay/transactions/native"]; n != 2 {
		t.Errorf("%d prepays, want the lost one and its retry", n)
	}
	if err := tl.sb.Pay(aw.Sale.CodeURL); err != nil {
		t.Fatalf("the code_url of the retry does not pay the order: %v", err)
	}
	if last := up.until(t, pos.PhasePaid); last.Phase != pos.PhasePaid {
		t.Fatalf("final %v", last)
	}
	if st := tl.wechat(t, ch.OutTradeNo()); st.State != pos.TradeSuccess {
		t.Errorf("WeChat %s", st.State)
	}
}

// WeChat unreachable: the cashier takes cash; the WeChat order is closed by recovery
// once WeChat is back. Never two live orders; the cash is on the books at once.
func TestSandboxCashWhenWeChatDown(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(1500), up.add)
	up.until(t, pos.PhaseAwaiting)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1}})
	if err := ch.TakeCash(2000); err != nil {
		t.Fatal(err)
	}
	last := up.until(t, pos.PhasePaid)
	if last.Phase != pos.PhasePaid || last.Sale.Method != pos.MethodCash || last.Change() != 500 {
		t.Fatalf("final %v", last)
	}
	s := tl.sale(t, ch.OutTradeNo())
	if s.State != pos.StatePaid || !s.CloseWanted {
		t.Fatalf("sale %s close_wanted=%v", s.State, s.CloseWanted)
	}
	tl.sb.SetFaults(nil)
	res, err := tl.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Action != pos.ActionClosed {
		t.Fatalf("recover %+v %v", res, err)
	}
	if st := tl.wechat(t, ch.OutTradeNo()); st.State != pos.TradeClosed {
		t.Errorf("WeChat %s", st.State)
	}
	if s := tl.sale(t, ch.OutTradeNo()); s.CloseWanted || s.State != pos.StatePaid || s.Method != pos.MethodCash {
		t.Errorf("after recovery %+v", s)
	}
}

// The customer pays by WeChat while WeChat was unreachable for the till, which took
// cash: recovery records the WeChat payment and flags the sale.
func TestSandboxCashThenWeChatPaid(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(1500), up.add)
	aw := up.until(t, pos.PhaseAwaiting)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1}})
	_ = ch.TakeCash(1500)
	up.until(t, pos.PhasePaid)
	tl.sb.SetFaults(nil)
	if err := tl.sb.Pay(aw.Sale.CodeURL); err != nil {
		t.Fatal(err)
	}
	res, err := tl.co.Recover(context.Background())
	if err != nil || len(res) != 1 || res[0].Flag != pos.FlagPaidTwice {
		t.Fatalf("recover %+v %v", res, err)
	}
	s := tl.sale(t, ch.OutTradeNo())
	if s.Flag != pos.FlagPaidTwice || s.TransactionID == "" || s.CloseWanted {
		t.Errorf("sale %+v", s)
	}
}

// A charge cancelled while its prepay is slow: nothing stays open at WeChat.
func TestSandboxCancelDuringPrepay(t *testing.T) {
	tl := newTill(t, nil)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultLatency, Rate: 1, Path: "/native", Delay: 700 * time.Millisecond}})
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(450), up.add)
	up.until(t, pos.PhasePreparing)
	ch.Cancel()
	last := up.until(t, pos.PhaseClosed)
	if last.Phase != pos.PhaseClosed {
		t.Fatalf("final %v", last)
	}
	time.Sleep(time.Second) // let the slow prepay land at WeChat, if it does
	tl.sb.SetFaults(nil)
	// Whatever the order's fate, recovery leaves nothing open.
	if _, err := tl.co.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, err := tl.gw.Query(context.Background(), ch.OutTradeNo()); err == nil && st.State == pos.TradeNotPay {
		s := tl.sale(t, ch.OutTradeNo())
		t.Errorf("order still NOTPAY at WeChat; sale %s close_wanted=%v", s.State, s.CloseWanted)
	}
}

func TestSandboxCodePay(t *testing.T) {
	tests := []struct {
		name  string
		code  string
		act   func(tl *till, no string)
		phase pos.Phase
		state pos.State
		trade pos.TradeState
	}{
		{"pays at once", sandbox.CodePayNow, nil, pos.PhasePaid, pos.StatePaid, pos.TradeSuccess},
		{"password, then paid", sandbox.CodeUserPaying, func(tl *till, no string) { tl.sbClk.advance(6 * time.Second) }, pos.PhasePaid, pos.StatePaid, pos.TradeSuccess},
		{"customer gives up", sandbox.CodeUserPaying, func(tl *till, no string) { _ = tl.sb.Fail(no) }, pos.PhaseFailed, pos.StateFailed, pos.TradePayError},
		{"never confirmed: reversed", sandbox.CodeUserPaying, func(*till, string) {}, pos.PhaseExpired, pos.StateClosed, pos.TradeRevoked},
		{"refused", sandbox.CodeFail, nil, pos.PhaseFailed, pos.StateFailed, pos.TradePayError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := newTill(t, nil)
			up := newUpdates()
			ch, err := tl.co.StartCode(context.Background(), amountCart(600), tt.code, up.add)
			if err != nil {
				t.Fatal(err)
			}
			if tt.act != nil {
				if u := up.until(t, pos.PhaseUserPay); u.Phase != pos.PhaseUserPay {
					t.Fatalf("got %v", u)
				}
				tt.act(tl, ch.OutTradeNo())
			}
			last := up.until(t, tt.phase)
			if last.Phase != tt.phase {
				t.Fatalf("final %v (%s)", last, last.Reason)
			}
			if s := tl.sale(t, ch.OutTradeNo()); s.State != tt.state || s.CloseWanted {
				t.Errorf("sale %s close_wanted=%v", s.State, s.CloseWanted)
			}
			if st := tl.wechat(t, ch.OutTradeNo()); st.State != tt.trade {
				t.Errorf("WeChat %s, want %s", st.State, tt.trade)
			}
		})
	}
}

func TestSandboxRefunds(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartCode(context.Background(), amountCart(1000), sandbox.CodePayNow, up.add)
	if last := up.until(t, pos.PhasePaid); last.Phase != pos.PhasePaid {
		t.Fatalf("setup: %v", last)
	}
	ctx := context.Background()
	r1, err := tl.co.Refund(ctx, ch.OutTradeNo(), 300, "坏了")
	if err != nil || r1.State != pos.RefundProcessing {
		t.Fatalf("refund %+v %v", r1, err)
	}
	if _, err := tl.co.Refund(ctx, ch.OutTradeNo(), 701, ""); !errors.Is(err, pos.ErrRefundTooMuch) {
		t.Errorf("over-refund: %v", err)
	}
	tl.sbClk.advance(4 * time.Second) // the sandbox settles refunds after 3 s
	r1, err = tl.co.SettleRefund(ctx, r1.OutRefundNo, ch.OutTradeNo())
	if err != nil || r1.State != pos.RefundSuccess {
		t.Fatalf("settle %+v %v", r1, err)
	}
	// the rest, with its answer lost: recovery asks again with the same number (WeChat
	// wants partial refunds of one order a minute apart)
	tl.sbClk.advance(time.Minute)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultDrop, Rate: 1, Path: "/refund"}})
	r2, err := tl.co.Refund(ctx, ch.OutTradeNo(), 700, "")
	if err == nil || r2.State != pos.RefundPending {
		t.Fatalf("lost refund %+v %v", r2, err)
	}
	tl.sb.SetFaults(nil)
	tl.sbClk.advance(4 * time.Second)
	res, err := tl.co.Recover(ctx)
	if err != nil || len(res) != 1 || res[0].After != string(pos.RefundSuccess) {
		t.Fatalf("recover %+v %v", res, err)
	}
	s := tl.sale(t, ch.OutTradeNo())
	if s.State != pos.StateRefunded || s.Refunded != 1000 {
		t.Errorf("sale %s refunded %s", s.State, s.Refunded)
	}
	refunds, _ := tl.led.Refunds(ch.OutTradeNo())
	if len(refunds) != 2 {
		t.Errorf("%d refunds recorded", len(refunds))
	}
}

// A charge whose process stopped watching (context ended) is settled by recovery: paid
// if the customer paid meanwhile, closed otherwise.
func TestSandboxRecoverOrphans(t *testing.T) {
	tl := newTill(t, nil)
	var nos []string
	for i := 0; i < 2; i++ {
		ctx, stop := context.WithCancel(context.Background())
		up := newUpdates()
		ch, _ := tl.co.StartNative(ctx, amountCart(pos.Money(100+i)), up.add)
		up.until(t, pos.PhaseAwaiting)
		stop()
		if last := up.until(t, pos.PhaseStopped); last.Phase != pos.PhaseStopped {
			t.Fatalf("got %v", last)
		}
		nos = append(nos, ch.OutTradeNo())
	}
	if err := tl.sb.Pay(nos[0]); err != nil {
		t.Fatal(err)
	}
	res, err := tl.co.Recover(context.Background())
	if err != nil || len(res) != 2 {
		t.Fatalf("recover %+v %v", res, err)
	}
	want := map[string]pos.State{nos[0]: pos.StatePaid, nos[1]: pos.StateClosed}
	for no, state := range want {
		if s := tl.sale(t, no); s.State != state {
			t.Errorf("%s: %s, want %s", no, s.State, state)
		}
	}
	if st := tl.wechat(t, nos[1]); st.State != pos.TradeClosed {
		t.Errorf("WeChat %s", st.State)
	}
	if left, _ := tl.led.UnsettledSales(); len(left) != 0 {
		t.Errorf("%d sales left unsettled", len(left))
	}
}

// The order's time runs out: it is queried, closed, and the sale is closed.
func TestSandboxNativeExpires(t *testing.T) {
	tl := newTill(t, func(c *pos.Config) { c.OrderTTL = 2 * time.Second })
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(100), up.add)
	last := up.until(t, pos.PhaseExpired)
	if last.Phase != pos.PhaseExpired {
		t.Fatalf("final %v", last)
	}
	if s := tl.sale(t, ch.OutTradeNo()); s.State != pos.StateClosed || s.CloseWanted {
		t.Errorf("sale %s %v", s.State, s.CloseWanted)
	}
	if st := tl.wechat(t, ch.OutTradeNo()); st.State != pos.TradeClosed {
		t.Errorf("WeChat %s", st.State)
	}
}

// WeChat fails every prepay: the cashier is asked, retries once it is back, with the
// same number.
func TestSandboxStalledThenRetry(t *testing.T) {
	tl := newTill(t, nil)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultSystemError, Rate: 1, Path: "/native"}})
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(100), up.add)
	if u := up.until(t, pos.PhaseStalled); u.Phase != pos.PhaseStalled || pos.CodeOf(u.Err) != "SYSTEMERROR" {
		t.Fatalf("got %v", u)
	}
	tl.sb.SetFaults(nil)
	if err := ch.Retry(); err != nil {
		t.Fatal(err)
	}
	aw := up.until(t, pos.PhaseAwaiting)
	if aw.Phase != pos.PhaseAwaiting || aw.Sale.OutTradeNo != ch.OutTradeNo() {
		t.Fatalf("got %v", aw)
	}
	_ = tl.sb.Pay(aw.Sale.CodeURL)
	if last := up.until(t, pos.PhasePaid); last.Phase != pos.PhasePaid {
		t.Fatalf("final %v", last)
	}
	if n := tl.sb.Stats()["POST /v3/pay/transactions/native"]; n != 4 {
		t.Errorf("%d prepays, want 3 refused and 1 good", n)
	}
}

// FREQUENCY_LIMITED while polling: the till says so and still sees the payment once
// WeChat answers again.
func TestSandboxFrequencyLimited(t *testing.T) {
	tl := newTill(t, nil)
	up := newUpdates()
	ch, _ := tl.co.StartNative(context.Background(), amountCart(100), up.add)
	aw := up.until(t, pos.PhaseAwaiting)
	tl.sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultFrequencyLimited, Rate: 1, Path: "/out-trade-no/"}})
	if u := up.until(t, pos.PhaseRetrying); pos.CodeOf(u.Err) != "FREQUENCY_LIMITED" {
		t.Fatalf("got %v", u)
	}
	_ = tl.sb.Pay(aw.Sale.CodeURL) // paid while the till is being refused
	time.Sleep(300 * time.Millisecond)
	tl.sb.SetFaults(nil)
	if last := up.until(t, pos.PhasePaid); last.Phase != pos.PhasePaid {
		t.Fatalf("final %v", last)
	}
	// (how much it slows down is measured exactly on the fake clock: TestNativeBackoff)
	if s := tl.sale(t, ch.OutTradeNo()); s.State != pos.StatePaid {
		t.Errorf("sale %s", s.State)
	}
}
