// Package storage is the till's ledger on bbolt. It implements pos.Ledger and pos.Catalog.
package storage

// Pinned until the ledger uses it (keeps go.mod stable while work proceeds in parallel).
import _ "go.etcd.io/bbolt"
