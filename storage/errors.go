package storage

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Errors of Open and of the ledger's own checks. Each returned error wraps one of them
// and says, in Chinese and English, what is wrong and what to do.
var (
	ErrLocked       = errors.New("ledger is in use by another wxtill")
	ErrCorrupt      = errors.New("ledger file is damaged")
	ErrNewerSchema  = errors.New("ledger was made by a newer wxtill")
	ErrNoLedger     = errors.New("no ledger yet")
	ErrReadOnly     = errors.New("ledger is open read-only")
	ErrInvalid      = errors.New("invalid record")
	ErrInconsistent = errors.New("ledger is inconsistent")
	ErrWriteFailed  = errors.New("the ledger file could not be written; nothing was recorded")
	ErrUnavailable  = errors.New("the system cannot open the ledger file")
)

func lockedError(path string) error {
	who := "pid unknown"
	if pid := lockOwner(path); pid > 0 {
		who = "pid " + strconv.Itoa(pid)
	}
	return fmt.Errorf("账本正被另一个 wxtill 使用 / %w (%s): %s — close that till first, or see the totals on its owner screen",
		ErrLocked, who, path)
}

// corruptError names the damaged file and the newest backup to restore from. Nothing
// has been written to the file when it is returned.
func corruptError(path, backupDir string, cause error) error {
	hint := "no backup found in " + backupDir
	if b := newestBackup(backupDir); b != "" {
		hint = "restore the latest backup: keep the damaged file aside, then copy " + b + " to " + path
	}
	return fmt.Errorf("账本文件已损坏 / %w: %s (%v); nothing was changed; %s", ErrCorrupt, path, cause, hint)
}

func newerSchemaError(path string, have, know int) error {
	return fmt.Errorf("账本由更新版本的 wxtill 创建 / %w (schema %d, this wxtill knows %d): %s — upgrade wxtill; nothing was changed",
		ErrNewerSchema, have, know, path)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// lockPath is the side file where the process holding the ledger writes its pid, so
// another wxtill can say who has it.
func lockPath(path string) string { return path + ".pid" }

func lockOwner(path string) int {
	b, err := os.ReadFile(lockPath(path))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}
