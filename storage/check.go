package storage

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// CheckError lists what Check found wrong.
type CheckError struct {
	Path     string
	Problems []string
}

// maxShown bounds the problems an error message lists; Problems keeps them all.
const maxShown = 50

func (e *CheckError) Error() string {
	shown := e.Problems
	more := ""
	if len(shown) > maxShown {
		shown, more = shown[:maxShown], fmt.Sprintf("\n  ... and %d more", len(e.Problems)-maxShown)
	}
	return fmt.Sprintf("账本不一致 / %s: %s: %d problem(s):\n  %s%s",
		ErrInconsistent, e.Path, len(e.Problems), strings.Join(shown, "\n  "), more)
}

func (e *CheckError) Unwrap() error { return ErrInconsistent }

// Check verifies the whole ledger and returns nil or a *CheckError: bbolt's own page
// check; every index entry against the records; each sale's last event against its
// state and its Refunded against its successful refunds; and the day aggregates against
// a recount from sales and refunds. It reads everything: seconds on a ledger of
// millions of sales. On a writable ledger it holds the write lock meanwhile, as bbolt's
// page check needs.
func (l *Ledger) Check() error {
	var problems []string
	err := l.checkTx(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, "bbolt: "+err.Error())
		}
		if len(problems) > 0 {
			return nil // records on damaged pages cannot be trusted further
		}
		r := recount{tx: tx, days: deltas{}, refunded: map[string]pos.Money{}, methods: map[string]pos.Method{}}
		r.sales()
		r.refunds()
		r.compareDays()
		problems = append(problems, r.problems...)
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &CheckError{Path: l.path, Problems: problems}
	}
	return nil
}

func (l *Ledger) checkTx(fn func(*bolt.Tx) error) (err error) {
	if l.opt.ReadOnly {
		return l.view(fn)
	}
	// A writable transaction that is rolled back: no writer can run beside the check.
	err = l.update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

var errRollback = errors.New("rolled back on purpose")

// recount rebuilds what the indexes and aggregates should hold, noting every difference.
type recount struct {
	tx       *bolt.Tx
	days     deltas
	refunded map[string]pos.Money  // out_trade_no → successful refunds
	stated   map[string]pos.Money  // out_trade_no → the sale's own Refunded
	methods  map[string]pos.Method // out_trade_no → method, for refunds
	problems []string
}

func (r *recount) notef(format string, a ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, a...))
}

func (r *recount) sales() {
	r.stated = map[string]pos.Money{}
	byNo, open := r.tx.Bucket(bucketSaleNo), r.tx.Bucket(bucketOpenSales)
	n := 0
	_ = r.tx.Bucket(bucketSales).ForEach(func(k, v []byte) error {
		n++
		s, err := decodeSale(k, v)
		if err != nil {
			r.notef("%v", err)
			return nil
		}
		if !bytes.Equal(byNo.Get([]byte(s.OutTradeNo)), k) || !bytes.Equal(k, saleKey(s.CreatedAt, s.OutTradeNo)) {
			r.notef("sale %s: its number index or key does not match the record", s.OutTradeNo)
		}
		if isOpen := open.Get(k) != nil; isOpen != s.NeedsRecovery() {
			r.notef("sale %s: state %s but open-sales index says open=%v", s.OutTradeNo, s.State, isOpen)
		}
		r.lastEvent(k, s)
		r.days.addSale(&s, +1)
		r.methods[s.OutTradeNo], r.stated[s.OutTradeNo] = s.Method, s.Refunded
		return nil
	})
	if m := byNo.Stats().KeyN; m != n {
		r.notef("sale number index has %d entries for %d sales", m, n)
	}
	_ = open.ForEach(func(k, _ []byte) error {
		if r.tx.Bucket(bucketSales).Get(k) == nil {
			r.notef("open-sales index entry %x has no sale", k)
		}
		return nil
	})
}

func (r *recount) lastEvent(key []byte, s pos.Sale) {
	seq := lastEventSeq(r.tx.Bucket(bucketEvents), key)
	if seq == 0 {
		r.notef("sale %s: no events", s.OutTradeNo)
		return
	}
	ek := eventKey(key, seq)
	e, err := decodeEvent(ek, r.tx.Bucket(bucketEvents).Get(ek))
	switch {
	case err != nil:
		r.notef("%v", err)
	case e.To != s.State:
		r.notef("sale %s: state %s but its last event says %s", s.OutTradeNo, s.State, e.To)
	}
}

func (r *recount) refunds() {
	open := r.tx.Bucket(bucketOpenRefunds)
	_ = r.tx.Bucket(bucketRefunds).ForEach(func(k, v []byte) error {
		f, err := decodeRefund(k, v)
		if err != nil {
			r.notef("%v", err)
			return nil
		}
		method, ok := r.methods[f.OutTradeNo]
		if !ok {
			r.notef("refund %s: its sale %s is not recorded", f.OutRefundNo, f.OutTradeNo)
			return nil
		}
		if isOpen := open.Get(k) != nil; isOpen == f.State.Settled() {
			r.notef("refund %s: state %s but open-refunds index says open=%v", f.OutRefundNo, f.State, isOpen)
		}
		if f.State == pos.RefundSuccess {
			r.refunded[f.OutTradeNo] += f.Amount
		}
		r.days.addRefund(&f, method, +1)
		return nil
	})
	for no, want := range r.stated {
		if got := r.refunded[no]; got != want {
			r.notef("sale %s: refunded %s but its successful refunds add up to %s", no, want, got)
		}
	}
	_ = open.ForEach(func(k, _ []byte) error {
		if r.tx.Bucket(bucketRefunds).Get(k) == nil {
			r.notef("open-refunds index entry %q has no refund", k)
		}
		return nil
	})
}

// compareDays compares the stored day aggregates with the recount, field by field.
func (r *recount) compareDays() {
	stored := map[string]*dayAgg{}
	_ = r.tx.Bucket(bucketDays).ForEach(func(k, v []byte) error {
		d, err := decodeAgg(k, v)
		if err != nil {
			r.notef("%v", err)
			d = &dayAgg{}
		}
		stored[string(k)] = d
		return nil
	})
	keys := make([]string, 0, len(stored)+len(r.days))
	for k := range stored {
		keys = append(keys, k)
	}
	for k, d := range r.days {
		if _, ok := stored[k]; !ok && !d.zero() {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		want, got := r.days[k], stored[k]
		if want == nil {
			want = &dayAgg{}
		}
		if got == nil {
			got = &dayAgg{}
		}
		for _, diff := range diffAgg(got, want) {
			r.notef("day %s: %s", k, diff)
		}
	}
}

func diffAgg(got, want *dayAgg) []string {
	var out []string
	g, w := got.totals(), want.totals()
	field := func(name string, a, b any) {
		if a != b {
			out = append(out, fmt.Sprintf("%s is %v, recount says %v", name, a, b))
		}
	}
	field("count", g.Count, w.Count)
	field("gross", g.Gross, w.Gross)
	field("refund count", g.RefundCount, w.RefundCount)
	field("refunds", g.Refunds, w.Refunds)
	var methods []string
	for m := range g.ByMethod {
		methods = append(methods, string(m))
	}
	for m := range w.ByMethod {
		if _, ok := g.ByMethod[m]; !ok {
			methods = append(methods, string(m))
		}
	}
	sort.Strings(methods)
	for _, name := range methods {
		m := pos.Method(name)
		field("method "+string(m), g.ByMethod[m], w.ByMethod[m])
	}
	for h := range g.ByHour {
		field(fmt.Sprintf("hour %02d", h), g.ByHour[h], w.ByHour[h])
	}
	return out
}
