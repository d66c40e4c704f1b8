package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"wxtill/pos"
)

// ReportArgs are the flags of `wxtill report`.
type ReportArgs struct {
	Ledger string // path of ledger.db
	Date   string // one day, YYYY-MM-DD; default today
	From   string // first day of a range, inclusive
	To     string // last day of a range, inclusive; default today when From is given
	JSON   bool   // one JSON object for scripts
	Check  bool   // verify the ledger; exit 1 on differences
	Backup string // write a consistent copy here
	Now    func() time.Time
}

// RunReport runs `wxtill report` and returns the exit status: 0 done, 1 the ledger is
// missing, unreadable or inconsistent, 2 bad flags. It opens the ledger read-only and
// never creates one.
func RunReport(a ReportArgs, stdout, stderr io.Writer) int {
	if a.Now == nil {
		a.Now = time.Now
	}
	from, to, err := a.days()
	if err != nil {
		fmt.Fprintln(stderr, "wxtill report:", err)
		return 2
	}
	if _, err := os.Stat(a.Ledger); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "wxtill report: 还没有账本，尚无任何记录 / no ledger yet at %s: nothing has been recorded (check --data)\n", a.Ledger)
		return 1
	}
	l, err := Open(a.Ledger, Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintln(stderr, "wxtill report:", err)
		return 1
	}
	defer l.Close()
	if a.Backup != "" || a.Check {
		return runMaintenance(l, a, stdout, stderr)
	}
	rep, err := buildReport(l, from, to)
	if err != nil {
		fmt.Fprintln(stderr, "wxtill report:", err)
		return 1
	}
	if a.JSON {
		err = writeJSON(stdout, rep)
	} else {
		err = writeHuman(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxtill report:", err)
		return 1
	}
	return 0
}

// days turns the flags into local midnights [from, to).
func (a ReportArgs) days() (from, to time.Time, err error) {
	if a.Date != "" && (a.From != "" || a.To != "") {
		return from, to, errors.New("--date 与 --from/--to 不能同时使用 / use either --date or --from/--to, not both")
	}
	if a.To != "" && a.From == "" {
		return from, to, errors.New("--to 需要 --from / --to needs --from")
	}
	first, last := a.Date, a.Date
	if a.From != "" {
		first, last = a.From, a.To
	}
	today := pos.DayStart(a.Now())
	from, to = today, today
	if first != "" {
		if from, err = pos.ParseDay(first); err != nil {
			return from, to, err
		}
	}
	if last != "" {
		if to, err = pos.ParseDay(last); err != nil {
			return from, to, err
		}
	} else if a.Date != "" {
		to = from
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("--from %s 晚于 --to %s / the range ends before it starts", pos.DayKey(from), pos.DayKey(to))
	}
	return from, pos.DayStart(to.Add(36 * time.Hour)), nil
}

func runMaintenance(l *Ledger, a ReportArgs, stdout, stderr io.Writer) int {
	if a.Backup != "" {
		if err := l.Backup(a.Backup); err != nil {
			fmt.Fprintln(stderr, "wxtill report:", err)
			return 1
		}
		fmt.Fprintf(stdout, "已备份 / backup written: %s\n", a.Backup)
	}
	if a.Check {
		err := l.Check()
		var ce *CheckError
		switch {
		case errors.As(err, &ce):
			fmt.Fprintln(stdout, ce.Error())
			return 1
		case err != nil:
			fmt.Fprintln(stderr, "wxtill report:", err)
			return 1
		}
		fmt.Fprintf(stdout, "账本一致 / ledger is consistent: %s\n", l.Path())
	}
	return 0
}
