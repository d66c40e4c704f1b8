package storage

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wxtill/pos"
)

// reportLedger writes a small day of trade: a Native sale partly refunded the next day,
// a cash sale, and one sale still awaiting payment.
func reportLedger(t *testing.T) string {
	path := filepath.Join(t.TempDir(), FileName)
	l := openTest(t, path, Options{NoAutoBackup: true})
	must(t, l.CreateSale(newSale("Q1", at(0, 9, 0), 1250), ev("cashier")))
	s := pay(t, l, "Q1", at(0, 9, 1))
	cash := newSale("Q2", at(0, 14, 30), 800)
	cash.Method, cash.State, cash.PaidAt = pos.MethodCash, pos.StatePaid, at(0, 14, 30)
	must(t, l.CreateSale(cash, ev("cashier")))
	must(t, l.CreateSale(newSale("Q3", at(0, 15, 0), 300), ev("cashier")))
	s.State, s.Refunded = pos.StatePartRefunded, 250
	must(t, l.SaveRefund(pos.Refund{OutRefundNo: "QR1", OutTradeNo: "Q1", Amount: 250,
		State: pos.RefundSuccess, SucceededAt: at(1, 10, 0)}, &s, ev("owner")))
	closeChecked(t, l)
	return path
}

func runReport(t *testing.T, a ReportArgs) (code int, stdout, stderr string) {
	t.Helper()
	if a.Now == nil {
		a.Now = func() time.Time { return at(0, 20, 0) }
	}
	var out, errOut bytes.Buffer
	code = RunReport(a, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestReportHuman(t *testing.T) {
	path := reportLedger(t)
	code, out, errOut := runReport(t, ReportArgs{Ledger: path})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2025-03-14", "笔数 Count      2", "收款 Gross      ¥20.50", "退款 Refunds    ¥0.00",
		"净额 Net        ¥20.50", "微信扫码 WeChat QR", "现金 Cash", "09:00     1 笔  ¥12.50", "未完成 Unfinished: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runReport(t, ReportArgs{Ledger: path, From: "2025-03-14", To: "2025-03-15"})
	if code != 0 || !strings.Contains(out, "2025-03-14 — 2025-03-15") || !strings.Contains(out, "净额 Net        ¥18.00") ||
		!strings.Contains(out, "2025-03-15     0 笔  收款 ¥0.00  退款 ¥2.50  净额 -¥2.50") {
		t.Fatalf("range report (exit %d):\n%s", code, out)
	}
}

func TestReportJSON(t *testing.T) {
	path := reportLedger(t)
	code, out, errOut := runReport(t, ReportArgs{Ledger: path, From: "2025-03-14", JSON: true,
		Now: func() time.Time { return at(1, 8, 0) }})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got jsonReport
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	expectEqual(t, "range", got.From+".."+got.To, "2025-03-14..2025-03-15")
	expectEqual(t, "figures", got.jsonFigures, jsonFigures{Count: 2, GrossFen: 2050, Gross: "20.50",
		RefundCount: 1, RefundsFen: 250, Refunds: "2.50", NetFen: 1800, Net: "18.00"})
	expectEqual(t, "native", got.ByMethod[pos.MethodNative], jsonFigures{Count: 1, GrossFen: 1250, Gross: "12.50",
		RefundCount: 1, RefundsFen: 250, Refunds: "2.50", NetFen: 1000, Net: "10.00"})
	expectEqual(t, "cash sales", got.ByMethod[pos.MethodCash].Count, 1)
	expectEqual(t, "unsettled", [2]int{got.UnsettledSales, got.UnsettledRefunds}, [2]int{1, 0})
	if len(got.ByHour) != 24 || len(got.Days) != 2 {
		t.Fatalf("%d hours, %d days; want 24 and 2", len(got.ByHour), len(got.Days))
	}
	expectEqual(t, "hour 14", got.ByHour[14], jsonHour{Hour: 14, Count: 1, GrossFen: 800, Gross: "8.00"})
	expectEqual(t, "second day", got.Days[1].Day+" "+got.Days[1].Net, "2025-03-15 -2.50")
}

func TestReportBadFlagsAndMissingLedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	cases := []struct {
		args ReportArgs
		code int
		want string
	}{
		{ReportArgs{Date: "2025-02-30"}, 2, "YYYY-MM-DD"},
		{ReportArgs{Date: "2025-03-14", From: "2025-03-01"}, 2, "not both"},
		{ReportArgs{To: "2025-03-01"}, 2, "--to needs --from"},
		{ReportArgs{From: "2025-03-02", To: "2025-03-01"}, 2, "ends before it starts"},
		{ReportArgs{}, 1, "nothing has been recorded"},
		{ReportArgs{Check: true}, 1, "no ledger yet"},
	}
	for _, c := range cases {
		c.args.Ledger = path
		code, _, errOut := runReport(t, c.args)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%+v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, errOut, c.code, c.want)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("report created a ledger")
	}
}

func TestReportCheckAndBackup(t *testing.T) {
	path := reportLedger(t)
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut := runReport(t, ReportArgs{Ledger: path, Check: true, Backup: copyPath})
	if code != 0 || !strings.Contains(out, "consistent") || !strings.Contains(out, copyPath) {
		t.Fatalf("check+backup: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runReport(t, ReportArgs{Ledger: copyPath, JSON: true})
	if code != 0 || !strings.Contains(out, `"gross_fen": 2050`) {
		t.Fatalf("report of the backup: exit %d\n%s", code, out)
	}

	// Damage the totals behind the ledger's back: --check says where, exit 1.
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDays).Put([]byte("2025-03-15"), encodeAgg(&dayAgg{All: tally{RefundCount: 1, Refunds: 999}}))
	}))
	must(t, db.Close())
	code, out, _ = runReport(t, ReportArgs{Ledger: path, Check: true})
	if code != 1 || !strings.Contains(out, "day 2025-03-15: refunds is ¥9.99, recount says ¥2.50") {
		t.Fatalf("check of a damaged ledger: exit %d\n%s", code, out)
	}
}

func TestReportWhileTheTillRuns(t *testing.T) {
	path := reportLedger(t)
	l := openTest(t, path, Options{NoAutoBackup: true})
	start := time.Now()
	code, _, errOut := runReport(t, ReportArgs{Ledger: path})
	if code != 1 || !strings.Contains(errOut, "in use by another wxtill") {
		t.Fatalf("report while the ledger is open: exit %d, %s", code, errOut)
	}
	t.Logf("gave up after %s", time.Since(start).Round(time.Millisecond))
	closeChecked(t, l)
}
