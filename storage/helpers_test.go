package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wxtill/pos"
)

func TestMain(m *testing.M) {
	// The shop's days are local days: test them in the zone the tills run in.
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		time.Local = loc
	} else {
		time.Local = time.FixedZone("CST", 8*3600)
	}
	day1 = time.Date(2025, 3, 14, 0, 0, 0, 0, time.Local)
	fixtureDay0 = time.Date(2023, 1, 1, 0, 0, 0, 0, time.Local)
	code := m.Run()
	removeBenchFixture()
	os.Exit(code)
}

// testClock is a settable clock for Options.Clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// day1 is a Friday in the shop's zone (set in TestMain, after time.Local).
var day1 time.Time

func at(day, hour, minute int) time.Time {
	return day1.AddDate(0, 0, day).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// openTest opens a ledger at path (a new one in a temp dir when path is "") and, when
// the test ends, runs the same check as `wxtill report --check` and closes it, like
// bbolt's btesting. Tests that close a ledger themselves use closeChecked.
func openTest(t testing.TB, path string, opt Options) *Ledger {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), FileName)
	}
	if opt.Clock == nil {
		opt.Clock = newClock(at(0, 9, 0)).Now
	}
	if opt.Logf == nil {
		opt.Logf = t.Logf
	}
	l, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { closeChecked(t, l) })
	return l
}

// closeChecked checks the ledger's consistency, then closes it (once).
func closeChecked(t testing.TB, l *Ledger) {
	t.Helper()
	if l.closed.Load() {
		return
	}
	if err := l.Check(); err != nil {
		t.Errorf("consistency check of %s: %v", l.Path(), err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// newSale is a PENDING Native sale of one line.
func newSale(no string, created time.Time, total pos.Money) pos.Sale {
	return pos.Sale{
		OutTradeNo: no, TillID: "T1", Cashier: "ann", Method: pos.MethodNative, State: pos.StatePending,
		Lines:       []pos.Line{{SKU: "A1", Name: "可乐 Cola", UnitPrice: total, Qty: 1}},
		Total:       total,
		Description: "可乐",
		CreatedAt:   created, UpdatedAt: created,
	}
}

func ev(actor string) pos.Event { return pos.Event{Actor: actor} }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pay moves a stored sale to PAID at paidAt.
func pay(t testing.TB, l *Ledger, no string, paidAt time.Time) pos.Sale {
	t.Helper()
	s, err := l.Sale(no)
	must(t, err)
	s.State, s.PaidAt, s.UpdatedAt, s.TransactionID = pos.StatePaid, paidAt, paidAt, "4200"+no
	must(t, l.UpdateSale(s, ev("poll")))
	return s
}

// fileDigest is a file's size, modification time and content hash: equal digests
// before and after mean the file was not touched.
func fileDigest(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	info, err := os.Stat(path)
	must(t, err)
	return fmt.Sprintf("%d %s %x", info.Size(), info.ModTime().Format(time.RFC3339Nano), sha256.Sum256(b))
}

// sameTime compares times by instant (records come back in time.Local, without the
// monotonic reading).
func sameTime(a, b time.Time) bool { return a.Equal(b) }

// headline is the top figures of a Totals, to compare in one go.
type headline struct {
	Count, RefundCount  int
	Gross, Refunds, Net pos.Money
}

func headOf(t pos.Totals) headline {
	return headline{Count: t.Count, RefundCount: t.RefundCount, Gross: t.Gross, Refunds: t.Refunds, Net: t.Net}
}

// expectEqual reports a difference between got and want, named what.
func expectEqual[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

// expectErrIs reports an error that is not target.
func expectErrIs(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
	}
}
