package pos

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// fakeLedger is an in-memory Ledger that keeps the contract's rules: every change is
// checked against CanTransition, nothing is deleted, and writes can be made to fail.
type fakeLedger struct {
	mu        sync.Mutex
	sales     map[string]Sale
	order     []string // numbers in creation order
	events    map[string][]Event
	refunds   map[string][]Refund
	failNext  int   // fail this many writes from now
	writeErr  error // what a failed write returns
	illegal   []string
	onWritten func(s Sale) // called after each sale write, outside the lock
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{sales: map[string]Sale{}, events: map[string][]Event{}, refunds: map[string][]Refund{},
		writeErr: errors.New("disk full")}
}

func (l *fakeLedger) failWrites(n int) {
	l.mu.Lock()
	l.failNext = n
	l.mu.Unlock()
}

func (l *fakeLedger) writeFails() bool {
	if l.failNext > 0 {
		l.failNext--
		return true
	}
	return false
}

func (l *fakeLedger) CreateSale(s Sale, ev Event) error {
	l.mu.Lock()
	if l.writeFails() {
		l.mu.Unlock()
		return l.writeErr
	}
	if old, ok := l.sales[s.OutTradeNo]; ok {
		l.mu.Unlock()
		if reflect.DeepEqual(old, s) {
			return nil
		}
		return ErrDuplicate
	}
	if !s.State.Known() || (s.State != StatePending && s.State != StatePaid) {
		l.mu.Unlock()
		return fmt.Errorf("create in state %s: %w", s.State, ErrIllegalTransition)
	}
	l.sales[s.OutTradeNo] = s.clone()
	l.order = append(l.order, s.OutTradeNo)
	l.events[s.OutTradeNo] = append(l.events[s.OutTradeNo], ev)
	cb := l.onWritten
	l.mu.Unlock()
	if cb != nil {
		cb(s)
	}
	return nil
}

func (l *fakeLedger) UpdateSale(s Sale, ev Event) error {
	l.mu.Lock()
	if l.writeFails() {
		l.mu.Unlock()
		return l.writeErr
	}
	old, ok := l.sales[s.OutTradeNo]
	if !ok {
		l.mu.Unlock()
		return ErrNotFound
	}
	if !CanTransition(old.State, s.State) {
		l.illegal = append(l.illegal, fmt.Sprintf("%s: %s → %s", s.OutTradeNo, old.State, s.State))
		l.mu.Unlock()
		return fmt.Errorf("%s → %s: %w", old.State, s.State, ErrIllegalTransition)
	}
	ev.From, ev.To = old.State, s.State
	l.sales[s.OutTradeNo] = s.clone()
	l.events[s.OutTradeNo] = append(l.events[s.OutTradeNo], ev)
	cb := l.onWritten
	l.mu.Unlock()
	if cb != nil {
		cb(s)
	}
	return nil
}

func (l *fakeLedger) Sale(no string) (Sale, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sales[no]
	if !ok {
		return Sale{}, ErrNotFound
	}
	return s.clone(), nil
}

func (l *fakeLedger) UnsettledSales() ([]Sale, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Sale
	for _, no := range l.order {
		if s := l.sales[no]; s.NeedsRecovery() {
			out = append(out, s.clone())
		}
	}
	return out, nil
}

func (l *fakeLedger) Events(no string) ([]Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events[no]...), nil
}

func (l *fakeLedger) SaveRefund(r Refund, sale *Sale, ev Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writeFails() {
		return l.writeErr
	}
	if sale != nil {
		old, ok := l.sales[sale.OutTradeNo]
		if !ok {
			return ErrNotFound
		}
		if !CanTransition(old.State, sale.State) {
			return ErrIllegalTransition
		}
		l.sales[sale.OutTradeNo] = sale.clone()
		l.events[sale.OutTradeNo] = append(l.events[sale.OutTradeNo], ev)
	}
	rs := l.refunds[r.OutTradeNo]
	for i := range rs {
		if rs[i].OutRefundNo == r.OutRefundNo {
			rs[i] = r
			return nil
		}
	}
	l.refunds[r.OutTradeNo] = append(rs, r)
	return nil
}

func (l *fakeLedger) Refunds(no string) ([]Refund, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Refund(nil), l.refunds[no]...), nil
}

func (l *fakeLedger) UnsettledRefunds() ([]Refund, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Refund
	for _, rs := range l.refunds {
		for _, r := range rs {
			if !r.State.Settled() {
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// states lists the states a sale went through, from its events.
func (l *fakeLedger) states(no string) []State {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []State
	for _, ev := range l.events[no] {
		if len(out) == 0 || out[len(out)-1] != ev.To {
			out = append(out, ev.To)
		}
	}
	return out
}
