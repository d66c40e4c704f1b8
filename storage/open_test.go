package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// fillLedger writes n paid sales in one transaction through the real write path.
func fillLedger(t testing.TB, l *Ledger, n int) {
	t.Helper()
	err := l.update(func(tx *bolt.Tx) error {
		for i := 0; i < n; i++ {
			s := newSale(fmt.Sprintf("F%05d", i), at(0, 8, 0).Add(time.Duration(i)*time.Second), pos.Money(100+i))
			s.Method, s.State, s.PaidAt = pos.MethodCash, pos.StatePaid, s.CreatedAt
			if err := l.createSale(tx, s, ev("cashier")); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
}

// damagedSales fill about 300 pages: enough to damage some and leave others.
const damagedSales = 1000

// damagedLedger makes a ledger of a thousand sales with one backup, closes it and
// returns its path and its backup's.
func damagedLedger(t *testing.T) (path, backup string) {
	dir := t.TempDir()
	path = filepath.Join(dir, FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	fillLedger(t, l, damagedSales)
	backup = filepath.Join(dir, "backups", "ledger-20250313.db")
	must(t, l.Backup(backup))
	closeChecked(t, l)
	return path, backup
}

func TestOpenRefusesDamagedFiles(t *testing.T) {
	cases := map[string]func(t *testing.T, path string){
		"truncated to half": func(t *testing.T, path string) {
			info, _ := os.Stat(path)
			must(t, os.Truncate(path, info.Size()/2))
		},
		"truncated to one page": func(t *testing.T, path string) { must(t, os.Truncate(path, 4096)) },
		"empty":                 func(t *testing.T, path string) { must(t, os.Truncate(path, 0)) },
		"not a database": func(t *testing.T, path string) {
			must(t, os.WriteFile(path, bytes.Repeat([]byte("garbage!"), 8192), 0o600))
		},
		"both meta pages damaged": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			must(t, err)
			defer f.Close()
			for _, off := range []int64{64, 4096 + 64} {
				_, err = f.WriteAt([]byte("XXXXXXXXXXXXXXXX"), off)
				must(t, err)
			}
		},
		"another program's bbolt file": func(t *testing.T, path string) {
			must(t, os.Remove(path))
			db, err := bolt.Open(path, 0o600, nil)
			must(t, err)
			must(t, db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err }))
			must(t, db.Close())
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			path, backup := damagedLedger(t)
			damage(t, path)
			before := fileDigest(t, path)
			for _, ro := range []bool{false, true} {
				_, err := Open(path, Options{ReadOnly: ro, LockTimeout: time.Second})
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("read-only %v: err = %v, want ErrCorrupt", ro, err)
				}
				if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, backup) {
					t.Fatalf("message should name the file and the latest backup: %s", msg)
				}
			}
			if after := fileDigest(t, path); after != before {
				t.Fatal("the damaged file was changed by Open")
			}
		})
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	fillLedger(t, l, 10)
	must(t, l.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaVersion()+1)))
	}))
	must(t, l.Close())
	before := fileDigest(t, path)
	for _, ro := range []bool{false, true} {
		_, err := Open(path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade") || !strings.Contains(err.Error(), "newer wxtill") {
			t.Fatalf("read-only %v: err = %v, want ErrNewerSchema saying upgrade", ro, err)
		}
	}
	if fileDigest(t, path) != before {
		t.Fatal("a ledger of a newer schema was changed")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "backups")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a backup directory was made for a ledger we may not touch")
	}
}

func TestLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	for _, ro := range []bool{false, true} {
		_, err := Open(path, Options{LockTimeout: 150 * time.Millisecond, ReadOnly: ro})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("read-only %v: err = %v, want ErrLocked", ro, err)
		}
		if want := "pid " + strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), want) {
			t.Fatalf("message should name the holder (%s): %v", want, err)
		}
	}
	closeChecked(t, l)
	if _, err := os.Stat(lockPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the pid file outlived Close")
	}
	l2 := openTest(t, path, Options{NoAutoBackup: true, LockTimeout: 150 * time.Millisecond})
	must(t, l2.Close())
}

func TestReadOnlyNeverWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, ErrNoLedger) {
		t.Fatalf("read-only open of a missing ledger: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a read-only open created the ledger")
	}
	l := openTest(t, path, Options{NoAutoBackup: true})
	fillLedger(t, l, 5)
	closeChecked(t, l)
	before := fileDigest(t, path)
	ro := openTest(t, path, Options{ReadOnly: true})
	expectErrIs(t, "write through a read-only ledger", ro.CreateSale(newSale("X1", at(0, 9, 0), 1), ev("x")), ErrReadOnly)
	if sales, _ := ro.SalesBetween(day1, day1.AddDate(0, 0, 1)); len(sales) != 5 {
		t.Fatalf("read-only sees %d sales, want 5", len(sales))
	}
	closeChecked(t, ro)
	if fileDigest(t, path) != before {
		t.Fatal("a read-only open changed the file")
	}
}

// TestMigrations: migrations run once each, in order, after a backup of the old file.
func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	clock := newClock(at(0, 9, 0))
	l := openTest(t, path, Options{NoAutoBackup: true, Clock: clock.Now})
	fillLedger(t, l, 20)
	closeChecked(t, l)

	runs := 0
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]func(*bolt.Tx) error{}, saved...), func(tx *bolt.Tx) error {
		runs++
		_, err := tx.CreateBucket([]byte("v2_test"))
		return err
	})
	for i := 0; i < 2; i++ {
		l = openTest(t, path, Options{NoAutoBackup: true, Clock: clock.Now})
		var v int
		must(t, l.view(func(tx *bolt.Tx) (err error) { v, err = readVersion(tx); return err }))
		if v != len(saved)+1 || runs != 1 {
			t.Fatalf("open %d: schema %d, migration ran %d times", i, v, runs)
		}
		if sales, _ := l.SalesBetween(day1, day1.AddDate(0, 0, 1)); len(sales) != 20 {
			t.Fatalf("sales after migration: %d", len(sales))
		}
		closeChecked(t, l)
	}
	pre, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "backups", fmt.Sprintf("ledger-schema%d-*.db", len(saved))))
	if len(pre) != 1 {
		t.Fatalf("backups before the upgrade: %v", pre)
	}
}
