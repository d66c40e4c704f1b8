package pos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

// Exit codes of `wxtill charge` and `wxtill recover` (2 is main's: bad flags).
const (
	ExitPaid      = 0 // charge: paid (and refunded, with --refund); recover: all settled
	ExitError     = 1 // the ledger, the config or WeChat could not be used
	ExitClosed    = 3 // charge: cancelled (Ctrl-C) and closed
	ExitFailed    = 4 // charge: WeChat refused the payment
	ExitTimedOut  = 5 // charge: nobody paid within --wait; the order was closed
	ExitUnsettled = 6 // recover: some sales or refunds could not be settled now
)

// ChargeExitHelp and RecoverExitHelp end the --help of those commands.
const ChargeExitHelp = `
Exit codes / 退出码: 0 paid 已支付 · 1 error 错误 · 2 bad flags 参数错误 · 3 cancelled (Ctrl-C) 已取消 ·
4 payment failed 支付失败 · 5 timed out (--wait), order closed 超时已关单
Without a config file the charge runs on the built-in sandbox (demo mode, no real money).
`

const RecoverExitHelp = "\nExit codes / 退出码: 0 all settled 全部完成 · 1 error 错误 · 6 some left for later (WeChat unreachable) 部分待处理\n"

// ChargeOptions are the flags of `wxtill charge`.
type ChargeOptions struct {
	Amount      Money
	Description string        // the sale's one line; "" : 收款
	Wait        time.Duration // give up (close) after this long; 0: when the order expires
	JSON        bool          // one JSON object a line instead of text
	Refund      Money         // after the payment, refund this much at once (training, crash tests)
	DemoPage    string        // demo mode: the sandbox's customer-phone page, to print
}

// chargeEvent is one line of `wxtill charge --json`.
type chargeEvent struct {
	Event         string `json:"event"`
	OutTradeNo    string `json:"out_trade_no,omitempty"`
	Amount        string `json:"amount,omitempty"`
	CodeURL       string `json:"code_url,omitempty"`
	ExpiresAt     string `json:"expires_at,omitempty"`
	State         string `json:"state,omitempty"`
	Method        string `json:"method,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`
	OutRefundNo   string `json:"out_refund_no,omitempty"`
	CloseWanted   bool   `json:"close_wanted,omitempty"`
	Page          string `json:"customer_page,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Error         string `json:"error,omitempty"`
}

// RunCharge takes one Native payment from the terminal: it prints the order and its QR,
// waits, and returns an exit code. When interrupt ends (Ctrl-C) the order is cancelled
// (queried, then closed) before it returns.
func RunCharge(interrupt context.Context, co *Checkout, opt ChargeOptions, out io.Writer) int {
	p := &chargePrinter{out: out, json: opt.JSON, page: opt.DemoPage}
	var cart Cart
	if err := cart.AddAmount(orDefault(opt.Description, "收款"), opt.Amount); err != nil {
		return p.fail(err)
	}
	updates := make(chan Update, 64)
	// Not interrupt: Ctrl-C must close the order, not just stop watching it.
	ch, err := co.StartNative(context.WithoutCancel(interrupt), cart, func(u Update) { updates <- u })
	if err != nil {
		return p.fail(err)
	}
	p.demo()
	var timeout <-chan time.Time
	if opt.Wait > 0 {
		timeout = co.cfg.Clock.After(opt.Wait)
	}
	var end chargeEnd
	interrupted := interrupt.Done()
	for {
		select {
		case u := <-updates:
			p.update(u)
			if u.Phase == PhaseStalled { // nobody to press Retry: give up, keep the sale
				end.stalled = true
				ch.Cancel()
			}
			if u.Phase.Final() {
				return finishCharge(interrupt, co, opt, p, u, end)
			}
		case <-interrupted:
			interrupted = nil
			ch.Cancel()
		case <-timeout:
			timeout, end.timedOut = nil, true
			ch.Cancel()
		}
	}
}

// chargeEnd is why RunCharge cancelled a charge.
type chargeEnd struct {
	timedOut bool // --wait passed
	stalled  bool // WeChat could not be reached (or refused the order)
}

// finishCharge turns the final update into an exit code, refunding first when asked.
func finishCharge(ctx context.Context, co *Checkout, opt ChargeOptions, p *chargePrinter, u Update, end chargeEnd) int {
	switch u.Phase {
	case PhasePaid:
		if opt.Refund > 0 {
			return runRefund(ctx, co, u.Sale.OutTradeNo, opt.Refund, p)
		}
		return ExitPaid
	case PhaseExpired:
		return ExitTimedOut
	case PhaseClosed:
		switch {
		case end.stalled:
			return ExitError // no order could be made: nothing was ever payable
		case end.timedOut:
			return ExitTimedOut
		}
		return ExitClosed
	case PhaseFailed:
		return ExitFailed
	}
	return ExitError
}

// runRefund refunds amount of a paid sale and waits (briefly) for WeChat to settle it.
func runRefund(ctx context.Context, co *Checkout, no string, amount Money, p *chargePrinter) int {
	ctx = context.WithoutCancel(ctx)
	r, err := co.Refund(ctx, no, amount, "wxtill charge --refund")
	p.refund("refund", r, err)
	if err != nil && r.OutRefundNo == "" {
		return ExitError
	}
	for try := 0; try < 20 && !r.State.Settled(); try++ {
		<-co.cfg.Clock.After(500 * time.Millisecond)
		r, err = co.SettleRefund(ctx, r.OutRefundNo, no)
	}
	p.refund("refunded", r, err)
	if r.State != RefundSuccess {
		return ExitError
	}
	return ExitPaid
}

// chargePrinter writes what a charge does, as text or JSON lines.
type chargePrinter struct {
	out  io.Writer
	json bool
	page string
}

func (p *chargePrinter) emit(ev chargeEvent, text string) {
	if p.json {
		b, _ := json.Marshal(ev) // plain strings and bools: cannot fail
		fmt.Fprintf(p.out, "%s\n", b)
		return
	}
	fmt.Fprintln(p.out, text)
}

func (p *chargePrinter) fail(err error) int {
	p.emit(chargeEvent{Event: "error", Error: err.Error()}, "错误 / error: "+err.Error())
	return ExitError
}

func (p *chargePrinter) demo() {
	if p.page == "" {
		return
	}
	p.emit(chargeEvent{Event: "demo", Page: p.page},
		"演示模式，不会产生真实交易 / demo mode on the built-in sandbox, no real money\n顾客手机页面 / customer phone page: "+p.page)
}

// update prints one step of the charge; quiet steps print nothing.
func (p *chargePrinter) update(u Update) {
	s := u.Sale
	ev := chargeEvent{Event: string(u.Phase), OutTradeNo: s.OutTradeNo, State: string(s.State), Reason: u.Reason}
	if u.Err != nil {
		ev.Error = u.Err.Error()
	}
	switch u.Phase {
	case PhaseAwaiting:
		ev.Amount, ev.CodeURL, ev.ExpiresAt = s.Total.Yuan(), s.CodeURL, s.ExpiresAt.Format(time.RFC3339)
		p.emit(ev, p.awaitingText(s))
	case PhaseRetrying, PhaseStalled:
		p.emit(ev, fmt.Sprintf("网络或微信支付问题，%s / WeChat Pay trouble (%s): %s", retryWord(u.Phase), u.Phase, ev.Error))
	case PhaseClosing:
		p.emit(ev, "正在关闭订单 / closing the order "+s.OutTradeNo)
	case PhasePaid:
		ev.Amount, ev.Method, ev.TransactionID = s.Total.Yuan(), string(s.Method), s.TransactionID
		p.emit(ev, fmt.Sprintf("已支付 / paid: %s %s (微信支付单号 / transaction %s)", s.OutTradeNo, s.Total, s.TransactionID))
	case PhaseClosed, PhaseExpired, PhaseFailed, PhaseError, PhaseStopped:
		ev.CloseWanted = s.CloseWanted
		p.emit(ev, finalText(u))
	}
}

func retryWord(p Phase) string {
	if p == PhaseStalled {
		return "已放弃 / giving up"
	}
	return "重试中 / retrying"
}

func (p *chargePrinter) awaitingText(s Sale) string {
	text := fmt.Sprintf("订单号 / order: %s\n金额 / amount: %s\n付款链接 / code_url: %s\n有效期至 / expires: %s\n",
		s.OutTradeNo, s.Total, s.CodeURL, s.ExpiresAt.Format("2006-01-02 15:04:05"))
	if q, err := qrcode.New(s.CodeURL, qrcode.Medium); err == nil {
		text += q.ToSmallString(false)
	}
	if p.page != "" {
		text += "在顾客手机页面付款 / pay on the customer page: " + p.page + "pay?code_url=" + url.QueryEscape(s.CodeURL) + "\n"
	}
	return text + "等待付款，Ctrl-C 取消 / waiting for the customer, Ctrl-C cancels"
}

func finalText(u Update) string {
	s := u.Sale
	var text string
	switch u.Phase {
	case PhaseClosed:
		text = "已取消 / cancelled: " + s.OutTradeNo
	case PhaseExpired:
		text = "已超时并关闭 / timed out and closed: " + s.OutTradeNo
	case PhaseFailed:
		text = "支付失败 / payment failed: " + s.OutTradeNo + ": " + u.Reason
	default:
		text = "未完成 / not finished (" + string(u.Phase) + "): " + s.OutTradeNo
	}
	if s.CloseWanted {
		text += "\n微信订单尚未确认关闭，稍后由 wxtill recover 处理 / WeChat has not confirmed the close yet: wxtill recover will"
	}
	if u.Err != nil {
		text += "\n  " + u.Err.Error()
	}
	return text
}

func (p *chargePrinter) refund(event string, r Refund, err error) {
	ev := chargeEvent{Event: event, OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo, Amount: r.Amount.Yuan(), State: string(r.State)}
	if err != nil {
		ev.Error = err.Error()
	}
	p.emit(ev, fmt.Sprintf("退款 / refund %s %s: %s %s", r.OutRefundNo, r.Amount, r.State, ev.Error))
}

// RecoverOptions are the flags of `wxtill recover`.
type RecoverOptions struct {
	JSON bool
}

// RunRecover settles every unsettled sale and refund now and prints one line (or JSON
// object) per sale or refund. It returns ExitPaid when nothing is left unsettled,
// ExitUnsettled when some are (WeChat unreachable, a customer still confirming), and
// ExitError when the ledger could not be read.
func RunRecover(ctx context.Context, co *Checkout, opt RecoverOptions, out io.Writer) int {
	res, err := co.Recover(ctx)
	left := false
	for _, r := range res {
		if opt.JSON {
			b, _ := json.Marshal(r)
			fmt.Fprintf(out, "%s\n", b)
		} else {
			fmt.Fprintln(out, recoveredText(r))
		}
		left = left || r.leftOpen()
	}
	if err != nil {
		p := &chargePrinter{out: out, json: opt.JSON}
		return p.fail(err)
	}
	if !opt.JSON {
		fmt.Fprintf(out, "核对完成 / recovery done: %d 项 / item(s)\n", len(res))
	}
	if left {
		return ExitUnsettled
	}
	return ExitPaid
}

// leftOpen reports whether what recovery looked at still needs looking at.
func (r Recovered) leftOpen() bool {
	switch r.Action {
	case ActionRetry, ActionWaiting, ActionSkipped:
		return true
	case ActionRefund:
		return !RefundState(r.After).Settled()
	}
	return false
}

func recoveredText(r Recovered) string {
	what := r.OutTradeNo
	if r.OutRefundNo != "" {
		what = "refund " + r.OutRefundNo + " of " + r.OutTradeNo
	}
	text := fmt.Sprintf("%s %s: %s → %s (%s", what, r.Total, r.Before, r.After, r.Action)
	if r.WeChat != "" {
		text += ", WeChat " + r.WeChat
	}
	text += ")"
	if r.Flag != "" {
		text += " ⚠ " + r.Flag
	}
	if r.Error != "" {
		text += ": " + r.Error
	}
	return text
}
