// Package storage is the till's ledger on bbolt: every sale, its events and refunds, the
// per-day aggregates behind the owner's totals, the product catalog, settings and the
// audit log of owner actions. It implements pos.Ledger, pos.Catalog, pos.Books,
// pos.AuditTrail and pos.Settings.
//
// Every write is one bbolt transaction, durable when the call returns (bbolt's default
// fsync on commit; NoSync is never set). The schema (buckets, keys, values, migrations,
// backups) is described in docs/LEDGER.md.
package storage
