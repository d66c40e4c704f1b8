package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the ledger's name inside the data directory.
const FileName = "ledger.db"

// Path returns the ledger's path inside dataDir.
func Path(dataDir string) string { return filepath.Join(dataDir, FileName) }

// Defaults of Options.
const (
	DefaultLockTimeout = 2 * time.Second
	DefaultKeepBackups = 14
)

// Options tune Open. The zero value is what the till uses.
type Options struct {
	LockTimeout  time.Duration                 // wait this long for another wxtill to let go; default 2 s
	BackupDir    string                        // daily backups; default <ledger's dir>/backups
	KeepBackups  int                           // daily backups kept; default 14
	NoAutoBackup bool                          // skip the daily backup on open (tests, benchmarks)
	ReadOnly     bool                          // read with a shared lock; never writes (wxtill report)
	Clock        func() time.Time              // default time.Now; dates backups, events, audit entries
	Logf         func(format string, a ...any) // warnings (a failed automatic backup); default log.Printf
}

func (o Options) withDefaults(path string) Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.BackupDir == "" {
		o.BackupDir = filepath.Join(filepath.Dir(path), "backups")
	}
	if o.KeepBackups <= 0 {
		o.KeepBackups = DefaultKeepBackups
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logf == nil {
		o.Logf = log.Printf
	}
	return o
}

// Ledger is the till's book on one bbolt file. It is safe for use by many goroutines:
// writes are serialised by bbolt, reads run beside them on a snapshot.
type Ledger struct {
	db     *bolt.DB
	path   string
	opt    Options
	closed atomic.Bool
}

// Open opens (or, unless ReadOnly, creates) the ledger at path. An existing file is
// first checked through a read-only handle: a file locked by another wxtill (after
// LockTimeout), damaged or truncated, or made by a newer wxtill gives a clear error and
// is left untouched. Then missing migrations run in one transaction and, once a day,
// a backup is written into BackupDir.
func Open(path string, opt Options) (*Ledger, error) {
	opt = opt.withDefaults(path)
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && opt.ReadOnly:
		return nil, fmt.Errorf("还没有账本 / %w at %s: nothing has been recorded yet", ErrNoLedger, path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("cannot read ledger %s: %w", path, err)
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("ledger %s is a directory, not a file", path)
	case err == nil && info.Size() == 0:
		return nil, corruptError(path, opt.BackupDir, errors.New("the file is empty"))
	}
	if err == nil {
		ro, err := openChecked(path, opt)
		if err != nil || opt.ReadOnly {
			return ro, err
		}
		if err := ro.db.Close(); err != nil {
			return nil, err
		}
	}
	return openWritable(path, opt)
}

// openChecked opens an existing ledger read-only and checks it cheaply: the file holds
// every page its meta page counts, and the schema is one this wxtill knows.
func openChecked(path string, opt Options) (*Ledger, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: opt.LockTimeout})
	if err != nil {
		return nil, openError(path, opt, err)
	}
	l := &Ledger{db: db, path: path, opt: opt}
	if err := l.inspect(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return l, nil
}

func openError(path string, opt Options, err error) error {
	var pathErr *fs.PathError
	var errno syscall.Errno
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return lockedError(path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("无权访问账本 / no permission to open the ledger %s: %w", path, err)
	case errors.As(err, &pathErr) || errors.As(err, &errno):
		// The system refused (read-only file system, full disk, I/O error): nothing says
		// the file is damaged, and restoring an older backup over it would lose sales.
		return fmt.Errorf("账本无法打开，文件未改动 / %w: %s: %w — check that the disk is mounted writable, has space and reads without errors; do not replace the file",
			ErrUnavailable, path, err)
	}
	return corruptError(path, opt.BackupDir, err)
}

func (l *Ledger) inspect() error {
	info, err := os.Stat(l.path)
	if err != nil {
		return err
	}
	var version int
	err = l.view(func(tx *bolt.Tx) error {
		if tx.Size() > info.Size() {
			return fmt.Errorf("the file is %d bytes but its pages need %d: it was truncated", info.Size(), tx.Size())
		}
		v, err := readVersion(tx)
		if err != nil {
			return err
		}
		version = v
		if v == schemaVersion() {
			return missingBuckets(tx)
		}
		return nil
	})
	switch {
	case err != nil:
		return corruptError(l.path, l.opt.BackupDir, err)
	case version > schemaVersion():
		return newerSchemaError(l.path, version, schemaVersion())
	case l.opt.ReadOnly && version < schemaVersion():
		return fmt.Errorf("账本需要升级 / ledger %s has schema %d, this wxtill needs %d: start the till once to upgrade it", l.path, version, schemaVersion())
	}
	return nil
}

func missingBuckets(tx *bolt.Tx) error {
	for _, name := range bucketsV1 {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("bucket %q is missing", name)
		}
	}
	return nil
}

func openWritable(path string, opt Options) (*Ledger, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory for %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.LockTimeout})
	if err != nil {
		return nil, openError(path, opt, err)
	}
	l := &Ledger{db: db, path: path, opt: opt}
	if err := l.upgrade(); err != nil {
		_ = db.Close()
		return nil, err
	}
	_ = os.WriteFile(lockPath(path), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	if !opt.NoAutoBackup {
		if _, err := l.AutoBackup(); err != nil {
			opt.Logf("wxtill: 自动备份失败 / automatic backup failed: %v", err)
		}
	}
	return l, nil
}

// upgrade backs up a ledger of an older schema, then migrates it.
func (l *Ledger) upgrade() error {
	var version int
	if err := l.view(func(tx *bolt.Tx) (err error) { version, err = readVersion(tx); return err }); err != nil {
		return corruptError(l.path, l.opt.BackupDir, err)
	}
	if version > schemaVersion() {
		return newerSchemaError(l.path, version, schemaVersion())
	}
	if version == schemaVersion() {
		return nil
	}
	if version > 0 {
		name := fmt.Sprintf("ledger-schema%d-%s.db", version, l.opt.Clock().Format("20060102-150405"))
		if err := l.Backup(filepath.Join(l.opt.BackupDir, name)); err != nil {
			return fmt.Errorf("backup before upgrading the ledger failed, nothing changed: %w", err)
		}
	}
	return l.update(migrate)
}

// Close closes the ledger; closing it again does nothing. The Ledger must not be used
// afterwards.
func (l *Ledger) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	if !l.opt.ReadOnly && lockOwner(l.path) == os.Getpid() {
		_ = os.Remove(lockPath(l.path))
	}
	return l.db.Close()
}

// Path returns the ledger file's path.
func (l *Ledger) Path() string { return l.path }

// view and update run bbolt transactions and turn a fault or panic caused by a damaged
// file into an ErrCorrupt error instead of a crash.
func (l *Ledger) view(fn func(*bolt.Tx) error) (err error) {
	defer l.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return l.db.View(fn)
}

func (l *Ledger) update(fn func(*bolt.Tx) error) (err error) {
	if l.opt.ReadOnly {
		return fmt.Errorf("%w: %s", ErrReadOnly, l.path)
	}
	defer l.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	refused := false // fn said no: its error says why; otherwise the file could not be written
	err = l.db.Update(func(tx *bolt.Tx) error {
		ferr := fn(tx)
		refused = ferr != nil
		return ferr
	})
	if err != nil && !refused {
		return fmt.Errorf("账本写入失败，未记录 / %w: %s: %v — is the disk full or read-only? free space, then try again",
			ErrWriteFailed, l.path, err)
	}
	return err
}

func (l *Ledger) recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("账本文件已损坏 / %w: %s: %v; run wxtill report --check", ErrCorrupt, l.path, r)
	}
}

func (l *Ledger) now() time.Time { return l.opt.Clock() }
