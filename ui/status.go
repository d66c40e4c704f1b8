package ui

import (
	"errors"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// statusPanel tells the cashier where a charge stands, in words that leave no doubt
// whether money moved, with the actions that make sense at that step.
type statusPanel struct {
	bg       *canvas.Rectangle
	headline *widget.Label
	detail   *widget.Label
	cancel   *widget.Button
	cash     *widget.Button
	retry    *widget.Button
	simPay   *widget.Button
	simFail  *widget.Button
	back     *widget.Button
	view     fyne.CanvasObject
}

// statusActions are what the panel's buttons do.
type statusActions struct {
	cancel, cash, retry, simPay, simFail, back func()
}

var (
	calmBg    = color.NRGBA{R: 0xF2, G: 0xF4, B: 0xF7, A: 0xFF}
	troubleBg = color.NRGBA{R: 0xFF, G: 0xF4, B: 0xE0, A: 0xFF}
	failBg    = color.NRGBA{R: 0xFD, G: 0xEC, B: 0xEA, A: 0xFF}
)

func newStatusPanel(a statusActions, demo bool) *statusPanel {
	p := &statusPanel{}
	p.bg = canvas.NewRectangle(calmBg)
	p.headline = headingLabel()
	p.detail = widget.NewLabel("")
	p.detail.Wrapping = fyne.TextWrapWord
	p.cancel = widget.NewButton(T("status.cancel")+" (Esc)", a.cancel)
	p.cash = widget.NewButton(T("status.take_cash")+" (F3)", a.cash)
	p.retry = widget.NewButton(T("status.retry")+" (F5)", a.retry)
	p.retry.Importance = widget.HighImportance
	p.back = widget.NewButton(T("status.back")+" (Esc)", a.back)
	// Every action stays on screen (greyed when it does not apply) so the layout never
	// jumps and the cashier learns where each one is.
	buttons := container.NewGridWithColumns(3, p.cancel, p.cash, p.retry, p.back)
	if demo {
		p.simPay = widget.NewButton(T("demo.sim_pay")+" (F6)", a.simPay)
		p.simFail = widget.NewButton(T("demo.sim_fail")+" (F11)", a.simFail)
		buttons.Add(p.simPay)
		buttons.Add(p.simFail)
	}
	p.view = container.NewStack(p.bg, container.NewPadded(container.NewVBox(p.headline, p.detail, buttons)))
	return p
}

// chargeView is what the panel needs to know about a charge.
type chargeView struct {
	u      pos.Update
	method pos.Method // how the charge started (a switch to cash shows in u.Sale.Method)
	now    time.Time
}

// show renders a charge's latest update.
func (p *statusPanel) show(cv chargeView) {
	u := cv.u
	head, detail, mood := phaseWords(cv)
	p.detail.SetText(detail)
	p.bg.FillColor, p.headline.Importance = calmBg, widget.MediumImportance
	switch mood {
	case moodTrouble:
		p.bg.FillColor, p.headline.Importance = troubleBg, widget.WarningImportance
	case moodFailed:
		p.bg.FillColor, p.headline.Importance = failBg, widget.DangerImportance
	case moodPaid:
		p.bg.FillColor, p.headline.Importance = paidBg, widget.SuccessImportance
	}
	p.headline.SetText(head)
	open := !u.Phase.Final() && u.Phase != pos.PhaseClosing
	enableIf(p.cancel, open)
	enableIf(p.cash, open)
	enableIf(p.retry, u.Phase == pos.PhaseStalled)
	enableIf(p.back, u.Phase.Final())
	if p.simPay != nil {
		// The customer can pay a QR that is up, even while the till cannot reach WeChat.
		qrUp := u.Phase == pos.PhaseRetrying && u.Sale.CodeURL != ""
		enableIf(p.simPay, u.Phase == pos.PhaseAwaiting || u.Phase == pos.PhaseUserPay || qrUp)
		enableIf(p.simFail, u.Phase == pos.PhaseUserPay)
	}
	p.bg.Refresh()
}

func enableIf(d fyne.Disableable, enabled bool) {
	if enabled {
		d.Enable()
	} else {
		d.Disable()
	}
}

func showIf(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

type mood int

const (
	moodCalm mood = iota
	moodTrouble
	moodFailed
	moodPaid
)

// phaseWords says a phase in the cashier's language: a headline, details and a mood.
func phaseWords(cv chargeView) (string, string, mood) {
	u, s := cv.u, cv.u.Sale
	order := T("status.order_no", s.OutTradeNo)
	if paidByWeChatsWord(u) { // "closed" with WeChat saying paid: paid it is
		return T("status.paid", s.Total.String()), T("note.paid_unconfirmed") + "\n" + order, moodPaid
	}
	switch u.Phase {
	case pos.PhaseRecording, pos.PhasePreparing:
		if cv.method == pos.MethodCode {
			return T("status.sending_code"), order, moodCalm
		}
		return T("status.preparing"), order, moodCalm
	case pos.PhaseAwaiting:
		detail := order
		if !s.ExpiresAt.IsZero() {
			detail += " · " + T("status.expires_in", clockLeft(s.ExpiresAt.Sub(cv.now)))
		}
		return T("status.awaiting"), detail, moodCalm
	case pos.PhaseUserPay:
		return T("status.user_paying"), order, moodCalm
	case pos.PhaseRetrying:
		return T("status.retrying"), describeErr(u.Err) + "\n" + T("status.retrying_hint"), moodTrouble
	case pos.PhaseStalled:
		// Red, not amber: the till has stopped trying and waits for the cashier.
		return T("status.stalled"), describeErr(u.Err) + "\n" + T("status.stalled_hint"), moodFailed
	case pos.PhaseClosing:
		return T("status.closing"), order, moodCalm
	case pos.PhasePaid:
		return T("status.paid", s.Total.String()), methodName(s.Method) + " · " + order, moodPaid
	}
	return finalWords(cv)
}

// finalWords covers the endings without money.
func finalWords(cv chargeView) (string, string, mood) {
	u, s := cv.u, cv.u.Sale
	order := T("status.order_no", s.OutTradeNo)
	switch u.Phase {
	case pos.PhaseClosed:
		if s.CloseWanted {
			return T("status.closed"), T("status.close_pending") + "\n" + order, moodFailed
		}
		return T("status.closed"), order, moodFailed
	case pos.PhaseExpired:
		if cv.method == pos.MethodCode {
			return T("status.code_expired"), order, moodFailed
		}
		return T("status.expired"), order, moodFailed
	case pos.PhaseFailed:
		return T("status.failed", reasonText(u)), order, moodFailed
	case pos.PhaseError:
		return T("status.ledger_error"), describeErr(u.Err), moodFailed
	case pos.PhaseStopped:
		return T("status.stopped"), order, moodFailed
	}
	return string(u.Phase), order, moodCalm
}

// reasonText is WeChat's own words for a failure, or our best guess at them.
func reasonText(u pos.Update) string {
	if r := strings.TrimSpace(u.Reason); r != "" {
		return r
	}
	if u.Err != nil {
		return describeErr(u.Err)
	}
	return T("status.no_reason")
}

// describeErr turns gateway trouble into a short line for people: our words for network
// trouble, WeChat's code and message for its answers.
func describeErr(err error) string {
	if err == nil {
		return ""
	}
	var ge *pos.GatewayError
	if !errors.As(err, &ge) {
		return err.Error()
	}
	switch ge.Code {
	case "NETWORK":
		return T("err.net.network")
	case "TIMEOUT":
		return T("err.net.timeout")
	case "BAD_SIGNATURE":
		return T("err.net.signature")
	}
	msg := strings.TrimSpace(ge.Message)
	if msg == "" {
		return ge.Code
	}
	return ge.Code + ": " + msg
}
