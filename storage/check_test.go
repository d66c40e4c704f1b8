package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// TestCheckFindsTampering: each kind of damage to the derived data is reported, in
// words that say where.
func TestCheckFindsTampering(t *testing.T) {
	cases := map[string]struct {
		tamper func(tx *bolt.Tx) error
		want   string
	}{
		"day aggregate": {func(tx *bolt.Tx) error {
			d := &dayAgg{All: tally{Count: 5, Gross: 1}}
			return tx.Bucket(bucketDays).Put([]byte("2025-03-14"), encodeAgg(d))
		}, "day 2025-03-14: count is 5, recount says 2"},
		"missing day": {func(tx *bolt.Tx) error {
			return tx.Bucket(bucketDays).Delete([]byte("2025-03-14"))
		}, "day 2025-03-14: count is 0, recount says 2"},
		"open index": {func(tx *bolt.Tx) error {
			return tx.Bucket(bucketOpenSales).Put(tx.Bucket(bucketSaleNo).Get([]byte("K2")), nil)
		}, "sale K2: state PAID but open-sales index says open=true"},
		"refunded field": {func(tx *bolt.Tx) error {
			key := tx.Bucket(bucketSaleNo).Get([]byte("K1"))
			s, _ := decodeSale(key, tx.Bucket(bucketSales).Get(key))
			s.Refunded = 1
			v, _ := encodeSale(s)
			return tx.Bucket(bucketSales).Put(key, v)
		}, "sale K1: refunded ¥0.01 but its successful refunds add up to ¥0.00"},
		"undecodable aggregate": {func(tx *bolt.Tx) error {
			return tx.Bucket(bucketDays).Put([]byte("2025-03-14"), []byte{1, 2})
		}, "day aggregate \"2025-03-14\""},
		"number index": {func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSaleNo).Put([]byte("GHOST"), []byte("12345678GHOST"))
		}, "sale number index has 4 entries for 3 sales"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			l := openTest(t, "", Options{NoAutoBackup: true})
			for i, no := range []string{"K1", "K2", "K3"} {
				must(t, l.CreateSale(newSale(no, at(0, 9, i), 100), ev("cashier")))
			}
			pay(t, l, "K1", at(0, 10, 0))
			pay(t, l, "K2", at(0, 10, 5))
			must(t, l.Check())
			must(t, l.update(c.tamper))
			err := l.Check()
			var ce *CheckError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check = %v\nwant a CheckError mentioning %q", err, c.want)
			}
			must(t, l.Close()) // the check at cleanup would fail: this ledger is broken on purpose
		})
	}
}

// TestDamagedPagesDoNotCrash: garbage over a data page (at several places) is reported
// as an error by Open, a read or Check, or was harmless; nothing panics or kills the
// process.
func TestDamagedPagesDoNotCrash(t *testing.T) {
	for _, page := range []int64{2, 5, 20, 60, 120} {
		t.Run(fmt.Sprint("page", page), func(t *testing.T) {
			path, _ := damagedLedger(t)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			must(t, err)
			_, err = f.WriteAt([]byte(strings.Repeat("\xde\xad\xbe\xef", 1024)), page*4096)
			must(t, err)
			must(t, f.Close())
			l, err := Open(path, Options{NoAutoBackup: true, ReadOnly: true})
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open: %v, want ErrCorrupt", err)
				}
				t.Logf("open: %.200v", err)
				return
			}
			defer l.Close()
			sales, readErr := l.SalesBetween(day1, day1.AddDate(0, 0, 1))
			tot, totErr := l.Totals(day1, day1.AddDate(0, 0, 1))
			checkErr := l.Check()
			if checkErr == nil && (readErr != nil || totErr != nil || len(sales) != damagedSales || tot.Count != damagedSales) {
				// A page that held nothing live (a free page) may be overwritten harmlessly;
				// anything else must be noticed.
				t.Fatalf("Check passed but reads fail or differ: %d sales, %d counted, %v, %v", len(sales), tot.Count, readErr, totErr)
			}
			t.Logf("read: %.200v\ntotals: %.200v\ncheck: %.200v", readErr, totErr, checkErr)
		})
	}
}

func TestCatalogSettingsAudit(t *testing.T) {
	clock := newClock(at(0, 8, 0))
	l := openTest(t, "", Options{NoAutoBackup: true, Clock: clock.Now})
	must(t, l.PutProduct(pos.Product{SKU: "B2", Name: "面包", Price: 650, QuickKey: "2"}))
	must(t, l.PutProduct(pos.Product{SKU: "A1", Name: "可乐", Price: 300}))
	must(t, l.PutProduct(pos.Product{SKU: "A1", Name: "可乐 330ml", Price: 350}))
	for _, bad := range []pos.Product{{SKU: "", Name: "x"}, {SKU: "X", Name: ""}, {SKU: "Y", Name: "y", Price: -1}} {
		expectErrIs(t, fmt.Sprintf("PutProduct(%+v)", bad), l.PutProduct(bad), ErrInvalid)
	}
	ps, err := l.Products()
	must(t, err)
	if len(ps) != 2 || ps[0].SKU != "A1" || ps[0].Price != 350 || ps[1].QuickKey != "2" {
		t.Fatalf("products = %+v", ps)
	}
	must(t, l.DeleteProduct("B2"))
	expectErrIs(t, "deleting a missing product", l.DeleteProduct("B2"), pos.ErrNotFound)

	if _, err := l.Setting("pin.hash"); !errors.Is(err, pos.ErrNotFound) {
		t.Fatalf("unset setting: %v", err)
	}
	must(t, l.PutSetting("pin.hash", "x1"))
	must(t, l.PutSetting("pin.hash", "x2"))
	if v, _ := l.Setting("pin.hash"); v != "x2" {
		t.Fatalf("setting = %q", v)
	}

	must(t, l.Audit("owner", "refund", "N1 ¥1.00"))
	clock.Advance(25 * 60 * 60 * 1e9)
	must(t, l.Audit("owner", "settings", "shop name"))
	expectErrIs(t, "audit without action", l.Audit("owner", "", ""), ErrInvalid)
	all, err := l.AuditLog(day1, day1.AddDate(0, 0, 3))
	must(t, err)
	first, err := l.AuditLog(day1, day1.AddDate(0, 0, 1))
	must(t, err)
	if len(all) != 2 || all[1].Action != "settings" || !all[0].At.Equal(at(0, 8, 0)) || len(first) != 1 {
		t.Fatalf("audit log = %+v (first day %+v)", all, first)
	}
}

// TestStoredFormatV1 decodes a sale as schema 1 stores it: a change of pos's JSON tags
// would silently lose fields of every recorded sale, and must fail here first.
func TestStoredFormatV1(t *testing.T) {
	const stored = `{"out_trade_no":"T1202503140001","till_id":"T1","cashier":"ann","method":"wechat_native",` +
		`"state":"PART_REFUNDED","lines":[{"sku":"A1","name":"可乐","unit_price":300,"qty":2}],"discount":50,` +
		`"total":550,"description":"可乐","code_url":"weixin://wxpay/bizpayurl?pr=x","expires_at":"2025-03-14T03:00:00Z",` +
		`"transaction_id":"4200","paid_at":"2025-03-14T01:01:00Z","refunded":100,"close_wanted":true,"last_error":"e",` +
		`"created_at":"2025-03-14T01:00:00Z","updated_at":"2025-03-14T02:00:00Z"}`
	s, err := decodeSale([]byte("k"), []byte(stored))
	must(t, err)
	want := pos.Sale{OutTradeNo: "T1202503140001", TillID: "T1", Cashier: "ann", Method: pos.MethodNative,
		State: pos.StatePartRefunded, Lines: []pos.Line{{SKU: "A1", Name: "可乐", UnitPrice: 300, Qty: 2}},
		Discount: 50, Total: 550, Description: "可乐", CodeURL: "weixin://wxpay/bizpayurl?pr=x",
		ExpiresAt: at(0, 11, 0), TransactionID: "4200", PaidAt: at(0, 9, 1), Refunded: 100,
		CloseWanted: true, LastError: "e", CreatedAt: at(0, 9, 0), UpdatedAt: at(0, 10, 0)}
	if !sameSale(s, want) || !s.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("decoded %+v\nwant    %+v", s, want)
	}
	enc, err := encodeSale(s)
	must(t, err)
	if string(enc) != stored {
		t.Fatalf("re-encoded differently:\n%s\n%s", enc, stored)
	}
	if _, err := decodeSale([]byte("k"), []byte(`{"state":"LOST"}`)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unknown state: %v", err)
	}
}
