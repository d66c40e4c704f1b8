package storage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"wxtill/pos"
)

// model is what the ledger should hold after a run of random operations, kept by the
// test in plain maps; expected totals are recounted from it without the ledger's code.
type model struct {
	t       *testing.T
	l       *Ledger
	rng     *rand.Rand
	now     time.Time
	sales   map[string]pos.Sale
	nos     []string
	refunds map[string]pos.Refund
	pending []string // refunds not yet settled
	events  map[string]int
}

func TestPropertyAggregatesEqualRecount(t *testing.T) {
	ops := 300
	if testing.Short() {
		ops = 80
	}
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			m := &model{
				t: t, l: openTest(t, "", Options{NoAutoBackup: true}),
				rng: rand.New(rand.NewPCG(seed, 2025)), now: at(0, 7, 0),
				sales: map[string]pos.Sale{}, refunds: map[string]pos.Refund{}, events: map[string]int{},
			}
			for i := 0; i < ops; i++ {
				m.now = m.now.Add(time.Duration(1+m.rng.IntN(180)) * time.Minute)
				m.step(i)
			}
			m.verify()
			if err := m.l.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func (m *model) step(i int) {
	switch n := m.rng.IntN(100); {
	case n < 20:
		m.create(i, false)
	case n < 28:
		m.create(i, true)
	case n < 38:
		m.move(pos.StateAwaiting, pos.StatePending)
	case n < 53:
		m.move(pos.StatePaid, pos.StatePending, pos.StateAwaiting, pos.StateClosed)
	case n < 59:
		m.move(pos.StateClosed, pos.StatePending, pos.StateAwaiting)
	case n < 62:
		m.move(pos.StateFailed, pos.StatePending, pos.StateAwaiting)
	case n < 72:
		m.startRefund(i)
	case n < 82:
		m.settleRefund(pos.RefundSuccess)
	case n < 85:
		m.settleRefund(pos.RefundClosed)
	case n < 93:
		m.rewrite()
	default:
		m.illegal()
	}
}

func (m *model) create(i int, cash bool) {
	s := newSale(fmt.Sprintf("P%04d", i), m.now, pos.Money(1+m.rng.IntN(20000)))
	if m.rng.IntN(4) == 0 {
		s.Method = pos.MethodCode
	}
	if cash {
		s.Method, s.State, s.PaidAt, s.Tendered = pos.MethodCash, pos.StatePaid, m.now, s.Total
	}
	must(m.t, m.l.CreateSale(s, ev("cashier")))
	m.sales[s.OutTradeNo], m.nos = s, append(m.nos, s.OutTradeNo)
	m.events[s.OutTradeNo]++
}

// pick returns a random recorded sale in one of the states, or false.
func (m *model) pick(states ...pos.State) (pos.Sale, bool) {
	var fit []string
	for _, no := range m.nos {
		for _, st := range states {
			if m.sales[no].State == st {
				fit = append(fit, no)
			}
		}
	}
	if len(fit) == 0 {
		return pos.Sale{}, false
	}
	return m.sales[fit[m.rng.IntN(len(fit))]], true
}

func (m *model) move(to pos.State, from ...pos.State) {
	s, ok := m.pick(from...)
	if !ok {
		return
	}
	s.State, s.UpdatedAt = to, m.now
	if to == pos.StatePaid {
		s.PaidAt = m.now
	}
	must(m.t, m.l.UpdateSale(s, ev("poll")))
	m.sales[s.OutTradeNo] = s
	m.events[s.OutTradeNo]++
}

// committed is what a sale's live refunds (not CLOSED) already take from its total.
func (m *model) committed(no string) pos.Money {
	var sum pos.Money
	for _, r := range m.refunds {
		if r.OutTradeNo == no && r.State != pos.RefundClosed {
			sum += r.Amount
		}
	}
	return sum
}

func (m *model) startRefund(i int) {
	s, ok := m.pick(pos.StatePaid, pos.StatePartRefunded)
	left := s.Total - m.committed(s.OutTradeNo)
	if !ok || left <= 0 {
		return
	}
	amount := left
	if m.rng.IntN(2) == 0 && left > 1 {
		amount = pos.Money(1 + m.rng.Int64N(int64(left-1)))
	}
	r := pos.Refund{OutRefundNo: fmt.Sprintf("R%04d", i), OutTradeNo: s.OutTradeNo, Amount: amount,
		State: pos.RefundPending, CreatedAt: m.now, UpdatedAt: m.now}
	must(m.t, m.l.SaveRefund(r, nil, ev("owner")))
	m.refunds[r.OutRefundNo], m.pending = r, append(m.pending, r.OutRefundNo)
	m.events[s.OutTradeNo]++
}

func (m *model) settleRefund(to pos.RefundState) {
	if len(m.pending) == 0 {
		return
	}
	k := m.rng.IntN(len(m.pending))
	r := m.refunds[m.pending[k]]
	m.pending = append(m.pending[:k], m.pending[k+1:]...)
	r.State, r.UpdatedAt = to, m.now
	var sale *pos.Sale
	if to == pos.RefundSuccess {
		s := m.sales[r.OutTradeNo]
		s.Refunded += r.Amount
		s.State, s.UpdatedAt = pos.StatePartRefunded, m.now
		if s.Refunded == s.Total {
			s.State = pos.StateRefunded
		}
		r.SucceededAt, sale = m.now, &s
	}
	must(m.t, m.l.SaveRefund(r, sale, ev("recovery")))
	m.refunds[r.OutRefundNo] = r
	if sale != nil {
		m.sales[sale.OutTradeNo] = *sale
	}
	m.events[r.OutTradeNo]++ // the refund's note, or the sale's change
}

// rewrite records a stored sale again, as a retry would: nothing may change.
func (m *model) rewrite() {
	if len(m.nos) == 0 {
		return
	}
	s := m.sales[m.nos[m.rng.IntN(len(m.nos))]]
	s.UpdatedAt = m.now
	must(m.t, m.l.UpdateSale(s, ev("recovery")))
	if s.State == pos.StatePending || (s.State == pos.StatePaid && s.Method == pos.MethodCash) {
		must(m.t, m.l.CreateSale(m.sales[s.OutTradeNo], ev("cashier")))
	}
}

// illegal tries a transition the state machine forbids: an error, and nothing changes.
func (m *model) illegal() {
	if len(m.nos) == 0 {
		return
	}
	s := m.sales[m.nos[m.rng.IntN(len(m.nos))]]
	to := allStates[m.rng.IntN(len(allStates))]
	if pos.CanTransition(s.State, to) {
		return
	}
	s.State, s.PaidAt = to, m.now
	if err := m.l.UpdateSale(s, ev("bug")); !errors.Is(err, pos.ErrIllegalTransition) {
		m.t.Fatalf("%s → %s: err = %v, want ErrIllegalTransition", m.sales[s.OutTradeNo].State, to, err)
	}
}

// verify compares every sale, its event count and every day's totals with the model.
func (m *model) verify() {
	for no, want := range m.sales {
		got, err := m.l.Sale(no)
		must(m.t, err)
		if !sameSale(got, want) {
			m.t.Fatalf("sale %s:\n got %+v\nwant %+v", no, got, want)
		}
		evs, err := m.l.Events(no)
		must(m.t, err)
		if len(evs) != m.events[no] {
			m.t.Fatalf("sale %s: %d events, want %d", no, len(evs), m.events[no])
		}
	}
	want := m.expectedDays()
	first, end := day1, pos.DayStart(m.now.Add(48*time.Hour))
	days, err := m.l.Daily(first, end)
	must(m.t, err)
	var all pos.Totals
	for _, d := range days {
		exp, ok := want[d.Day]
		if !ok {
			exp = pos.Totals{From: d.From, To: d.To}
		}
		if got, w := fmt.Sprintf("%+v", d.Totals), fmt.Sprintf("%+v", exp); got != w {
			m.t.Fatalf("day %s:\n got %s\nwant %s", d.Day, got, w)
		}
		all.Add(exp)
	}
	tot, err := m.l.Totals(first, end)
	must(m.t, err)
	all.From, all.To = tot.From, tot.To
	if got, w := fmt.Sprintf("%+v", tot), fmt.Sprintf("%+v", all); got != w {
		m.t.Fatalf("whole run:\n got %s\nwant %s", got, w)
	}
}

// expectedDays recounts the model: paid sales on the day and hour of PaidAt, successful
// refunds on the day of SucceededAt against their sale's method.
func (m *model) expectedDays() map[string]pos.Totals {
	out := map[string]pos.Totals{}
	get := func(t time.Time) pos.Totals {
		d, ok := out[pos.DayKey(t)]
		if !ok {
			d = pos.Totals{From: pos.DayStart(t), To: pos.DayStart(pos.DayStart(t).Add(36 * time.Hour))}
		}
		return d
	}
	for _, s := range m.sales {
		if s.State != pos.StatePaid && s.State != pos.StatePartRefunded && s.State != pos.StateRefunded {
			continue
		}
		d := get(s.PaidAt)
		one := pos.Totals{Count: 1, Gross: s.Total,
			ByMethod: map[pos.Method]pos.MethodTotals{s.Method: {Count: 1, Gross: s.Total}}}
		one.ByHour[s.PaidAt.Hour()] = pos.HourTotals{Count: 1, Gross: s.Total}
		d.Add(one)
		out[pos.DayKey(s.PaidAt)] = d
	}
	for _, r := range m.refunds {
		if r.State != pos.RefundSuccess {
			continue
		}
		d := get(r.SucceededAt)
		method := m.sales[r.OutTradeNo].Method
		d.Add(pos.Totals{RefundCount: 1, Refunds: r.Amount,
			ByMethod: map[pos.Method]pos.MethodTotals{method: {RefundCount: 1, Refunds: r.Amount}}})
		out[pos.DayKey(r.SucceededAt)] = d
	}
	return out
}
