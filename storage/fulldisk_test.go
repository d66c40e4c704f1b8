//go:build linux

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"wxtill/pos"
)

// TestFullDisk: when the file cannot grow (a full disk; here a file-size limit, which
// the Go runtime turns into EFBIG errors instead of a signal), a write fails with an
// error, nothing panics, every write that returned nil is still there, the failed one
// left no trace, and once space is back the same write succeeds.
func TestFullDisk(t *testing.T) {
	l := openTest(t, filepath.Join(t.TempDir(), FileName), Options{NoAutoBackup: true})
	var saved syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &saved))
	limit := saved
	limit.Cur = 256 << 10
	must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit))
	restore := func() { must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &saved)) }
	defer restore()

	var written []string
	var failed pos.Sale
	var werr error
	for i := 0; i < 20000 && werr == nil; i++ {
		s := newSale(fmt.Sprintf("FD%05d", i), at(0, 8, 0).Add(time.Duration(i)*time.Second), 1000)
		s.Description = fmt.Sprintf("%0200d", i) // big records: the limit comes sooner
		if werr = l.CreateSale(s, ev("cashier")); werr == nil {
			written = append(written, s.OutTradeNo)
		} else {
			failed = s
		}
	}
	if werr == nil {
		t.Fatal("20000 sales fitted under a 256 KB file-size limit: the test proves nothing")
	}
	if !errors.Is(werr, ErrWriteFailed) || !strings.Contains(werr.Error(), "file too large") || !strings.Contains(werr.Error(), "disk full") {
		t.Errorf("error %v: want ErrWriteFailed, its cause and what to do", werr)
	}
	restore()
	if _, err := l.Sale(failed.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
		t.Errorf("the sale whose write failed: %v, want not recorded", err)
	}
	for _, no := range written {
		if _, err := l.Sale(no); err != nil {
			t.Fatalf("sale %s written before the disk filled: %v", no, err)
		}
	}
	must(t, l.Check())
	must(t, l.CreateSale(failed, ev("cashier")))
	if _, err := l.Sale(failed.OutTradeNo); err != nil {
		t.Errorf("after space came back: %v", err)
	}
}

// TestOpenErrorsFromTheSystem: when the system refuses the file (read-only file system,
// full disk, I/O error) Open must not call a healthy ledger damaged and point at a backup
// to copy over it — that would throw away every sale since the backup.
func TestOpenErrorsFromTheSystem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	fillLedger(t, l, 3)
	must(t, l.Backup(filepath.Join(dir, "backups", "ledger-20250313.db")))
	closeChecked(t, l)
	opt := Options{}.withDefaults(path)
	for _, cause := range []error{syscall.EROFS, syscall.ENOSPC, syscall.EIO} {
		err := openError(path, opt, &os.PathError{Op: "open", Path: path, Err: cause})
		if errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) ||
			strings.Contains(err.Error(), "restore") || !strings.Contains(err.Error(), "do not replace") {
			t.Errorf("%v: %v", cause, err)
		}
	}
	if err := openError(path, opt, errors.New("invalid database")); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "ledger-20250313.db") {
		t.Errorf("damage: %v, want ErrCorrupt naming the backup", err)
	}
}
