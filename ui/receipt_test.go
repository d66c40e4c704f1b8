package ui

import (
	"strings"
	"testing"
	"time"

	"wxtill/pos"
)

func TestReceiptLayoutInCells(t *testing.T) {
	for _, tc := range []struct {
		l, r  string
		width int
		want  string
	}{
		{"合计", "¥12.50", 16, "合计      ¥12.50"},
		{"Total", "¥1.00", 12, "Total  ¥1.00"},
		{"一个很长很长的名字", "¥1.00", 10, "一个很长很长的名字 ¥1.00"}, // never glued together
	} {
		if got := spread(tc.l, tc.r, tc.width); got != tc.want {
			t.Errorf("spread(%q, %q, %d) = %q, want %q", tc.l, tc.r, tc.width, got, tc.want)
		}
	}
	if got := cells("可乐 330ml"); got != 10 {
		t.Errorf("cells = %d, want 10 (two wide characters, six narrow)", got)
	}
}

// A cash receipt: every line fits the printer, and it says what was bought, what was paid,
// the change and the order number.
func TestCashReceiptText(t *testing.T) {
	defer SetLanguage(DefaultLang)
	_ = SetLanguage("zh-CN")
	paid := time.Date(2026, 5, 1, 9, 30, 15, 0, time.Local)
	s := pos.Sale{OutTradeNo: "T01-20260501093015-abc123", Method: pos.MethodCash, Cashier: "小王",
		Lines:    []pos.Line{{Name: "可乐 330ml", UnitPrice: 350, Qty: 2}, {Name: "面包", UnitPrice: 800, Qty: 1}},
		Discount: 100, Total: 1400, Tendered: 2000, PaidAt: paid}
	text := receiptText(receiptInfo{Shop: "示例小店", TillID: "T01"}, s)
	for _, want := range []string{"示例小店", "收银员 小王", "2026-05-01 09:30:15", "2 × ¥3.50", "¥7.00",
		"-¥1.00", "¥14.00", "现金", "¥20.00", "找零", "¥6.00", "T01-20260501093015-abc123"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if cells(line) > receiptWidth {
			t.Errorf("line wider than the printer (%d cells): %q", cells(line), line)
		}
	}
	if strings.Contains(text, "微信支付单号") {
		t.Error("a cash sale has no WeChat transaction number")
	}
	img, err := renderReceipt(text)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != 2*receiptMargin+receiptWidth*receiptCellPx {
		t.Errorf("receipt picture is %d px wide", w)
	}
}

// A receipt is never written under a name that could leave its folder.
func TestSaveReceiptRefusesABadOrderNumber(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := saveReceipt(dir, receiptInfo{}, pos.Sale{OutTradeNo: "../../etc/x"}); err == nil {
		t.Fatal("saveReceipt accepted an order number with a path in it")
	}
	if _, _, err := saveReceipt("", receiptInfo{}, pos.Sale{OutTradeNo: "T01-20260501093015-abc123"}); err == nil {
		t.Fatal("saveReceipt without a folder should fail")
	}
}
