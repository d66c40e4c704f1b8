package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// TestHostileRecordsReadBack: a sale record that is not what the ledger wrote (bad JSON,
// numbers past int64, an unknown state, a bad time) makes every read that meets it
// return an ErrCorrupt error naming the record — never a panic, never a half-read sale —
// and a write over it is refused, not folded into the day's totals.
func TestHostileRecordsReadBack(t *testing.T) {
	cases := map[string]string{
		"not JSON":         `{"out_trade_no":"H1","state":"PAID"`,
		"total past int64": `{"out_trade_no":"H1","state":"PAID","method":"cash","total":1e19}`,
		"quantity huge":    `{"out_trade_no":"H1","state":"PAID","lines":[{"qty":1e30}]}`,
		"unknown state":    `{"out_trade_no":"H1","state":"STOLEN","total":100}`,
		"bad time":         `{"out_trade_no":"H1","state":"PAID","paid_at":"yesterday"}`,
		"not an object":    `[1,2,3]`,
		"empty":            ``,
	}
	for name, record := range cases {
		t.Run(name, func(t *testing.T) {
			l := openTest(t, "", Options{NoAutoBackup: true})
			s := newSale("H1", at(0, 9, 0), 100)
			must(t, l.CreateSale(s, ev("cashier"))) // PENDING: in the open-sales index
			must(t, l.update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketSales).Put(tx.Bucket(bucketSaleNo).Get([]byte("H1")), []byte(record))
			}))
			reads := map[string]func() error{
				"Sale":           func() error { _, err := l.Sale("H1"); return err },
				"UnsettledSales": func() error { _, err := l.UnsettledSales(); return err },
				"SalesBetween":   func() error { _, err := l.SalesBetween(at(0, 0, 0), at(1, 0, 0)); return err },
				"UpdateSale":     func() error { s.State = pos.StateAwaiting; return l.UpdateSale(s, ev("poll")) },
				"SaveRefund": func() error {
					return l.SaveRefund(pos.Refund{OutRefundNo: "RH1", OutTradeNo: "H1", Amount: 1, State: pos.RefundPending}, nil, ev("owner"))
				},
			}
			for what, read := range reads {
				if err := read(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "sale record") {
					t.Errorf("%s: %v, want an ErrCorrupt error naming the sale record", what, err)
				}
			}
			if tot, err := l.Totals(at(0, 0, 0), at(1, 0, 0)); err != nil || tot.Count != 0 {
				t.Errorf("totals %+v %v: the write over the bad record must not have counted", headOf(tot), err)
			}
			if err := l.Check(); !errors.Is(err, ErrInconsistent) {
				t.Errorf("check: %v, want the bad record reported", err)
			}
			must(t, l.Close()) // broken on purpose: no check at cleanup
		})
	}
}

// TestFarFutureRange: a range that ends past what a time key can hold (a slip such as
// year 9999 in a date field) still returns the sales in it.
func TestFarFutureRange(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("F1", at(0, 9, 0), 100), ev("cashier")))
	must(t, l.Audit("owner", "refund", "F1"))
	for _, end := range []time.Time{time.Date(2600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)} {
		sales, err := l.SalesBetween(at(0, 0, 0), end)
		if err != nil || len(sales) != 1 {
			t.Errorf("sales up to %d: %d, %v", end.Year(), len(sales), err)
		}
		audit, err := l.AuditLog(at(0, 0, 0), end)
		if err != nil || len(audit) != 1 {
			t.Errorf("audit up to %d: %d, %v", end.Year(), len(audit), err)
		}
	}
}
