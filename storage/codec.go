package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"wxtill/pos"
)

// Records are stored as JSON (pos's field tags): readable with any bbolt tool and easy to
// migrate. Times are stored in UTC so that a record read back and written again has the
// same bytes; they are read back in time.Local.

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func local(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Local()
}

func encodeSale(s pos.Sale) ([]byte, error) {
	s.ExpiresAt, s.PaidAt = utc(s.ExpiresAt), utc(s.PaidAt)
	s.CreatedAt, s.UpdatedAt = utc(s.CreatedAt), utc(s.UpdatedAt)
	if len(s.Lines) == 0 {
		s.Lines = nil
	}
	return json.Marshal(s)
}

func decodeSale(key, v []byte) (pos.Sale, error) {
	var s pos.Sale
	if err := json.Unmarshal(v, &s); err != nil {
		return s, fmt.Errorf("%w: sale record %q: %v", ErrCorrupt, key, err)
	}
	if !s.State.Known() {
		return s, fmt.Errorf("%w: sale record %q has unknown state %q", ErrCorrupt, key, s.State)
	}
	s.ExpiresAt, s.PaidAt = local(s.ExpiresAt), local(s.PaidAt)
	s.CreatedAt, s.UpdatedAt = local(s.CreatedAt), local(s.UpdatedAt)
	return s, nil
}

// sameSale reports whether a and b differ in nothing but UpdatedAt: writing b over a
// then changes nothing worth a write or an event.
func sameSale(a, b pos.Sale) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ea, err1 := encodeSale(a)
	eb, err2 := encodeSale(b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}

func encodeRefund(r pos.Refund) ([]byte, error) {
	r.CreatedAt, r.UpdatedAt, r.SucceededAt = utc(r.CreatedAt), utc(r.UpdatedAt), utc(r.SucceededAt)
	return json.Marshal(r)
}

func decodeRefund(key, v []byte) (pos.Refund, error) {
	var r pos.Refund
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("%w: refund record %q: %v", ErrCorrupt, key, err)
	}
	r.CreatedAt, r.UpdatedAt, r.SucceededAt = local(r.CreatedAt), local(r.UpdatedAt), local(r.SucceededAt)
	return r, nil
}

func sameRefund(a, b pos.Refund) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ea, err1 := encodeRefund(a)
	eb, err2 := encodeRefund(b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}

func encodeEvent(e pos.Event) ([]byte, error) {
	e.At = utc(e.At)
	return json.Marshal(e)
}

func decodeEvent(key, v []byte) (pos.Event, error) {
	var e pos.Event
	if err := json.Unmarshal(v, &e); err != nil {
		return e, fmt.Errorf("%w: event record %q: %v", ErrCorrupt, key, err)
	}
	e.At = local(e.At)
	return e, nil
}
