package storage

import (
	"bytes"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// SaveRefund creates or updates a refund. When sale is not nil it is updated with ev in
// the same transaction (as when a refund succeeds: the sale's Refunded and state change
// with it); otherwise a change of the refund is noted as an event of its sale.
//
// A new refund needs a paid sale and must fit in what is left of its total (other
// refunds that are not CLOSED or ABNORMAL counted). A recorded refund keeps its sale and
// amount; a SUCCESS or CLOSED refund keeps its state. Writing what is stored is a no-op.
func (l *Ledger) SaveRefund(r pos.Refund, sale *pos.Sale, ev pos.Event) error {
	if err := validRefund(&r); err != nil {
		return err
	}
	if sale != nil && sale.OutTradeNo != r.OutTradeNo {
		return invalid("refund %s is for sale %s, not %s", r.OutRefundNo, r.OutTradeNo, sale.OutTradeNo)
	}
	return l.update(func(tx *bolt.Tx) error { return l.saveRefund(tx, r, sale, ev) })
}

func (l *Ledger) saveRefund(tx *bolt.Tx, r pos.Refund, sale *pos.Sale, ev pos.Event) error {
	key, stored, err := loadSale(tx, r.OutTradeNo)
	if err != nil {
		return err
	}
	old, err := loadRefund(tx, r.OutRefundNo)
	if err != nil {
		return err
	}
	if old == nil {
		err = l.checkNewRefund(tx, key, &stored, &r)
	} else {
		err = checkRefundChange(old, &r)
	}
	if err != nil {
		return err
	}
	l.completeRefund(&r, old)
	if old == nil || !sameRefund(*old, r) {
		if err := writeRefund(tx, key, old, r, stored.Method); err != nil {
			return err
		}
		if sale == nil {
			note := fmt.Sprintf("refund %s %s %s", r.OutRefundNo, r.State, r.Amount)
			if ev.Note != "" {
				note = ev.Note
			}
			ev.Note, ev.OutTradeNo, ev.From, ev.To = note, stored.OutTradeNo, stored.State, stored.State
			if err := l.appendEvent(tx, key, ev); err != nil {
				return err
			}
		}
	}
	if sale == nil {
		return nil
	}
	return l.updateSale(tx, *sale, ev)
}

func validRefund(r *pos.Refund) error {
	if err := validNumber("out_refund_no", r.OutRefundNo); err != nil {
		return err
	}
	if err := validNumber("out_trade_no", r.OutTradeNo); err != nil {
		return err
	}
	switch r.State {
	case pos.RefundPending, pos.RefundProcessing, pos.RefundSuccess, pos.RefundClosed, pos.RefundAbnormal:
	default:
		return invalid("refund %s: unknown state %q", r.OutRefundNo, r.State)
	}
	if r.Amount <= 0 || r.Amount > maxAmount {
		return invalid("refund %s: amount %d fen is out of range", r.OutRefundNo, r.Amount)
	}
	switch r.Method {
	case "", pos.MethodNative, pos.MethodCode, pos.MethodCash:
	default:
		return invalid("refund %s: unknown payment method %q", r.OutRefundNo, r.Method)
	}
	return nil
}

func (l *Ledger) checkNewRefund(tx *bolt.Tx, key []byte, sale *pos.Sale, r *pos.Refund) error {
	if !paid(sale.State) {
		return fmt.Errorf("refund %s: %w: sale %s is %s, only a paid sale can be refunded",
			r.OutRefundNo, pos.ErrIllegalTransition, sale.OutTradeNo, sale.State)
	}
	others, err := saleRefunds(tx, key)
	if err != nil {
		return err
	}
	committed := r.Amount
	for _, o := range others {
		if o.State != pos.RefundClosed && o.State != pos.RefundAbnormal {
			committed += o.Amount
		}
	}
	if committed > sale.Total {
		return invalid("refund %s: %s with the other refunds is more than the sale's total %s",
			r.OutRefundNo, r.Amount, sale.Total)
	}
	return nil
}

func checkRefundChange(old, r *pos.Refund) error {
	if r.Method == "" {
		r.Method = old.Method // an update may leave it out
	}
	if old.OutTradeNo != r.OutTradeNo || old.Amount != r.Amount || old.Method != r.Method {
		return fmt.Errorf("refund %s (sale %s, %s %s): %w", r.OutRefundNo, old.OutTradeNo, old.Amount, old.Method, pos.ErrDuplicate)
	}
	final := old.State == pos.RefundSuccess || old.State == pos.RefundClosed
	if final && r.State != old.State {
		return fmt.Errorf("refund %s: %w: %s → %s", r.OutRefundNo, pos.ErrIllegalTransition, old.State, r.State)
	}
	return nil
}

// completeRefund fills the times a caller may leave out; CreatedAt never changes.
func (l *Ledger) completeRefund(r, old *pos.Refund) {
	now := l.now()
	if old != nil {
		r.CreatedAt = old.CreatedAt
		r.SucceededAt = firstSet(r.SucceededAt, old.SucceededAt)
	}
	r.CreatedAt = firstSet(r.CreatedAt, now)
	r.UpdatedAt = firstSet(r.UpdatedAt, now)
	if r.State == pos.RefundSuccess {
		r.SucceededAt = firstSet(r.SucceededAt, r.UpdatedAt)
	}
}

func writeRefund(tx *bolt.Tx, saleKey []byte, old *pos.Refund, r pos.Refund, method pos.Method) error {
	v, err := encodeRefund(r)
	if err != nil {
		return err
	}
	no := []byte(r.OutRefundNo)
	if err := tx.Bucket(bucketRefunds).Put(no, v); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSaleRefunds).Put(append(childPrefix(saleKey), no...), nil); err != nil {
		return err
	}
	if r.State.Settled() {
		err = tx.Bucket(bucketOpenRefunds).Delete(no)
	} else {
		err = tx.Bucket(bucketOpenRefunds).Put(no, nil)
	}
	if err != nil {
		return err
	}
	ds := deltas{}
	ds.addRefund(old, method, -1)
	ds.addRefund(&r, method, +1)
	return ds.apply(tx)
}

func loadRefund(tx *bolt.Tx, no string) (*pos.Refund, error) {
	v := tx.Bucket(bucketRefunds).Get([]byte(no))
	if v == nil {
		return nil, nil
	}
	r, err := decodeRefund([]byte(no), v)
	return &r, err
}

// saleRefunds returns a sale's refunds, oldest first.
func saleRefunds(tx *bolt.Tx, saleKey []byte) ([]pos.Refund, error) {
	var out []pos.Refund
	prefix := childPrefix(saleKey)
	c := tx.Bucket(bucketSaleRefunds).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r, err := loadRefund(tx, string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, fmt.Errorf("%w: refund index entry %q has no record", ErrCorrupt, k)
		}
		out = append(out, *r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// Refunds returns a sale's refunds, oldest first (none for a sale without refunds;
// pos.ErrNotFound for an unknown sale).
func (l *Ledger) Refunds(outTradeNo string) ([]pos.Refund, error) {
	var out []pos.Refund
	err := l.view(func(tx *bolt.Tx) error {
		key := tx.Bucket(bucketSaleNo).Get([]byte(outTradeNo))
		if key == nil {
			return fmt.Errorf("sale %s: %w", outTradeNo, pos.ErrNotFound)
		}
		var err error
		out, err = saleRefunds(tx, key)
		return err
	})
	return out, err
}

// UnsettledRefunds returns every refund not yet Settled, oldest first, from the
// open-refunds index.
func (l *Ledger) UnsettledRefunds() ([]pos.Refund, error) {
	var out []pos.Refund
	err := l.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOpenRefunds).ForEach(func(k, _ []byte) error {
			r, err := loadRefund(tx, string(k))
			if err == nil && r == nil {
				err = fmt.Errorf("%w: open refund %q has no record", ErrCorrupt, k)
			}
			if err != nil {
				return err
			}
			out = append(out, *r)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, err
}
