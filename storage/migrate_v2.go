package storage

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// countPaidTwiceV2 (schema 2) adds to the day aggregates the WeChat payment of every
// paid-twice sale: schema 1 counted only its cash, so the books missed money the shop
// received. Only such sales changed rules (a refund recorded without a method still
// counts against its sale's method), so only they are recounted. A record that cannot
// be read is left to `wxtill report --check`: it must not stop the till from opening.
func countPaidTwiceV2(tx *bolt.Tx) error {
	marker := []byte(`"flag":"paid_twice"`)
	ds := deltas{}
	err := tx.Bucket(bucketSales).ForEach(func(k, v []byte) error {
		if !bytes.Contains(v, marker) { // cheap: most sales are never decoded
			return nil
		}
		s, err := decodeSale(k, v)
		if err != nil || !paid(s.State) || !paidTwice(&s) {
			return nil
		}
		second := s
		second.Method, second.Flag = s.WeChatMethod(), ""
		ds.addSale(&second, +1)
		return nil
	})
	if err != nil {
		return err
	}
	return ds.apply(tx)
}
