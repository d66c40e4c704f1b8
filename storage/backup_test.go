package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"wxtill/pos"
)

// snapshot is what a restore must bring back: every sale with its events and refunds,
// and the totals.
func snapshot(t testing.TB, l *Ledger) string {
	t.Helper()
	sales, err := l.SalesBetween(day1.AddDate(-1, 0, 0), day1.AddDate(1, 0, 0))
	must(t, err)
	out := fmt.Sprintf("%d sales\n", len(sales))
	for _, s := range sales {
		e, err := l.Events(s.OutTradeNo)
		must(t, err)
		r, err := l.Refunds(s.OutTradeNo)
		must(t, err)
		enc, _ := encodeSale(s)
		out += fmt.Sprintf("%s %d events %d refunds\n", enc, len(e), len(r))
	}
	tot, err := l.Totals(day1.AddDate(-1, 0, 0), day1.AddDate(1, 0, 0))
	must(t, err)
	return out + fmt.Sprintf("%+v", tot)
}

func TestBackupThenRestore(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, filepath.Join(dir, FileName), Options{NoAutoBackup: true})
	fillLedger(t, l, 50)
	must(t, l.CreateSale(newSale("B1", at(0, 18, 0), 900), ev("cashier")))
	s := pay(t, l, "B1", at(0, 18, 1))
	s.State, s.Refunded = pos.StatePartRefunded, 100
	must(t, l.SaveRefund(pos.Refund{OutRefundNo: "RB1", OutTradeNo: "B1", Amount: 100, State: pos.RefundSuccess}, &s, ev("owner")))
	must(t, l.PutProduct(pos.Product{SKU: "A1", Name: "可乐", Price: 300}))
	want := snapshot(t, l)

	copyPath := filepath.Join(dir, "elsewhere", "copy.db")
	must(t, l.Backup(copyPath))
	must(t, l.CreateSale(newSale("AFTER", at(0, 19, 0), 1), ev("cashier"))) // not in the copy

	restored := openTest(t, copyPath, Options{NoAutoBackup: true})
	if got := snapshot(t, restored); got != want {
		t.Fatalf("restored copy differs:\n got %s\nwant %s", got, want)
	}
	if ps, _ := restored.Products(); len(ps) != 1 {
		t.Fatalf("products in the copy: %+v", ps)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "elsewhere", "*.tmp-*")); len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

// TestBackupWhileWriting: a copy taken while sales are written is consistent.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, filepath.Join(dir, FileName), Options{NoAutoBackup: true})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			s := newSale(fmt.Sprintf("W%03d", i), at(0, 10, 0).Add(time.Duration(i)*time.Second), 100)
			s.Method, s.State = pos.MethodCash, pos.StatePaid
			if err := l.CreateSale(s, ev("cashier")); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		must(t, l.Backup(p))
		c := openTest(t, p, Options{NoAutoBackup: true, ReadOnly: true})
		tot, err := c.Totals(day1, day1.AddDate(0, 0, 1))
		must(t, err)
		sales, err := c.SalesBetween(day1, day1.AddDate(0, 0, 1))
		must(t, err)
		if tot.Count != len(sales) || tot.Gross != pos.Money(100*len(sales)) {
			t.Fatalf("copy %d: totals %d/%s for %d sales", i, tot.Count, tot.Gross, len(sales))
		}
	}
	wg.Wait()
}

func TestAutomaticDailyBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	clock := newClock(at(0, 8, 0))
	opt := Options{Clock: clock.Now, KeepBackups: 3}
	backups := func() []string { return dailyBackups(filepath.Join(dir, "backups")) }

	l := openTest(t, path, opt)
	if b := backups(); len(b) != 0 {
		t.Fatalf("an empty ledger was backed up: %v", b)
	}
	fillLedger(t, l, 3)
	closeChecked(t, l)

	l = openTest(t, path, opt) // same day, now with sales: backed up
	closeChecked(t, l)
	l = openTest(t, path, opt) // same day again: nothing new
	closeChecked(t, l)
	if b := backups(); !reflect.DeepEqual(b, []string{"ledger-20250314.db"}) {
		t.Fatalf("backups on day 1 = %v", b)
	}
	for d := 1; d <= 4; d++ {
		clock.Advance(24 * time.Hour)
		l = openTest(t, path, opt)
		closeChecked(t, l)
	}
	want := []string{"ledger-20250316.db", "ledger-20250317.db", "ledger-20250318.db"}
	if b := backups(); !reflect.DeepEqual(b, want) {
		t.Fatalf("after 5 days keeping 3: %v, want %v", b, want)
	}
	c := openTest(t, filepath.Join(dir, "backups", want[2]), Options{ReadOnly: true})
	if sales, _ := c.SalesBetween(day1, day1.AddDate(0, 0, 1)); len(sales) != 3 {
		t.Fatalf("the backup holds %d sales, want 3", len(sales))
	}
	// Other files in the backup directory are never pruned.
	mine := filepath.Join(dir, "backups", "ledger-before-move.db")
	must(t, os.WriteFile(mine, []byte("x"), 0o600))
	clock.Advance(24 * time.Hour)
	l = openTest(t, path, opt)
	closeChecked(t, l)
	if _, err := os.Stat(mine); err != nil {
		t.Fatalf("a file the owner put there was removed: %v", err)
	}
}
