package storage

import (
	"errors"
	"testing"

	"wxtill/pos"
)

func TestRefundRules(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("P1", at(0, 9, 0), 1000), ev("cashier")))
	r1 := pos.Refund{OutRefundNo: "RF1", OutTradeNo: "P1", Amount: 300, State: pos.RefundPending, Actor: "owner"}
	if err := l.SaveRefund(r1, nil, ev("owner")); !errors.Is(err, pos.ErrIllegalTransition) {
		t.Fatalf("refund of an unpaid sale: err = %v, want ErrIllegalTransition", err)
	}
	pay(t, l, "P1", at(0, 9, 1))
	must(t, l.SaveRefund(r1, nil, ev("owner")))
	must(t, l.SaveRefund(r1, nil, ev("owner"))) // the same again: no-op

	tooMuch := pos.Refund{OutRefundNo: "RF2", OutTradeNo: "P1", Amount: 701, State: pos.RefundPending}
	if err := l.SaveRefund(tooMuch, nil, ev("owner")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("refunds above the total: err = %v, want ErrInvalid", err)
	}
	changed := r1
	changed.Amount = 400
	if err := l.SaveRefund(changed, nil, ev("owner")); !errors.Is(err, pos.ErrDuplicate) {
		t.Fatalf("changing a refund's amount: err = %v, want ErrDuplicate", err)
	}
	if open, _ := l.UnsettledRefunds(); len(open) != 1 || open[0].OutRefundNo != "RF1" {
		t.Fatalf("unsettled refunds = %+v", open)
	}

	// WeChat says it succeeded the next day: refund and sale change together.
	sale, _ := l.Sale("P1")
	sale.State, sale.Refunded = pos.StatePartRefunded, 300
	done := r1
	done.State, done.SucceededAt, done.RefundID = pos.RefundSuccess, at(1, 10, 0), "50300"
	must(t, l.SaveRefund(done, &sale, ev("recovery")))
	back := done
	back.State = pos.RefundProcessing
	if err := l.SaveRefund(back, nil, ev("x")); !errors.Is(err, pos.ErrIllegalTransition) {
		t.Fatalf("SUCCESS → PROCESSING: err = %v, want ErrIllegalTransition", err)
	}
	if open, _ := l.UnsettledRefunds(); len(open) != 0 {
		t.Fatalf("unsettled refunds after success = %+v", open)
	}
	// The rest of the total is still refundable; more is not.
	r2 := pos.Refund{OutRefundNo: "RF2", OutTradeNo: "P1", Amount: 700, State: pos.RefundPending}
	must(t, l.SaveRefund(r2, nil, ev("owner")))
	refunds, err := l.Refunds("P1")
	must(t, err)
	if len(refunds) != 2 || refunds[0].OutRefundNo != "RF1" || refunds[0].RefundID != "50300" || refunds[1].OutRefundNo != "RF2" {
		t.Fatalf("refunds = %+v", refunds)
	}
	events, _ := l.Events("P1")
	if len(events) != 5 || events[2].To != pos.StatePaid || events[2].Note == "" || events[3].To != pos.StatePartRefunded {
		t.Fatalf("events = %+v", events)
	}
}

// TestRefundDayAndMethod: a refund counts on the day it succeeded, against the method of
// its sale; net may go below zero on a day with more refunds than sales.
func TestRefundDayAndMethod(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("M1", at(0, 23, 30), 1000), ev("cashier")))
	pay(t, l, "M1", at(1, 0, 10)) // paid after midnight: counts on day 2, hour 0
	cash := newSale("M2", at(1, 10, 15), 500)
	cash.Method, cash.State, cash.PaidAt = pos.MethodCash, pos.StatePaid, at(1, 10, 15)
	must(t, l.CreateSale(cash, ev("cashier")))

	sale, _ := l.Sale("M1")
	sale.State, sale.Refunded = pos.StateRefunded, 1000
	r := pos.Refund{OutRefundNo: "RM1", OutTradeNo: "M1", Amount: 1000, State: pos.RefundSuccess, SucceededAt: at(2, 9, 0)}
	must(t, l.SaveRefund(r, &sale, ev("owner")))

	day := func(d int) pos.Totals {
		tot, err := l.Totals(at(d, 0, 0), at(d+1, 0, 0))
		must(t, err)
		return tot
	}
	if d := day(0); d.Count != 0 || d.Gross != 0 {
		t.Fatalf("day 1 (created, not paid) = %+v", d)
	}
	d2 := day(1)
	if d2.Count != 2 || d2.Gross != 1500 || d2.ByHour[0].Gross != 1000 || d2.ByHour[10].Gross != 500 ||
		d2.ByMethod[pos.MethodCash].Gross != 500 || d2.ByMethod[pos.MethodNative].Count != 1 {
		t.Fatalf("day 2 = %+v", d2)
	}
	d3 := day(2)
	if d3.Count != 0 || d3.Refunds != 1000 || d3.Net != -1000 || d3.RefundCount != 1 || d3.ByMethod[pos.MethodNative].Refunds != 1000 {
		t.Fatalf("day 3 = %+v", d3)
	}
	all, err := l.Totals(at(0, 12, 0), at(3, 1, 0)) // times inside days: whole days count
	must(t, err)
	if all.Count != 2 || all.Gross != 1500 || all.Refunds != 1000 || all.Net != 500 || !all.From.Equal(day1) || !all.To.Equal(at(3, 0, 0)) {
		t.Fatalf("three days = %+v", all)
	}
	daily, err := l.Daily(at(0, 0, 0), at(4, 0, 0))
	must(t, err)
	if len(daily) != 4 || daily[0].Day != "2025-03-14" || daily[1].Gross != 1500 || daily[2].Net != -1000 || daily[3].Count != 0 {
		t.Fatalf("daily = %+v", daily)
	}
	sales, err := l.SalesBetween(at(0, 0, 0), at(1, 0, 0))
	must(t, err)
	if len(sales) != 1 || sales[0].OutTradeNo != "M1" {
		t.Fatalf("sales created on day 1 = %+v", sales)
	}
}

// TestCorrectedPaidAtMovesTheSale: rewriting a paid sale with another PaidAt moves its
// contribution from one day to the other (difference of old and new record).
func TestCorrectedPaidAtMovesTheSale(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("C1", at(0, 23, 59), 800), ev("cashier")))
	s := pay(t, l, "C1", at(0, 23, 59))
	s.PaidAt = at(1, 0, 1) // WeChat's success_time, a little later
	must(t, l.UpdateSale(s, ev("recovery")))
	d1, _ := l.Totals(at(0, 0, 0), at(1, 0, 0))
	d2, _ := l.Totals(at(1, 0, 0), at(2, 0, 0))
	if d1.Count != 0 || d1.ByHour[23].Count != 0 || d2.Count != 1 || d2.ByHour[0].Gross != 800 {
		t.Fatalf("day 1 = %+v\nday 2 = %+v", d1, d2)
	}
	if d, _ := l.Daily(at(0, 0, 0), at(2, 0, 0)); len(d) != 2 || d[0].Count != 0 {
		t.Fatalf("daily = %+v", d)
	}
}
