package storage

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wxtill/pos"
)

// TestReadersWhileWriting: readers run beside a writer and always see whole sales:
// every snapshot's totals match its sales, and nothing ever goes backwards.
func TestReadersWhileWriting(t *testing.T) {
	l := openTest(t, "", Options{NoAutoBackup: true})
	const sales, readers = 150, 4
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for i := 0; i < sales; i++ {
			s := newSale(fmt.Sprintf("K%04d", i), at(0, 9, 0).Add(time.Duration(i)*time.Second), 100)
			if err := l.CreateSale(s, ev("cashier")); err != nil {
				t.Error(err)
				return
			}
			s.State, s.PaidAt = pos.StatePaid, s.CreatedAt.Add(time.Second)
			if err := l.UpdateSale(s, ev("poll")); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := 0
			for !done.Load() {
				if err := readerPass(l, &seen); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	tot, err := l.Totals(day1, day1.AddDate(0, 0, 1))
	must(t, err)
	if tot.Count != sales || tot.Gross != 100*sales {
		t.Fatalf("final totals %d / %s, want %d / ¥%d.00", tot.Count, tot.Gross, sales, sales)
	}
}

func readerPass(l *Ledger, seen *int) error {
	tot, err := l.Totals(day1, day1.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if tot.Gross != pos.Money(100*tot.Count) || tot.ByMethod[pos.MethodNative].Count != tot.Count {
		return fmt.Errorf("torn totals: %d sales, gross %s", tot.Count, tot.Gross)
	}
	if tot.Count < *seen {
		return fmt.Errorf("totals went back from %d to %d", *seen, tot.Count)
	}
	*seen = tot.Count
	open, err := l.UnsettledSales()
	if err != nil {
		return err
	}
	for _, s := range open {
		if s.State.Settled() {
			return fmt.Errorf("settled sale %s listed as unsettled", s.OutTradeNo)
		}
	}
	all, err := l.SalesBetween(day1, day1.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if len(all) < tot.Count {
		return fmt.Errorf("%d sales listed after %d were counted paid", len(all), tot.Count)
	}
	return nil
}
