package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// Products returns the catalog sorted by SKU.
func (l *Ledger) Products() ([]pos.Product, error) {
	var out []pos.Product
	err := l.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketProducts).ForEach(func(k, v []byte) error {
			var p pos.Product
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("%w: product %q: %v", ErrCorrupt, k, err)
			}
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

// PutProduct adds or replaces a product (by SKU).
func (l *Ledger) PutProduct(p pos.Product) error {
	switch {
	case p.SKU == "" || len(p.SKU) > 64 || !utf8.ValidString(p.SKU):
		return invalid("product SKU %q must be 1 to 64 bytes of text", p.SKU)
	case p.Name == "" || !utf8.ValidString(p.Name):
		return invalid("product %s needs a name", p.SKU)
	case p.Price < 0 || p.Price > maxAmount:
		return invalid("product %s: price %d fen is out of range", p.SKU, p.Price)
	}
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return l.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketProducts).Put([]byte(p.SKU), v) })
}

// DeleteProduct removes a product from the catalog (sales keep their lines), or returns
// pos.ErrNotFound.
func (l *Ledger) DeleteProduct(sku string) error {
	return l.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProducts)
		if len(sku) == 0 || b.Get([]byte(sku)) == nil {
			return fmt.Errorf("product %q: %w", sku, pos.ErrNotFound)
		}
		return b.Delete([]byte(sku))
	})
}

// Setting returns a setting's value, or pos.ErrNotFound when it was never set.
func (l *Ledger) Setting(key string) (string, error) {
	var val string
	err := l.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSettings).Get([]byte(key))
		if v == nil {
			return fmt.Errorf("setting %q: %w", key, pos.ErrNotFound)
		}
		val = string(v)
		return nil
	})
	return val, err
}

// PutSetting stores a setting. Settings are plain text in the ledger and its backups:
// never put a secret in one.
func (l *Ledger) PutSetting(key, value string) error {
	if key == "" || len(key) > 200 {
		return invalid("setting key %q must be 1 to 200 bytes", key)
	}
	return l.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSettings).Put([]byte(key), []byte(value)) })
}

// Audit records an owner action at the Clock's time. detail must not hold a secret.
func (l *Ledger) Audit(actor, action, detail string) error {
	if action == "" {
		return invalid("an audit entry needs an action")
	}
	e := pos.AuditEntry{At: l.now(), Actor: actor, Action: action, Detail: detail}
	v, err := json.Marshal(pos.AuditEntry{At: e.At.UTC(), Actor: actor, Action: action, Detail: detail})
	if err != nil {
		return err
	}
	return l.update(func(tx *bolt.Tx) error {
		b := appendBucket(tx, bucketAudit)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(timePrefix(e.At), seq), v)
	})
}

// AuditLog returns the audit entries made in [from, to), oldest first.
func (l *Ledger) AuditLog(from, to time.Time) ([]pos.AuditEntry, error) {
	var out []pos.AuditEntry
	end := timePrefix(to)
	err := l.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(timePrefix(from)); len(k) >= 8 && string(k[:8]) < string(end); k, v = c.Next() {
			var e pos.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("%w: audit entry %x: %v", ErrCorrupt, k, err)
			}
			e.At = local(e.At)
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
