package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// The read benchmarks run on a ledger of 1,000,000 sales (WXTILL_BENCH_SALES overrides)
// made once per run by the same code the till runs (createSale, updateSale, saveRefund),
// only in transactions of 10,000 sales instead of one each. It never runs without -bench.

const salesPerDay = 1000

var fixture struct {
	once  sync.Once
	dir   string
	path  string
	sales int
	err   error
}

func benchSales() int {
	if n, err := strconv.Atoi(os.Getenv("WXTILL_BENCH_SALES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

func removeBenchFixture() {
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
}

// benchLedger returns the path of the shared big ledger, building it on first use.
func benchLedger(b *testing.B) string {
	b.Helper()
	fixture.once.Do(func() {
		fixture.sales = benchSales()
		fixture.dir, fixture.err = os.MkdirTemp("", "wxtill-bench-")
		if fixture.err != nil {
			return
		}
		fixture.path = filepath.Join(fixture.dir, FileName)
		start := time.Now()
		fixture.err = buildFixture(fixture.path, fixture.sales)
		fmt.Fprintf(os.Stderr, "bench fixture: %d sales built in %s\n", fixture.sales, time.Since(start).Round(time.Second))
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.path
}

// fixtureDay0 is the first day of the fixture (set in TestMain, after time.Local).
var fixtureDay0 time.Time

func buildFixture(path string, n int) error {
	l, err := Open(path, Options{NoAutoBackup: true, Clock: func() time.Time { return fixtureDay0 }})
	if err != nil {
		return err
	}
	defer l.Close()
	const batch = 10_000
	for first := 0; first < n; first += batch {
		err := l.update(func(tx *bolt.Tx) error {
			for i := first; i < first+batch && i < n; i++ {
				if err := fixtureSale(l, tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fixtureSale writes sale i as the till would: 70% Native (PENDING, AWAITING, PAID),
// 10% payment code (PENDING, PAID), 20% cash (PAID at once); 1% partly refunded;
// the last few left AWAITING.
func fixtureSale(l *Ledger, tx *bolt.Tx, i int) error {
	day, nth := i/salesPerDay, i%salesPerDay
	created := fixtureDay0.AddDate(0, 0, day).Add(8*time.Hour + time.Duration(nth)*50*time.Second)
	s := newSale(fmt.Sprintf("T1%s%06d", created.Format("20060102"), nth), created, pos.Money(100+i%5000))
	s.Lines = append(s.Lines, pos.Line{SKU: "B7", Name: "面包 Bread", UnitPrice: 0, Qty: 1 + i%3})
	switch {
	case i%10 < 2:
		s.Method, s.State, s.PaidAt, s.Tendered = pos.MethodCash, pos.StatePaid, created, s.Total
		return l.createSale(tx, s, ev("cashier"))
	case i%10 == 2:
		s.Method = pos.MethodCode
	}
	if err := l.createSale(tx, s, ev("cashier")); err != nil {
		return err
	}
	if s.Method == pos.MethodNative {
		s.State, s.CodeURL, s.ExpiresAt = pos.StateAwaiting, "weixin://wxpay/bizpayurl?pr=Ab12Cd34", created.Add(2*time.Hour)
		if err := l.updateSale(tx, s, ev("cashier")); err != nil {
			return err
		}
	}
	if i >= benchSales()-3 {
		return nil
	}
	s.State, s.PaidAt, s.TransactionID = pos.StatePaid, created.Add(20*time.Second), "42000012345678901234567890"
	s.UpdatedAt = s.PaidAt
	if err := l.updateSale(tx, s, ev("poll")); err != nil {
		return err
	}
	if i%100 != 7 {
		return nil
	}
	r := pos.Refund{OutRefundNo: "RF" + s.OutTradeNo, OutTradeNo: s.OutTradeNo, Amount: s.Total / 2,
		State: pos.RefundSuccess, Actor: "owner", CreatedAt: s.PaidAt.Add(time.Hour), SucceededAt: s.PaidAt.Add(time.Hour)}
	s.State, s.Refunded = pos.StatePartRefunded, r.Amount
	return l.saveRefund(tx, r, &s, ev("owner"))
}

// fixtureMidDay is a day in the middle of the fixture.
func fixtureMidDay() time.Time {
	return fixtureDay0.AddDate(0, 0, fixture.sales/salesPerDay/2)
}

func openBench(b *testing.B) *Ledger {
	b.Helper()
	l, err := Open(benchLedger(b), Options{NoAutoBackup: true, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

// BenchmarkCommitSale is one Native sale recorded as the till does: PENDING, AWAITING,
// PAID, three durable commits with their events and aggregates.
func BenchmarkCommitSale(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), FileName), Options{NoAutoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSale("B"+strconv.Itoa(i), time.Now(), pos.Money(100+i%5000))
		if err := l.CreateSale(s, ev("cashier")); err != nil {
			b.Fatal(err)
		}
		s.State, s.CodeURL = pos.StateAwaiting, "weixin://wxpay/bizpayurl?pr=Ab12Cd34"
		if err := l.UpdateSale(s, ev("cashier")); err != nil {
			b.Fatal(err)
		}
		s.State, s.PaidAt = pos.StatePaid, time.Now()
		if err := l.UpdateSale(s, ev("poll")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sales/s")
}

// BenchmarkCommitCashSale is one cash sale: one durable commit.
func BenchmarkCommitCashSale(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), FileName), Options{NoAutoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSale("C"+strconv.Itoa(i), time.Now(), 500)
		s.Method, s.State = pos.MethodCash, pos.StatePaid
		if err := l.CreateSale(s, ev("cashier")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sales/s")
}

func BenchmarkDayTotals1M(b *testing.B) {
	l := openBench(b)
	day := fixtureMidDay()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := l.Totals(day, day.AddDate(0, 0, 1))
		if err != nil || t.Count == 0 {
			b.Fatalf("totals = %+v, %v", t, err)
		}
	}
}

func BenchmarkChart30Days1M(b *testing.B) {
	l := openBench(b)
	end := fixtureMidDay()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		days, err := l.Daily(end.AddDate(0, 0, -30), end)
		if err != nil || len(days) != 30 || days[29].Count == 0 {
			b.Fatalf("daily: %d days, %v", len(days), err)
		}
	}
}

func BenchmarkSalesOfDay1M(b *testing.B) {
	l := openBench(b)
	day := fixtureMidDay()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sales, err := l.SalesBetween(day, day.AddDate(0, 0, 1))
		if err != nil || len(sales) != salesPerDay {
			b.Fatalf("sales of a day: %d, %v", len(sales), err)
		}
	}
}

func BenchmarkUnsettled1M(b *testing.B) {
	l := openBench(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		open, err := l.UnsettledSales()
		if err != nil || len(open) != 3 {
			b.Fatalf("unsettled: %d, %v", len(open), err)
		}
	}
}

// BenchmarkOpen1M opens (with the read-only check first) and closes the big ledger, and
// reports its size per sale.
func BenchmarkOpen1M(b *testing.B) {
	path := benchLedger(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := Open(path, Options{NoAutoBackup: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(info.Size())/float64(fixture.sales), "bytes/sale")
}

// BenchmarkBackup1M is the daily backup of the big ledger (a consistent copy, synced).
func BenchmarkBackup1M(b *testing.B) {
	l := openBench(b)
	dst := filepath.Join(b.TempDir(), "copy.db")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := l.Backup(dst); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck1M is `wxtill report --check` on the big ledger: bbolt's page check and a
// recount of every sale and refund.
func BenchmarkCheck1M(b *testing.B) {
	l := openBench(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := l.Check(); err != nil {
			b.Fatal(err)
		}
	}
}
