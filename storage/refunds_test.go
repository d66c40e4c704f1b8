package storage

import (
	"fmt"
	"testing"

	"wxtill/pos"
)

func TestRefundRules(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("P1", at(0, 9, 0), 1000), ev("cashier")))
	r1 := pos.Refund{OutRefundNo: "RF1", OutTradeNo: "P1", Amount: 300, State: pos.RefundPending, Actor: "owner"}
	expectErrIs(t, "refund of an unpaid sale", l.SaveRefund(r1, nil, ev("owner")), pos.ErrIllegalTransition)
	pay(t, l, "P1", at(0, 9, 1))
	must(t, l.SaveRefund(r1, nil, ev("owner")))
	must(t, l.SaveRefund(r1, nil, ev("owner"))) // the same again: no-op

	tooMuch := pos.Refund{OutRefundNo: "RF2", OutTradeNo: "P1", Amount: 701, State: pos.RefundPending}
	expectErrIs(t, "refunds above the total", l.SaveRefund(tooMuch, nil, ev("owner")), ErrInvalid)
	changed := r1
	changed.Amount = 400
	expectErrIs(t, "changing a refund's amount", l.SaveRefund(changed, nil, ev("owner")), pos.ErrDuplicate)
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
	expectErrIs(t, "SUCCESS → PROCESSING", l.SaveRefund(back, nil, ev("x")), pos.ErrIllegalTransition)
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
	expectEqual(t, "day 1 (created, not paid)", headOf(day(0)), headline{})
	d2 := day(1)
	expectEqual(t, "day 2", headOf(d2), headline{Count: 2, Gross: 1500, Net: 1500})
	expectEqual(t, "day 2, hour 0", d2.ByHour[0], pos.HourTotals{Count: 1, Gross: 1000})
	expectEqual(t, "day 2, hour 10", d2.ByHour[10], pos.HourTotals{Count: 1, Gross: 500})
	expectEqual(t, "day 2, cash", d2.ByMethod[pos.MethodCash], pos.MethodTotals{Count: 1, Gross: 500, Net: 500})
	d3 := day(2)
	expectEqual(t, "day 3", headOf(d3), headline{RefundCount: 1, Refunds: 1000, Net: -1000})
	expectEqual(t, "day 3, native", d3.ByMethod[pos.MethodNative], pos.MethodTotals{RefundCount: 1, Refunds: 1000, Net: -1000})

	all, err := l.Totals(at(0, 12, 0), at(3, 1, 0)) // times inside days: whole days count
	must(t, err)
	expectEqual(t, "three days", headOf(all), headline{Count: 2, Gross: 1500, RefundCount: 1, Refunds: 1000, Net: 500})
	expectEqual(t, "from", all.From.Unix(), day1.Unix())
	expectEqual(t, "to", all.To.Unix(), at(3, 0, 0).Unix())

	daily, err := l.Daily(at(0, 0, 0), at(4, 0, 0))
	must(t, err)
	var days []string
	var nets []pos.Money
	for _, d := range daily {
		days, nets = append(days, d.Day), append(nets, d.Net)
	}
	expectEqual(t, "daily days", fmt.Sprint(days), "[2025-03-14 2025-03-15 2025-03-16 2025-03-17]")
	expectEqual(t, "daily nets", fmt.Sprint(nets), "[¥0.00 ¥15.00 -¥10.00 ¥0.00]")

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
