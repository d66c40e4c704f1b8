package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets (docs/LEDGER.md has the full schema).
var (
	bucketMeta        = []byte("meta")         // "schema" → version as decimal text
	bucketSales       = []byte("sales")        // saleKey → JSON pos.Sale
	bucketSaleNo      = []byte("sale_no")      // out_trade_no → saleKey
	bucketEvents      = []byte("events")       // saleKey 0x00 seq(4) → JSON pos.Event
	bucketOpenSales   = []byte("open_sales")   // saleKey → "" for every sale that NeedsRecovery
	bucketRefunds     = []byte("refunds")      // out_refund_no → JSON pos.Refund
	bucketSaleRefunds = []byte("sale_refunds") // saleKey 0x00 out_refund_no → ""
	bucketOpenRefunds = []byte("open_refunds") // out_refund_no → "" for every refund not Settled
	bucketDays        = []byte("days")         // "YYYY-MM-DD" → binary day aggregate
	bucketProducts    = []byte("products")     // sku → JSON pos.Product
	bucketSettings    = []byte("settings")     // key → value
	bucketAudit       = []byte("audit")        // unix nanos(8) seq(8) → JSON pos.AuditEntry
)

var keySchema = []byte("schema")

// appendFill is the page fill for buckets whose keys mostly grow (sales and events by
// time): bbolt's default of one half would leave every page half empty.
const appendFill = 0.9

// appendBucket returns a bucket for writing keys that mostly come at its end.
func appendBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = appendFill
	return b
}

// migrations bring a ledger from schema version i to i+1; the current version is their
// count. Append only: never edit or reorder one that has shipped.
var migrations = []func(tx *bolt.Tx) error{
	createBucketsV1,
	countPaidTwiceV2,
}

func schemaVersion() int { return len(migrations) }

var bucketsV1 = [][]byte{
	bucketMeta, bucketSales, bucketSaleNo, bucketEvents, bucketOpenSales, bucketRefunds,
	bucketSaleRefunds, bucketOpenRefunds, bucketDays, bucketProducts, bucketSettings, bucketAudit,
}

func createBucketsV1(tx *bolt.Tx) error {
	for _, name := range bucketsV1 {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// readVersion returns the ledger's schema version: 0 for a file with no buckets at all
// (new, or created by bbolt just before a crash), an error for a bbolt file that is not
// a wxtill ledger.
func readVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		found := false
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { found = true; return nil })
		if found {
			return 0, fmt.Errorf("not a wxtill ledger (no %q bucket)", bucketMeta)
		}
		return 0, nil
	}
	v, err := strconv.Atoi(string(meta.Get(keySchema)))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("schema version %q is not a positive number", meta.Get(keySchema))
	}
	return v, nil
}

// migrate runs the missing migrations in one transaction, so a crash leaves the old
// version whole.
func migrate(tx *bolt.Tx) error {
	v, err := readVersion(tx)
	if err != nil {
		return err
	}
	if v > schemaVersion() {
		return fmt.Errorf("schema %d is newer than %d", v, schemaVersion())
	}
	for i := v; i < schemaVersion(); i++ {
		if err := migrations[i](tx); err != nil {
			return fmt.Errorf("migration to schema %d: %w", i+1, err)
		}
	}
	if v == schemaVersion() {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaVersion())))
}

// Sale keys sort by creation time, so a day's sales are one range scan.
const (
	minKeyTime = int64(946684800) * 1e9 // 2000-01-01: earlier clocks are wrong
	keySep     = 0x00                   // never inside a number (validNumber)
)

func saleKey(createdAt time.Time, no string) []byte {
	k := make([]byte, 8, 8+len(no))
	binary.BigEndian.PutUint64(k, uint64(createdAt.UnixNano()))
	return append(k, no...)
}

func timePrefix(t time.Time) []byte {
	n := t.UnixNano()
	switch {
	case t.Before(time.Unix(0, minKeyTime)):
		n = 0
	case t.After(time.Unix(0, math.MaxInt64)): // past 2262 UnixNano overflows: after every key
		n = math.MaxInt64
	}
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(n))
	return k
}

// childPrefix is the prefix of the events and refund index entries of one sale.
func childPrefix(saleKey []byte) []byte {
	p := make([]byte, len(saleKey)+1)
	copy(p, saleKey)
	p[len(saleKey)] = keySep
	return p
}

func eventKey(saleKey []byte, seq uint32) []byte {
	k := childPrefix(saleKey)
	return binary.BigEndian.AppendUint32(k, seq)
}

// lastEventSeq returns the highest event number of a sale, or 0 when it has none.
func lastEventSeq(events *bolt.Bucket, saleKey []byte) uint32 {
	prefix := childPrefix(saleKey)
	c := events.Cursor()
	k, _ := c.Seek(eventKey(saleKey, 0xFFFFFFFF))
	if k == nil {
		k, _ = c.Last()
	} else if !bytes.Equal(k, eventKey(saleKey, 0xFFFFFFFF)) {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+4 {
		return 0
	}
	return binary.BigEndian.Uint32(k[len(prefix):])
}

// validNumber guards out_trade_no and out_refund_no: they are keys and key parts.
func validNumber(what, no string) error {
	if no == "" || len(no) > 64 {
		return invalid("%s %q must be 1 to 64 characters", what, no)
	}
	for i := 0; i < len(no); i++ {
		if no[i] < 0x21 || no[i] == 0x7f {
			return invalid("%s %q must not hold spaces or control characters", what, no)
		}
	}
	return nil
}
