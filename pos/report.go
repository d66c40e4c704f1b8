package pos

import (
	"fmt"
	"time"
)

// The read side of the books: what the owner screens and `wxtill report` show.
// Implemented by storage.Ledger from per-day aggregates kept in the same transaction as
// every sale and refund, so a day's totals cost one read however many sales it has.
//
// Days are the shop's local days (time.Local). A paid sale counts on the day and in the
// hour it was paid (PaidAt), twice when it was paid twice (FlagPaidTwice: cash and
// WeChat); a refund counts on the day it succeeded (SucceededAt).
// Net is always Gross − Refunds.

// HourTotals is what was taken in one hour of the day, by the hour sales were paid.
type HourTotals struct {
	Count int   `json:"count"`
	Gross Money `json:"gross"`
}

// MethodTotals is one payment method's share of a period. Refunds count against the
// method they give money back by (Refund.Method; the sale's method in records without
// one). A paid-twice sale counts its cash and its WeChat payment, each under its method.
type MethodTotals struct {
	Count       int   `json:"count"` // paid sales
	Gross       Money `json:"gross"`
	RefundCount int   `json:"refund_count"` // successful refunds
	Refunds     Money `json:"refunds"`
	Net         Money `json:"net"`
}

// Totals is a period's takings: the local days [From, To).
type Totals struct {
	From        time.Time               `json:"from"` // local midnight of the first day
	To          time.Time               `json:"to"`   // local midnight after the last day
	Count       int                     `json:"count"`
	Gross       Money                   `json:"gross"`
	RefundCount int                     `json:"refund_count"`
	Refunds     Money                   `json:"refunds"`
	Net         Money                   `json:"net"`
	ByMethod    map[Method]MethodTotals `json:"by_method"`
	ByHour      [24]HourTotals          `json:"by_hour"`
}

// Add adds o's figures (not its From and To) to t and keeps every Net = Gross − Refunds.
func (t *Totals) Add(o Totals) {
	t.Count += o.Count
	t.Gross += o.Gross
	t.RefundCount += o.RefundCount
	t.Refunds += o.Refunds
	t.Net = t.Gross - t.Refunds
	for m, mt := range o.ByMethod {
		if t.ByMethod == nil {
			t.ByMethod = make(map[Method]MethodTotals)
		}
		cur := t.ByMethod[m]
		cur.Count += mt.Count
		cur.Gross += mt.Gross
		cur.RefundCount += mt.RefundCount
		cur.Refunds += mt.Refunds
		cur.Net = cur.Gross - cur.Refunds
		t.ByMethod[m] = cur
	}
	for h := range t.ByHour {
		t.ByHour[h].Count += o.ByHour[h].Count
		t.ByHour[h].Gross += o.ByHour[h].Gross
	}
}

// DayTotals is one local day's totals, Day as "2006-01-02".
type DayTotals struct {
	Day string `json:"day"`
	Totals
}

// Books answers the owner's questions about takings.
type Books interface {
	// Totals sums the local days from DayStart(from) up to, not including, DayStart(to):
	// one read per day that had any business.
	Totals(from, to time.Time) (Totals, error)
	// Daily returns one entry per local day in the same range, oldest first, days
	// without business included as zeros (for a chart of recent days).
	Daily(from, to time.Time) ([]DayTotals, error)
	// SalesBetween returns the sales created in [from, to), oldest first, in any state.
	SalesBetween(from, to time.Time) ([]Sale, error)
}

// DayStart returns local midnight of t's local day.
func DayStart(t time.Time) time.Time {
	y, m, d := t.In(time.Local).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}

// DayKey names t's local day, "2006-01-02".
func DayKey(t time.Time) string { return t.In(time.Local).Format(time.DateOnly) }

// ParseDay reads a day written "2006-01-02" and returns its local midnight.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("日期格式不对 / bad date %q: write it as YYYY-MM-DD, e.g. 2025-03-14", s)
	}
	return t, nil
}

// AuditEntry is one owner action kept in the ledger's audit log (refund, settings
// change, catalog edit, ...). Detail must never hold a secret.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// AuditTrail records and lists owner actions. Implemented by storage.Ledger.
type AuditTrail interface {
	Audit(actor, action, detail string) error
	// AuditLog returns the entries made in [from, to), oldest first.
	AuditLog(from, to time.Time) ([]AuditEntry, error)
}

// Settings are the till's small named values kept in the ledger (never secrets: keys
// stay in their own files). Setting returns ErrNotFound for a key never set.
type Settings interface {
	Setting(key string) (string, error)
	PutSetting(key, value string) error
}
