package storage

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"wxtill/pos"
)

var allStates = []pos.State{
	pos.StatePending, pos.StateAwaiting, pos.StatePaid, pos.StateClosed,
	pos.StateFailed, pos.StatePartRefunded, pos.StateRefunded,
}

// reach records sale no and walks it, by legal steps, to state s.
func reach(t *testing.T, l *Ledger, no string, s pos.State) pos.Sale {
	t.Helper()
	sale := newSale(no, at(0, 10, 0), 1000)
	must(t, l.CreateSale(sale, ev("cashier")))
	step := func(to pos.State) {
		cur, err := l.Sale(no)
		must(t, err)
		cur.State, cur.UpdatedAt = to, cur.UpdatedAt.Add(time.Minute)
		if to == pos.StatePaid {
			cur.PaidAt = at(0, 10, 1)
		}
		must(t, l.UpdateSale(cur, ev("setup")))
	}
	switch s {
	case pos.StatePending:
	case pos.StateAwaiting, pos.StatePaid, pos.StateClosed, pos.StateFailed:
		step(s)
	case pos.StatePartRefunded, pos.StateRefunded:
		step(pos.StatePaid)
		amount := pos.Money(400)
		if s == pos.StateRefunded {
			amount = 1000
		}
		cur, err := l.Sale(no)
		must(t, err)
		cur.State, cur.Refunded = s, amount
		r := pos.Refund{OutRefundNo: "R" + no, OutTradeNo: no, Amount: amount, State: pos.RefundSuccess, Actor: "owner"}
		must(t, l.SaveRefund(r, &cur, ev("owner")))
	}
	got, err := l.Sale(no)
	must(t, err)
	if got.State != s {
		t.Fatalf("setup: sale %s is %s, want %s", no, got.State, s)
	}
	return got
}

// TestEveryTransition tries every (from, to) pair against the stored state: legal ones
// are written with an event, illegal ones are ErrIllegalTransition and change nothing.
func TestEveryTransition(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	for _, from := range allStates {
		for _, to := range allStates {
			no := fmt.Sprintf("S-%s-%s", from, to)
			t.Run(no, func(t *testing.T) { tryTransition(t, l, no, from, to) })
		}
	}
}

// ledgerView is what one sale's change may touch: the sale, its events, the totals.
func ledgerView(t *testing.T, l *Ledger, no string) (pos.Sale, []pos.Event, string) {
	t.Helper()
	s, err := l.Sale(no)
	must(t, err)
	events, err := l.Events(no)
	must(t, err)
	totals, err := l.Totals(day1, day1.AddDate(0, 0, 2))
	must(t, err)
	return s, events, fmt.Sprintf("%+v", totals)
}

func tryTransition(t *testing.T, l *Ledger, no string, from, to pos.State) {
	reach(t, l, no, from)
	before, events, totals := ledgerView(t, l, no)
	next := before
	next.State, next.LastError, next.UpdatedAt = to, "changed", before.UpdatedAt.Add(time.Hour)
	if to == pos.StatePaid && next.PaidAt.IsZero() {
		next.PaidAt = at(0, 11, 0)
	}
	err := l.UpdateSale(next, ev("test"))
	after, afterEvents, afterTotals := ledgerView(t, l, no)

	if !pos.CanTransition(from, to) {
		expectErrIs(t, "illegal transition", err, pos.ErrIllegalTransition)
		if !sameSale(before, after) || len(afterEvents) != len(events) || totals != afterTotals {
			t.Fatalf("illegal %s → %s changed the ledger", from, to)
		}
		return
	}
	if err != nil {
		t.Fatalf("legal %s → %s refused: %v", from, to, err)
	}
	last := afterEvents[len(afterEvents)-1]
	expectEqual(t, "state", after.State, to)
	expectEqual(t, "events", len(afterEvents), len(events)+1)
	expectEqual(t, "last event", fmt.Sprint(last.From, last.To, last.Actor), fmt.Sprint(from, to, "test"))
}

func TestCreateSaleDuplicate(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	s := newSale("N1", at(0, 9, 30), 1250)
	must(t, l.CreateSale(s, ev("cashier")))
	// The same record again (a retry after a crash) is a no-op, even with the times left out.
	must(t, l.CreateSale(s, ev("cashier")))
	retry := s
	retry.CreatedAt, retry.UpdatedAt = time.Time{}, time.Time{}
	must(t, l.CreateSale(retry, ev("cashier")))

	other := s
	other.Total = 999
	expectErrIs(t, "different sale, same number", l.CreateSale(other, ev("cashier")), pos.ErrDuplicate)
	got, err := l.Sale("N1")
	must(t, err)
	events, err := l.Events("N1")
	must(t, err)
	if got.Total != 1250 || len(events) != 1 {
		t.Fatalf("after duplicates: total %s, %d events; want ¥12.50 and 1 event", got.Total, len(events))
	}
}

func TestUpdateIsIdempotent(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("I1", at(0, 9, 0), 500), ev("cashier")))
	paid := pay(t, l, "I1", at(0, 9, 1))
	// The poller and recovery both record the payment; the second differs only in UpdatedAt.
	must(t, l.UpdateSale(paid, ev("poll")))
	again := paid
	again.UpdatedAt = paid.UpdatedAt.Add(time.Minute)
	must(t, l.UpdateSale(again, ev("recovery")))
	events, err := l.Events("I1")
	must(t, err)
	tot, err := l.Totals(day1, day1.AddDate(0, 0, 1))
	must(t, err)
	if len(events) != 2 || tot.Count != 1 || tot.Gross != 500 {
		t.Fatalf("after repeated PAID: %d events, count %d gross %s; want 2 events, 1 sale of ¥5.00", len(events), tot.Count, tot.Gross)
	}
	if events[0].From != "" || events[0].To != pos.StatePending || events[1].From != pos.StatePending || events[1].To != pos.StatePaid {
		t.Fatalf("events = %+v", events)
	}
}

func TestUpdateRules(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("U1", at(0, 9, 0), 500), ev("cashier")))
	expectErrIs(t, "update of unknown sale", l.UpdateSale(newSale("nope", at(0, 9, 0), 1), ev("x")), pos.ErrNotFound)
	moved := newSale("U1", at(0, 9, 5), 500)
	expectErrIs(t, "changing created_at", l.UpdateSale(moved, ev("x")), ErrInvalid)
	// Switching to cash before payment is fine; after payment the method is fixed.
	s, _ := l.Sale("U1")
	s.Method, s.State, s.Tendered = pos.MethodCash, pos.StatePaid, 1000
	must(t, l.UpdateSale(s, ev("cashier")))
	got, _ := l.Sale("U1")
	if got.PaidAt.IsZero() {
		t.Fatal("a paid sale without PaidAt was not given one")
	}
	got.Method = pos.MethodNative
	expectErrIs(t, "changing a paid sale's method", l.UpdateSale(got, ev("x")), ErrInvalid)
}

func TestInvalidSalesAreRefused(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	base := newSale("V1", at(0, 9, 0), 100)
	cases := map[string]func(s *pos.Sale){
		"empty number":      func(s *pos.Sale) { s.OutTradeNo = "" },
		"space in number":   func(s *pos.Sale) { s.OutTradeNo = "A B" },
		"control in number": func(s *pos.Sale) { s.OutTradeNo = "A\x00B" },
		"number too long":   func(s *pos.Sale) { s.OutTradeNo = fmt.Sprintf("%070d", 1) },
		"negative total":    func(s *pos.Sale) { s.Total = -1 },
		"huge total":        func(s *pos.Sale) { s.Total = 1 << 62 },
		"refund > total":    func(s *pos.Sale) { s.Refunded = 101 },
		"unknown method":    func(s *pos.Sale) { s.Method = "alipay" },
		"new but AWAITING":  func(s *pos.Sale) { s.State = pos.StateAwaiting },
		"unknown state":     func(s *pos.Sale) { s.State = "LOST" },
		"clock in 1990":     func(s *pos.Sale) { s.CreatedAt = time.Date(1990, 1, 1, 0, 0, 0, 0, time.Local) },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			s := base
			spoil(&s)
			expectErrIs(t, name, l.CreateSale(s, ev("x")), ErrInvalid)
		})
	}
	if got, _ := l.SalesBetween(day1.AddDate(-50, 0, 0), day1.AddDate(1, 0, 0)); len(got) != 0 {
		t.Fatalf("refused sales were recorded: %d", len(got))
	}
}

func TestUnsettledAndEvents(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	for i, no := range []string{"O3", "O1", "O2"} { // created in this order
		must(t, l.CreateSale(newSale(no, at(0, 9, i), 100), ev("cashier")))
	}
	s, _ := l.Sale("O1")
	s.State, s.CodeURL = pos.StateAwaiting, "weixin://wxpay/bizpayurl?pr=abc"
	must(t, l.UpdateSale(s, pos.Event{Actor: "cashier", Note: "prepay ok", At: at(0, 9, 10)}))
	pay(t, l, "O3", at(0, 9, 20))

	open, err := l.UnsettledSales()
	must(t, err)
	if len(open) != 2 || open[0].OutTradeNo != "O1" || open[1].OutTradeNo != "O2" || open[0].CodeURL == "" {
		t.Fatalf("unsettled = %+v; want O1 (with its code_url), O2", open)
	}
	events, err := l.Events("O1")
	must(t, err)
	if len(events) != 2 || events[1].Note != "prepay ok" || !sameTime(events[1].At, at(0, 9, 10)) || events[1].From != pos.StatePending {
		t.Fatalf("events of O1 = %+v", events)
	}
	if _, err := l.Events("nope"); !errors.Is(err, pos.ErrNotFound) {
		t.Fatalf("events of unknown sale: %v", err)
	}
	if _, err := l.Sale("nope"); !errors.Is(err, pos.ErrNotFound) {
		t.Fatalf("unknown sale: %v", err)
	}
}

func TestReopenAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	sale := newSale("R1", at(0, 12, 0), 2000)
	sale.Lines = append(sale.Lines, pos.Line{Name: "自定 custom", UnitPrice: 500, Qty: 2})
	must(t, l.CreateSale(sale, ev("cashier")))
	pay(t, l, "R1", at(0, 12, 1))
	must(t, l.PutProduct(pos.Product{SKU: "A1", Name: "可乐", Price: 300, Barcode: "6901234567892"}))
	must(t, l.PutSetting("shop.name", "小卖部"))
	must(t, l.Audit("owner", "refund", "R1 ¥5.00"))
	closeChecked(t, l)

	l = openTest(t, path, Options{NoAutoBackup: true})
	got, err := l.Sale("R1")
	must(t, err)
	if got.State != pos.StatePaid || len(got.Lines) != 2 || got.Lines[1].Qty != 2 || !sameTime(got.PaidAt, at(0, 12, 1)) {
		t.Fatalf("after reopen: %+v", got)
	}
	tot, err := l.Totals(day1, day1.AddDate(0, 0, 1))
	must(t, err)
	if tot.Gross != 2000 || tot.ByHour[12].Count != 1 {
		t.Fatalf("after reopen totals = %+v", tot)
	}
	if ps, _ := l.Products(); len(ps) != 1 || ps[0].Barcode != "6901234567892" {
		t.Fatalf("products after reopen: %+v", ps)
	}
	if v, _ := l.Setting("shop.name"); v != "小卖部" {
		t.Fatalf("setting after reopen: %q", v)
	}
	if a, _ := l.AuditLog(day1, day1.AddDate(0, 0, 1)); len(a) != 1 || a[0].Detail != "R1 ¥5.00" {
		t.Fatalf("audit after reopen: %+v", a)
	}
}
