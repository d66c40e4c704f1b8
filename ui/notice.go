package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"wxtill/pos"
)

// notices is the line under the header for news from recovery the cashier must not miss:
// a failed round, what a round settled (and which sales turned out paid), and sales paid
// twice (WeChat and cash), which stay until the till restarts: someone has money to give back.
type notices struct {
	paidTwice []pos.Recovered
	settled   []pos.Recovered // what the latest round that settled anything settled
	err       error           // the latest round's failure; cleared by a round that works
}

// noticeShown bounds the sales named one by one; the rest are counted.
const noticeShown = 2

// add takes one recovery round's results.
func (n *notices) add(rs []pos.Recovered, err error) {
	n.err = err
	if err != nil {
		return
	}
	var settled []pos.Recovered
	for _, r := range rs {
		switch {
		case r.Flag == pos.FlagPaidTwice && r.Action == pos.ActionPaid: // found just now
			n.paidTwice = append(n.paidTwice, r)
		case r.Action == pos.ActionWaiting, r.Action == pos.ActionSkipped, r.Action == pos.ActionRetry:
			continue
		}
		settled = append(settled, r)
	}
	if len(settled) > 0 {
		n.settled = settled
	}
}

// render is the notices in the current language, and how loud they are.
func (n *notices) render() (string, widget.Importance) {
	var lines []string
	imp := widget.MediumImportance
	if n.err != nil {
		lines = append(lines, T("recovery.error", clipText(n.err.Error(), 120)))
		imp = widget.DangerImportance
	}
	for i, r := range n.paidTwice {
		if i == noticeShown {
			lines = append(lines, T("recovery.more", len(n.paidTwice)-noticeShown))
			break
		}
		lines = append(lines, T("recovery.paid_twice", r.OutTradeNo, r.Total.String()))
		imp = widget.DangerImportance
	}
	if len(n.settled) > 0 {
		lines = append(lines, n.settledLine())
	}
	return strings.Join(lines, "\n"), imp
}

// settledLine counts what a round settled and names the sales it found paid: the cashier
// may have believed them unpaid.
func (n *notices) settledLine() string {
	line := T("recovery.settled", len(n.settled))
	named := 0
	for _, r := range n.settled {
		if r.Action != pos.ActionPaid || r.Flag != "" || named == noticeShown {
			continue
		}
		line += " · " + T("recovery.paid", r.OutTradeNo, r.Total.String())
		named++
	}
	return line
}

// newNoticeLabel is the header's wrapping line for notices, hidden while there are none.
func newNoticeLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// showNotices puts the notices on the header's line.
func (t *till) showNotices() {
	text, imp := t.notices.render()
	t.note.Importance = imp
	t.note.SetText(text)
	showIf(t.note, text != "")
}

// recovered tells the cashier what a recovery round did.
func (t *till) recovered(rs []pos.Recovered, err error) {
	t.notices.add(rs, err)
	t.showNotices()
}

// clipText shortens s to at most n characters: a pasted page or a long error must not
// fill the screen.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
