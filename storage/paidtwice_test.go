package storage

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// A sale switched to cash whose WeChat order was paid too (pos.FlagPaidTwice): the shop
// holds the cash and WeChat holds a second payment. The books must show both, and the
// WeChat refund that gives one back must count against WeChat, not against the drawer.
func TestPaidTwiceBooks(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	s := newSale("D1", at(0, 9, 0), 1500)
	s.ExpiresAt = at(0, 9, 10) // a Native order was made before the switch to cash
	must(t, l.CreateSale(s, ev("cashier")))
	s, _ = l.Sale("D1")
	s.State, s.Method, s.Tendered, s.PaidAt, s.CloseWanted = pos.StatePaid, pos.MethodCash, 2000, at(0, 9, 1), true
	must(t, l.UpdateSale(s, ev("cashier")))

	// Recovery: WeChat reports the order paid after all.
	s, _ = l.Sale("D1")
	s.TransactionID, s.Flag, s.CloseWanted = "4200D1", pos.FlagPaidTwice, false
	must(t, l.UpdateSale(s, ev("recovery")))
	day := func() pos.Totals {
		t.Helper()
		tot, err := l.Totals(at(0, 0, 0), at(1, 0, 0))
		must(t, err)
		return tot
	}
	got := day()
	expectEqual(t, "paid twice: day", headOf(got), headline{Count: 2, Gross: 3000, Net: 3000})
	expectEqual(t, "paid twice: cash", got.ByMethod[pos.MethodCash], pos.MethodTotals{Count: 1, Gross: 1500, Net: 1500})
	expectEqual(t, "paid twice: WeChat", got.ByMethod[pos.MethodNative], pos.MethodTotals{Count: 1, Gross: 1500, Net: 1500})
	expectEqual(t, "paid twice: 09:00", got.ByHour[9], pos.HourTotals{Count: 2, Gross: 3000})

	// The owner refunds the WeChat payment the next day: the cash stays in the drawer.
	r := pos.Refund{OutRefundNo: "RD1", OutTradeNo: "D1", Amount: 1500, Method: pos.MethodNative, State: pos.RefundPending}
	must(t, l.SaveRefund(r, nil, ev("owner")))
	s, _ = l.Sale("D1")
	s.State, s.Refunded = pos.StateRefunded, 1500
	r.State, r.SucceededAt = pos.RefundSuccess, at(1, 10, 0)
	must(t, l.SaveRefund(r, &s, ev("owner")))
	expectEqual(t, "paid twice: day after the refund", headOf(day()), headline{Count: 2, Gross: 3000, Net: 3000})
	week, err := l.Totals(at(0, 0, 0), at(7, 0, 0))
	must(t, err)
	expectEqual(t, "paid twice, WeChat refunded: week", headOf(week), headline{Count: 2, Gross: 3000, RefundCount: 1, Refunds: 1500, Net: 1500})
	expectEqual(t, "paid twice, WeChat refunded: cash", week.ByMethod[pos.MethodCash], pos.MethodTotals{Count: 1, Gross: 1500, Net: 1500})
	expectEqual(t, "paid twice, WeChat refunded: WeChat", week.ByMethod[pos.MethodNative],
		pos.MethodTotals{Count: 1, Gross: 1500, RefundCount: 1, Refunds: 1500, Net: 0})

	// A refund keeps the method it was recorded with.
	moved := r
	moved.Method = pos.MethodCash
	expectErrIs(t, "changing a refund's method", l.SaveRefund(moved, nil, ev("owner")), pos.ErrDuplicate)
}

// A refund recorded without a method (records made before refunds kept one) counts
// against its sale's method, as it always did.
func TestRefundWithoutMethodCountsAgainstSale(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	cash := newSale("C1", at(0, 9, 0), 800)
	cash.Method, cash.State, cash.Tendered = pos.MethodCash, pos.StatePaid, 800
	must(t, l.CreateSale(cash, ev("cashier")))
	cash, _ = l.Sale("C1")
	cash.State, cash.Refunded = pos.StatePartRefunded, 300
	r := pos.Refund{OutRefundNo: "RC1", OutTradeNo: "C1", Amount: 300, State: pos.RefundSuccess, SucceededAt: at(0, 9, 5)}
	must(t, l.SaveRefund(r, &cash, ev("owner")))
	tot, err := l.Totals(at(0, 0, 0), at(1, 0, 0))
	must(t, err)
	expectEqual(t, "cash", tot.ByMethod[pos.MethodCash], pos.MethodTotals{Count: 1, Gross: 800, RefundCount: 1, Refunds: 300, Net: 500})
}

// A ledger of schema 1 holding a paid-twice sale counted only its cash: the upgrade to
// schema 2 adds the WeChat payment, so the aggregates agree with the recount again.
func TestMigrationV2CountsPaidTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	saved := migrations
	migrations = saved[:1] // a wxtill of schema 1 writes the ledger
	l := openTest(t, path, Options{NoAutoBackup: true})
	s := newSale("D1", at(0, 9, 0), 1500)
	s.State, s.Method, s.Tendered, s.PaidAt, s.CodeURL = pos.StatePaid, pos.MethodCash, 1500, at(0, 9, 1), "weixin://x"
	must(t, l.CreateSale(s, ev("cashier")))
	s, _ = l.Sale("D1")
	s.TransactionID, s.Flag = "4200D1", pos.FlagPaidTwice
	other := newSale("D2", at(0, 9, 5), 700)
	must(t, l.CreateSale(other, ev("cashier")))
	pay(t, l, "D2", at(0, 9, 6))
	migrations = saved // schema 1's rule for this write: only the cash counts
	must(t, l.update(func(tx *bolt.Tx) error {
		key, old, err := loadSale(tx, "D1")
		if err != nil {
			return err
		}
		v, err := encodeSale(s)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketSales).Put(key, v); err != nil {
			return err
		}
		return l.appendEvent(tx, key, pos.Event{OutTradeNo: "D1", From: old.State, To: old.State, Actor: "recovery"})
	}))
	if err := l.Check(); !errors.Is(err, ErrInconsistent) {
		t.Fatalf("a schema-1 ledger with a paid-twice sale: check says %v", err)
	}
	must(t, l.Close())

	l = openTest(t, path, Options{NoAutoBackup: true}) // upgrades; its cleanup runs Check
	tot, err := l.Totals(at(0, 0, 0), at(1, 0, 0))
	must(t, err)
	expectEqual(t, "after the upgrade", headOf(tot), headline{Count: 3, Gross: 3700, Net: 3700})
	expectEqual(t, "WeChat after the upgrade", tot.ByMethod[pos.MethodNative], pos.MethodTotals{Count: 2, Gross: 2200, Net: 2200})
}

// Replays: the paid-twice write and a refund's write repeated (later UpdatedAt) change
// nothing; an older write replayed after them cannot take WeChat's payment off the sale.
func TestPaidTwiceReplays(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	s := newSale("R1", at(0, 9, 0), 1000)
	s.CodeURL = "weixin://x"
	must(t, l.CreateSale(s, ev("cashier")))
	s, _ = l.Sale("R1")
	s.State, s.Method, s.Tendered, s.PaidAt, s.CloseWanted = pos.StatePaid, pos.MethodCash, 1000, at(0, 9, 1), true
	must(t, l.UpdateSale(s, ev("cashier")))
	cashOnly, _ := l.Sale("R1")
	flagged := cashOnly
	flagged.TransactionID, flagged.Flag, flagged.CloseWanted = "4200R1", pos.FlagPaidTwice, false
	for i := 0; i < 2; i++ {
		flagged.UpdatedAt = at(0, 10, i)
		must(t, l.UpdateSale(flagged, ev("recovery")))
	}
	r := pos.Refund{OutRefundNo: "RR1", OutTradeNo: "R1", Amount: 1000, Method: pos.MethodNative, State: pos.RefundSuccess, SucceededAt: at(0, 11, 0)}
	refunded := flagged
	refunded.State, refunded.Refunded = pos.StateRefunded, 1000
	for i := 0; i < 2; i++ {
		r.UpdatedAt, refunded.UpdatedAt = at(0, 11, i), at(0, 11, i)
		must(t, l.SaveRefund(r, &refunded, ev("owner")))
	}
	stale := flagged // PAID, flagged: legal from PAID, but not from REFUNDED
	expectErrIs(t, "an older PAID write after the refund", l.UpdateSale(stale, ev("replay")), pos.ErrIllegalTransition)

	// Before any refund: the write from before the flag, replayed, would drop WeChat's payment.
	l2 := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l2.CreateSale(s, ev("cashier")))
	one, _ := l2.Sale("R1")
	one.State, one.Method, one.Tendered, one.PaidAt, one.CloseWanted = pos.StatePaid, pos.MethodCash, 1000, at(0, 9, 1), true
	must(t, l2.UpdateSale(one, ev("cashier")))
	two := one
	two.TransactionID, two.Flag, two.CloseWanted = "4200R1", pos.FlagPaidTwice, false
	must(t, l2.UpdateSale(two, ev("recovery")))
	expectErrIs(t, "replaying the write from before the flag", l2.UpdateSale(one, ev("replay")), ErrInvalid)

	events, err := l.Events("R1")
	must(t, err)
	tot, err := l.Totals(at(0, 0, 0), at(1, 0, 0))
	must(t, err)
	expectEqual(t, "events", len(events), 4) // created, cash, flagged, refunded
	expectEqual(t, "totals after replays", headOf(tot), headline{Count: 2, Gross: 2000, RefundCount: 1, Refunds: 1000, Net: 1000})
}
