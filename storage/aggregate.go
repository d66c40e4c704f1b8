package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// tally is one group's figures in a day aggregate.
type tally struct {
	Count, Gross, RefundCount, Refunds int64
}

func (t *tally) add(o tally, sign int64) {
	t.Count += sign * o.Count
	t.Gross += sign * o.Gross
	t.RefundCount += sign * o.RefundCount
	t.Refunds += sign * o.Refunds
}

func (t tally) zero() bool { return t == tally{} }

// dayAgg is the stored aggregate of one local day: everything Totals needs, so a day
// costs one read. Hours hold paid sales by the hour they were paid.
type dayAgg struct {
	All     tally
	Methods map[pos.Method]tally
	Hours   [24]struct{ Count, Gross int64 }
}

func (d *dayAgg) add(o *dayAgg, sign int64) {
	d.All.add(o.All, sign)
	for m, t := range o.Methods {
		if d.Methods == nil {
			d.Methods = make(map[pos.Method]tally)
		}
		cur := d.Methods[m]
		cur.add(t, sign)
		if cur.zero() {
			delete(d.Methods, m)
		} else {
			d.Methods[m] = cur
		}
	}
	for h := range d.Hours {
		d.Hours[h].Count += sign * o.Hours[h].Count
		d.Hours[h].Gross += sign * o.Hours[h].Gross
	}
}

func (d *dayAgg) zero() bool {
	if !d.All.zero() || len(d.Methods) > 0 {
		return false
	}
	for _, h := range d.Hours {
		if h.Count != 0 || h.Gross != 0 {
			return false
		}
	}
	return true
}

func (d *dayAgg) totals() pos.Totals {
	t := pos.Totals{
		Count: int(d.All.Count), Gross: pos.Money(d.All.Gross),
		RefundCount: int(d.All.RefundCount), Refunds: pos.Money(d.All.Refunds),
		Net: pos.Money(d.All.Gross - d.All.Refunds),
	}
	if len(d.Methods) > 0 {
		t.ByMethod = make(map[pos.Method]pos.MethodTotals, len(d.Methods))
	}
	for m, mt := range d.Methods {
		t.ByMethod[m] = pos.MethodTotals{
			Count: int(mt.Count), Gross: pos.Money(mt.Gross),
			RefundCount: int(mt.RefundCount), Refunds: pos.Money(mt.Refunds),
			Net: pos.Money(mt.Gross - mt.Refunds),
		}
	}
	for h, ht := range d.Hours {
		t.ByHour[h] = pos.HourTotals{Count: int(ht.Count), Gross: pos.Money(ht.Gross)}
	}
	return t
}

// Day aggregate encoding, version 1: the byte 1, then signed varints: the four totals;
// the number of methods and, for each in name order, the name's length, the name and
// its four figures; then 24 pairs (count, gross) for the hours 0..23.
const aggFormat = 1

func encodeAgg(d *dayAgg) []byte {
	b := []byte{aggFormat}
	putTally := func(t tally) {
		b = binary.AppendVarint(b, t.Count)
		b = binary.AppendVarint(b, t.Gross)
		b = binary.AppendVarint(b, t.RefundCount)
		b = binary.AppendVarint(b, t.Refunds)
	}
	putTally(d.All)
	names := make([]string, 0, len(d.Methods))
	for m := range d.Methods {
		names = append(names, string(m))
	}
	sort.Strings(names)
	b = binary.AppendVarint(b, int64(len(names)))
	for _, name := range names {
		b = binary.AppendVarint(b, int64(len(name)))
		b = append(b, name...)
		putTally(d.Methods[pos.Method(name)])
	}
	for _, h := range d.Hours {
		b = binary.AppendVarint(b, h.Count)
		b = binary.AppendVarint(b, h.Gross)
	}
	return b
}

// aggReader reads varints and remembers the first error.
type aggReader struct {
	b   []byte
	err error
}

var errAggShort = errors.New("aggregate record ends early")

func (r *aggReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errAggShort
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *aggReader) tally() tally {
	return tally{Count: r.int(), Gross: r.int(), RefundCount: r.int(), Refunds: r.int()}
}

func decodeAgg(key, v []byte) (*dayAgg, error) {
	if len(v) == 0 || v[0] != aggFormat {
		return nil, fmt.Errorf("%w: day aggregate %q has an unknown format", ErrCorrupt, key)
	}
	r := &aggReader{b: v[1:]}
	d := &dayAgg{All: r.tally()}
	n := r.int()
	if n < 0 || n > 64 {
		return nil, fmt.Errorf("%w: day aggregate %q: %d methods", ErrCorrupt, key, n)
	}
	for i := int64(0); i < n && r.err == nil; i++ {
		l := r.int()
		if l < 0 || l > int64(len(r.b)) {
			r.err = errAggShort
			break
		}
		name := pos.Method(r.b[:l])
		r.b = r.b[l:]
		if d.Methods == nil {
			d.Methods = make(map[pos.Method]tally)
		}
		d.Methods[name] = r.tally()
	}
	for h := range d.Hours {
		d.Hours[h].Count, d.Hours[h].Gross = r.int(), r.int()
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("trailing bytes")
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: day aggregate %q: %v", ErrCorrupt, key, r.err)
	}
	return d, nil
}

// paid reports whether a sale in state s has been paid (and so counts in gross).
func paid(s pos.State) bool {
	return s == pos.StatePaid || s == pos.StatePartRefunded || s == pos.StateRefunded
}

// firstSet returns the first non-zero time.
func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// deltas collects the changes one transaction makes to day aggregates.
type deltas map[string]*dayAgg

func (ds deltas) day(t time.Time) *dayAgg {
	k := pos.DayKey(t)
	if ds[k] == nil {
		ds[k] = &dayAgg{}
	}
	return ds[k]
}

// addSale adds (sign +1) or removes (-1) a sale's contribution: a paid sale counts on
// the local day and hour of PaidAt. A cash sale whose WeChat order was paid too
// (pos.FlagPaidTwice) counts both payments: the cash, and the WeChat one under the
// WeChat order's method; nothing the shop received is missing from the books.
func (ds deltas) addSale(s *pos.Sale, sign int64) {
	if s == nil || !paid(s.State) {
		return
	}
	at := firstSet(s.PaidAt, s.CreatedAt)
	one := tally{Count: 1, Gross: int64(s.Total)}
	d := &dayAgg{All: one, Methods: map[pos.Method]tally{s.Method: one}}
	h := at.In(time.Local).Hour()
	d.Hours[h].Count, d.Hours[h].Gross = 1, int64(s.Total)
	if paidTwice(s) {
		d.All.add(one, 1)
		d.Methods[s.WeChatMethod()] = one
		d.Hours[h].Count, d.Hours[h].Gross = 2, 2*int64(s.Total)
	}
	ds.day(at).add(d, sign)
}

// paidTwice reports whether s holds two payments: cash, and WeChat's for its order.
func paidTwice(s *pos.Sale) bool {
	return s.Flag == pos.FlagPaidTwice && s.Method == pos.MethodCash && s.TransactionID != ""
}

// refundMethod is the method a refund counts against: the one it was recorded with, or
// (records without one) its sale's.
func refundMethod(r *pos.Refund, saleMethod pos.Method) pos.Method {
	if r.Method != "" {
		return r.Method
	}
	return saleMethod
}

// addRefund adds or removes a refund's contribution: a successful refund counts on the
// local day it succeeded, against its method (refundMethod, saleMethod its sale's).
func (ds deltas) addRefund(r *pos.Refund, saleMethod pos.Method, sign int64) {
	if r == nil || r.State != pos.RefundSuccess {
		return
	}
	method := refundMethod(r, saleMethod)
	at := firstSet(r.SucceededAt, r.UpdatedAt, r.CreatedAt)
	one := tally{RefundCount: 1, Refunds: int64(r.Amount)}
	d := &dayAgg{All: one, Methods: map[pos.Method]tally{method: one}}
	ds.day(at).add(d, sign)
}

// apply writes the changes into the days bucket; a day that falls back to nothing is
// deleted so stored aggregates and a recount have the same days.
func (ds deltas) apply(tx *bolt.Tx) error {
	days := tx.Bucket(bucketDays)
	for k, delta := range ds {
		if delta.zero() {
			continue
		}
		cur := &dayAgg{}
		if v := days.Get([]byte(k)); v != nil {
			var err error
			if cur, err = decodeAgg([]byte(k), v); err != nil {
				return err
			}
		}
		cur.add(delta, 1)
		var err error
		if cur.zero() {
			err = days.Delete([]byte(k))
		} else {
			err = days.Put([]byte(k), encodeAgg(cur))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
