package storage

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// maxChartDays bounds Daily so a slip (a year 20205) cannot allocate millions of days.
const maxChartDays = 3700

// Totals sums the local days from DayStart(from) up to, not including, DayStart(to):
// one range scan over the day aggregates, one read per day that had business.
func (l *Ledger) Totals(from, to time.Time) (pos.Totals, error) {
	t := pos.Totals{From: pos.DayStart(from), To: pos.DayStart(to)}
	err := l.view(func(tx *bolt.Tx) error {
		return eachDay(tx, t.From, t.To, func(_ string, d *dayAgg) {
			t.Add(d.totals())
		})
	})
	return t, err
}

// Daily returns one entry per local day in [DayStart(from), DayStart(to)), oldest first,
// with zeros for days without business.
func (l *Ledger) Daily(from, to time.Time) ([]pos.DayTotals, error) {
	first, end := pos.DayStart(from), pos.DayStart(to)
	var out []pos.DayTotals
	index := map[string]int{}
	for d := first; d.Before(end); d = pos.DayStart(d.Add(36 * time.Hour)) {
		if len(out) == maxChartDays {
			return nil, fmt.Errorf("a chart of more than %d days is not supported (%s to %s)", maxChartDays, pos.DayKey(first), pos.DayKey(end))
		}
		next := pos.DayStart(d.Add(36 * time.Hour))
		index[pos.DayKey(d)] = len(out)
		out = append(out, pos.DayTotals{Day: pos.DayKey(d), Totals: pos.Totals{From: d, To: next}})
	}
	err := l.view(func(tx *bolt.Tx) error {
		return eachDay(tx, first, end, func(day string, d *dayAgg) {
			if i, ok := index[day]; ok {
				out[i].Totals.Add(d.totals())
			}
		})
	})
	return out, err
}

// eachDay calls fn for every stored day aggregate in [from, to): day keys sort as dates.
func eachDay(tx *bolt.Tx, from, to time.Time, fn func(day string, d *dayAgg)) error {
	if !from.Before(to) {
		return nil
	}
	last := []byte(pos.DayKey(to.Add(-time.Nanosecond)))
	c := tx.Bucket(bucketDays).Cursor()
	for k, v := c.Seek([]byte(pos.DayKey(from))); k != nil && bytes.Compare(k, last) <= 0; k, v = c.Next() {
		d, err := decodeAgg(k, v)
		if err != nil {
			return err
		}
		fn(string(k), d)
	}
	return nil
}
