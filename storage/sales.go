package storage

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// maxAmount bounds any amount the ledger accepts (¥10,995,116,277.76): far above a
// shop's sale, far enough below int64 that aggregates of millions of sales cannot overflow.
const maxAmount pos.Money = 1 << 40

var _ interface {
	pos.Ledger
	pos.Catalog
	pos.Books
	pos.AuditTrail
	pos.Settings
} = (*Ledger)(nil)

// CreateSale records a new sale (PENDING, or PAID for a cash sale) with its first event.
// A zero CreatedAt is set to now, a paid sale's zero PaidAt to CreatedAt. Recording the
// same sale again is a no-op; a different sale under a recorded number is pos.ErrDuplicate.
func (l *Ledger) CreateSale(s pos.Sale, ev pos.Event) error {
	if s.State != pos.StatePending && s.State != pos.StatePaid {
		return invalid("sale %s: a new sale is PENDING or PAID, not %s", s.OutTradeNo, s.State)
	}
	if err := validNumber("out_trade_no", s.OutTradeNo); err != nil {
		return err
	}
	return l.update(func(tx *bolt.Tx) error { return l.createSale(tx, s, ev) })
}

func (l *Ledger) createSale(tx *bolt.Tx, s pos.Sale, ev pos.Event) error {
	if key := tx.Bucket(bucketSaleNo).Get([]byte(s.OutTradeNo)); key != nil {
		old, err := decodeSale(key, tx.Bucket(bucketSales).Get(key))
		if err != nil {
			return err
		}
		// A retry may leave out the times the first call filled in.
		s.CreatedAt = firstSet(s.CreatedAt, old.CreatedAt)
		if paid(s.State) {
			s.PaidAt = firstSet(s.PaidAt, old.PaidAt)
		}
		if sameSale(old, s) {
			return nil
		}
		return fmt.Errorf("sale %s: %w", s.OutTradeNo, pos.ErrDuplicate)
	}
	s.CreatedAt = firstSet(s.CreatedAt, l.now())
	s.UpdatedAt = firstSet(s.UpdatedAt, s.CreatedAt)
	if paid(s.State) {
		s.PaidAt = firstSet(s.PaidAt, s.CreatedAt)
	}
	if err := validSale(&s); err != nil {
		return err
	}
	key := saleKey(s.CreatedAt, s.OutTradeNo)
	if err := appendBucket(tx, bucketSaleNo).Put([]byte(s.OutTradeNo), key); err != nil {
		return err
	}
	return l.writeSale(tx, key, nil, s, ev)
}

// UpdateSale replaces the stored sale of the same number and appends ev, in one
// transaction. The change of state must be legal from the STORED state
// (pos.CanTransition), else pos.ErrIllegalTransition and nothing changes. CreatedAt
// cannot change (zero keeps the stored one), nor the method of a paid sale. Writing what
// is stored (UpdatedAt aside) is a no-op.
func (l *Ledger) UpdateSale(s pos.Sale, ev pos.Event) error {
	if err := validNumber("out_trade_no", s.OutTradeNo); err != nil {
		return err
	}
	return l.update(func(tx *bolt.Tx) error { return l.updateSale(tx, s, ev) })
}

func (l *Ledger) updateSale(tx *bolt.Tx, s pos.Sale, ev pos.Event) error {
	key, old, err := loadSale(tx, s.OutTradeNo)
	if err != nil {
		return err
	}
	if !pos.CanTransition(old.State, s.State) {
		return fmt.Errorf("sale %s: %w: %s → %s", s.OutTradeNo, pos.ErrIllegalTransition, old.State, s.State)
	}
	if err := completeUpdate(&s, &old, l.now()); err != nil {
		return err
	}
	if err := validSale(&s); err != nil {
		return err
	}
	if sameSale(old, s) {
		return nil
	}
	return l.writeSale(tx, key, &old, s, ev)
}

// completeUpdate fills what an update may leave out and refuses what may not change.
func completeUpdate(s, old *pos.Sale, now time.Time) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = old.CreatedAt
	}
	if !s.CreatedAt.Equal(old.CreatedAt) {
		return invalid("sale %s: created_at cannot change (%s → %s)", s.OutTradeNo,
			old.CreatedAt.Format(time.RFC3339), s.CreatedAt.Format(time.RFC3339))
	}
	if paid(old.State) && s.Method != old.Method {
		return invalid("sale %s: a paid sale's method cannot change (%s → %s)", s.OutTradeNo, old.Method, s.Method)
	}
	if err := keepsWeChatPayment(s, old); err != nil {
		return err
	}
	if paid(s.State) && s.PaidAt.IsZero() {
		s.PaidAt = firstSet(old.PaidAt, now)
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = now
	}
	return nil
}

// keepsWeChatPayment refuses an update that would take a recorded WeChat payment off a
// sale (an older write replayed): its transaction id, and the paid-twice flag that makes
// the books count it beside the cash, are fixed once written.
func keepsWeChatPayment(s, old *pos.Sale) error {
	switch {
	case old.TransactionID != "" && s.TransactionID != old.TransactionID:
		return invalid("sale %s: WeChat's transaction %s is recorded and cannot change to %q", s.OutTradeNo, old.TransactionID, s.TransactionID)
	case old.Flag == pos.FlagPaidTwice && s.Flag != old.Flag:
		return invalid("sale %s: the paid-twice flag is recorded and cannot change to %q", s.OutTradeNo, s.Flag)
	}
	return nil
}

// writeSale stores s over old (nil for a new sale) with its event, its place in the
// open-sales index and the change it makes to the day aggregates.
func (l *Ledger) writeSale(tx *bolt.Tx, key []byte, old *pos.Sale, s pos.Sale, ev pos.Event) error {
	v, err := encodeSale(s)
	if err != nil {
		return err
	}
	if err := appendBucket(tx, bucketSales).Put(key, v); err != nil {
		return err
	}
	open := tx.Bucket(bucketOpenSales)
	if !s.NeedsRecovery() { // pos.Ledger.UnsettledSales: unsettled, or a WeChat order still to close
		err = open.Delete(key)
	} else {
		err = open.Put(key, nil)
	}
	if err != nil {
		return err
	}
	from := pos.State("")
	if old != nil {
		from = old.State
	}
	ev.OutTradeNo, ev.From, ev.To = s.OutTradeNo, from, s.State
	if err := l.appendEvent(tx, key, ev); err != nil {
		return err
	}
	ds := deltas{}
	ds.addSale(old, -1)
	ds.addSale(&s, +1)
	return ds.apply(tx)
}

func (l *Ledger) appendEvent(tx *bolt.Tx, key []byte, ev pos.Event) error {
	if ev.At.IsZero() {
		ev.At = l.now()
	}
	events := appendBucket(tx, bucketEvents)
	v, err := encodeEvent(ev)
	if err != nil {
		return err
	}
	return events.Put(eventKey(key, lastEventSeq(events, key)+1), v)
}

func validSale(s *pos.Sale) error {
	if err := validNumber("out_trade_no", s.OutTradeNo); err != nil {
		return err
	}
	switch {
	case !s.State.Known():
		return invalid("sale %s: unknown state %q", s.OutTradeNo, s.State)
	case s.Method != pos.MethodNative && s.Method != pos.MethodCode && s.Method != pos.MethodCash:
		return invalid("sale %s: unknown payment method %q", s.OutTradeNo, s.Method)
	case s.Total < 0 || s.Total > maxAmount:
		return invalid("sale %s: total %d fen is out of range", s.OutTradeNo, s.Total)
	case s.Refunded < 0 || s.Refunded > s.Total:
		return invalid("sale %s: refunded %s is more than the total %s", s.OutTradeNo, s.Refunded, s.Total)
	case s.CreatedAt.UnixNano() < minKeyTime || s.CreatedAt.Year() > 2200:
		return invalid("sale %s: created_at %s is not a plausible time (check the clock)", s.OutTradeNo, s.CreatedAt)
	}
	return nil
}

// loadSale finds a sale by number: its key and its record, or pos.ErrNotFound.
func loadSale(tx *bolt.Tx, no string) ([]byte, pos.Sale, error) {
	key := tx.Bucket(bucketSaleNo).Get([]byte(no))
	if key == nil {
		return nil, pos.Sale{}, fmt.Errorf("sale %s: %w", no, pos.ErrNotFound)
	}
	v := tx.Bucket(bucketSales).Get(key)
	if v == nil {
		return nil, pos.Sale{}, fmt.Errorf("%w: sale %s is indexed but its record is missing", ErrCorrupt, no)
	}
	s, err := decodeSale(key, v)
	return bytes.Clone(key), s, err
}

// Sale returns the sale with that number, or pos.ErrNotFound.
func (l *Ledger) Sale(outTradeNo string) (pos.Sale, error) {
	var s pos.Sale
	err := l.view(func(tx *bolt.Tx) (err error) {
		_, s, err = loadSale(tx, outTradeNo)
		return err
	})
	return s, err
}

// UnsettledSales returns every sale not Settled, oldest first. It reads only the
// open-sales index, so it costs the same on a ledger of years as on a new one.
func (l *Ledger) UnsettledSales() ([]pos.Sale, error) {
	var out []pos.Sale
	err := l.view(func(tx *bolt.Tx) error {
		sales := tx.Bucket(bucketSales)
		return tx.Bucket(bucketOpenSales).ForEach(func(k, _ []byte) error {
			v := sales.Get(k)
			if v == nil {
				return fmt.Errorf("%w: open sale %q has no record", ErrCorrupt, k)
			}
			s, err := decodeSale(k, v)
			out = append(out, s)
			return err
		})
	})
	return out, err
}

// Events returns a sale's events in order, or pos.ErrNotFound for an unknown sale.
func (l *Ledger) Events(outTradeNo string) ([]pos.Event, error) {
	var out []pos.Event
	err := l.view(func(tx *bolt.Tx) error {
		key := tx.Bucket(bucketSaleNo).Get([]byte(outTradeNo))
		if key == nil {
			return fmt.Errorf("sale %s: %w", outTradeNo, pos.ErrNotFound)
		}
		prefix := childPrefix(key)
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			e, err := decodeEvent(k, v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// SalesBetween returns the sales created in [from, to), oldest first: one range scan.
func (l *Ledger) SalesBetween(from, to time.Time) ([]pos.Sale, error) {
	var out []pos.Sale
	end := timePrefix(to)
	err := l.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSales).Cursor()
		for k, v := c.Seek(timePrefix(from)); len(k) >= 8 && bytes.Compare(k[:8], end) < 0; k, v = c.Next() {
			s, err := decodeSale(k, v)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}
