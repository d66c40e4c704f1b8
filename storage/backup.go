package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the ledger to path while it stays open: one read
// transaction's snapshot, written to a temporary file beside path, synced, then renamed
// over path, so path never holds half a copy. Writers go on meanwhile.
func (l *Ledger) Backup(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("备份失败 / backup: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("备份失败 / backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	err = l.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("备份失败 / backup to %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// dailyName matches the automatic backups and nothing else in the backup directory.
var dailyName = regexp.MustCompile(`^ledger-[0-9]{8}\.db$`)

// dailyBackups lists the automatic backups in dir, oldest first (the names sort by date).
func dailyBackups(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && dailyName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// newestBackup returns the path of the newest automatic backup in dir, or "".
func newestBackup(dir string) string {
	names := dailyBackups(dir)
	if len(names) == 0 {
		return ""
	}
	return filepath.Join(dir, names[len(names)-1])
}

// AutoBackup writes today's backup, BackupDir/ledger-YYYYMMDD.db (local date of the
// Clock), unless it exists or the ledger holds no sale yet, then keeps only the newest
// KeepBackups. It returns the path written, or "" when none was due. Open calls it; a
// till that runs for days may call it again, e.g. every hour.
func (l *Ledger) AutoBackup() (string, error) {
	if l.opt.ReadOnly {
		return "", fmt.Errorf("%w: %s", ErrReadOnly, l.path)
	}
	path := filepath.Join(l.opt.BackupDir, "ledger-"+l.now().Format("20060102")+".db")
	if _, err := os.Stat(path); err == nil {
		return "", nil
	}
	empty := false
	if err := l.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketSales).Cursor().First()
		empty = k == nil
		return nil
	}); err != nil || empty {
		return "", err
	}
	if err := l.Backup(path); err != nil {
		return "", err
	}
	names := dailyBackups(l.opt.BackupDir)
	for len(names) > l.opt.KeepBackups {
		if err := os.Remove(filepath.Join(l.opt.BackupDir, names[0])); err != nil {
			return path, fmt.Errorf("removing an old backup: %w", err)
		}
		names = names[1:]
	}
	return path, nil
}
