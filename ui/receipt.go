package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wxtill/pos"
)

// receiptWidth is a 58 mm receipt printer's line: 32 cells, a Chinese character taking two.
const receiptWidth = 32

// receiptInfo is what a receipt shows besides the sale itself.
type receiptInfo struct {
	Shop   string
	TillID string
}

// receiptText is the receipt as plain text, laid out in cells for a receipt printer.
func receiptText(info receiptInfo, s pos.Sale) string {
	var b strings.Builder
	rule := strings.Repeat("-", receiptWidth)
	line := func(s string) { b.WriteString(s + "\n") }
	pair := func(l, r string) { line(spread(l, r, receiptWidth)) }

	line(center(info.Shop, receiptWidth))
	pair(T("receipt.till", info.TillID), cashierName(s))
	pair(T("receipt.time"), receiptTime(s).Format("2006-01-02 15:04:05"))
	line(rule)
	for _, l := range s.Lines {
		line(l.Name)
		pair(fmt.Sprintf("  %d × %s", l.Qty, l.UnitPrice), l.Amount().String())
	}
	line(rule)
	if s.Discount > 0 {
		pair(T("receipt.discount"), (-s.Discount).String())
	}
	pair(T("receipt.total"), s.Total.String())
	pair(T("receipt.method"), methodName(s.Method))
	if s.Method == pos.MethodCash {
		pair(T("receipt.tendered"), s.Tendered.String())
		pair(T("receipt.change"), s.Change().String())
	}
	line(rule)
	line(T("receipt.order_no"))
	line("  " + s.OutTradeNo)
	if s.TransactionID != "" {
		line(T("receipt.transaction_id"))
		line("  " + s.TransactionID)
	}
	if s.Flag == pos.FlagPaidTwice {
		line(T("receipt.paid_twice"))
	}
	line(rule)
	line(center(T("receipt.thanks"), receiptWidth))
	return b.String()
}

func cashierName(s pos.Sale) string {
	if s.Cashier == "" {
		return ""
	}
	return T("receipt.cashier", s.Cashier)
}

// receiptTime is when the money was taken (or, failing that, last recorded).
func receiptTime(s pos.Sale) time.Time {
	t := s.PaidAt
	if t.IsZero() {
		t = s.UpdatedAt
	}
	return t.Local()
}

func methodName(m pos.Method) string {
	switch m {
	case pos.MethodNative:
		return T("method.native")
	case pos.MethodCode:
		return T("method.code")
	case pos.MethodCash:
		return T("method.cash")
	}
	return string(m)
}

// cells is how wide s prints: East Asian wide characters take two cells.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n += runeCells(r)
	}
	return n
}

func runeCells(r rune) int {
	if r >= 0x2E80 { // CJK, kana, hangul, full-width forms
		return 2
	}
	return 1
}

// spread puts l at the left and r at the right of a width-cell line (at least one space).
func spread(l, r string, width int) string {
	gap := width - cells(l) - cells(r)
	if gap < 1 {
		gap = 1
	}
	return l + strings.Repeat(" ", gap) + r
}

func center(s string, width int) string {
	pad := (width - cells(s)) / 2
	if pad < 0 {
		pad = 0
	}
	return strings.Repeat(" ", pad) + s
}

// saveReceipt writes the receipt as <dir>/<out_trade_no>.txt and .png and returns the
// paths. The PNG is the same text drawn with the till's fonts, ready for any printer.
func saveReceipt(dir string, info receiptInfo, s pos.Sale) (txt, png string, err error) {
	if dir == "" {
		return "", "", fmt.Errorf("no receipt folder configured")
	}
	if !pos.ValidOutTradeNo(s.OutTradeNo) { // it names the files: never a path
		return "", "", fmt.Errorf("bad order number %q", s.OutTradeNo)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	text := receiptText(info, s)
	base := filepath.Join(dir, s.OutTradeNo)
	if err := os.WriteFile(base+".txt", []byte(text), 0o644); err != nil {
		return "", "", err
	}
	img, err := renderReceipt(text)
	if err != nil {
		return "", "", err
	}
	if err := writePNG(base+".png", img); err != nil {
		return "", "", err
	}
	return base + ".txt", base + ".png", nil
}
