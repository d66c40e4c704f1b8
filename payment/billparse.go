package payment

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"wxtill/pos"
)

// The bill's column names, as WeChat writes them. Columns are found by name, so a bill
// with more, fewer or reordered columns still parses.
const (
	colTradeTime       = "交易时间"
	colAppID           = "公众账号ID"
	colMchID           = "商户号"
	colTransactionID   = "微信订单号"
	colOutTradeNo      = "商户订单号"
	colTradeType       = "交易类型"
	colTradeState      = "交易状态"
	colBank            = "付款银行"
	colSettlement      = "应结订单金额"
	colCoupon          = "代金券金额"
	colRefundID        = "微信退款单号"
	colOutRefundNo     = "商户退款单号"
	colRefund          = "退款金额"
	colCouponRefund    = "充值券退款金额"
	colRefundType      = "退款类型"
	colRefundState     = "退款状态"
	colDescription     = "商品名称"
	colAttach          = "商户数据包"
	colFee             = "手续费"
	colRate            = "费率"
	colTotal           = "订单金额"
	colRefundRequested = "申请退款金额"

	summaryMarker = "总交易单数"
)

// ParseTradeBill reads a trade bill file: a header line, one line per trade (each field
// prefixed with a backquote so spreadsheets keep long numbers), then a summary header and
// its totals. Amounts are yuan with two decimals; they become pos.Money without floats.
func ParseTradeBill(data []byte) (*TradeBill, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("bill has no header line: %w", err)
	}
	cols := columnIndex(header)
	for _, need := range []string{colOutTradeNo, colTradeState} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("bill header has no %q column", need)
		}
	}
	bill := &TradeBill{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("bill ends without its summary")
		}
		if err != nil {
			return nil, fmt.Errorf("bill line %d: %w", line, err)
		}
		if len(rec) > 0 && strings.TrimSpace(rec[0]) == summaryMarker {
			bill.Summary, err = parseSummary(r, rec)
			return bill, err
		}
		rec = rejoinSplitText(rec, len(header))
		if len(rec) != len(header) {
			return nil, fmt.Errorf("bill line %d has %d fields, the header %d", line, len(rec), len(header))
		}
		row, err := parseBillRow(cols, rec)
		if err != nil {
			return nil, fmt.Errorf("bill line %d: %w", line, err)
		}
		bill.Rows = append(bill.Rows, row)
	}
}

// rejoinSplitText undoes commas inside a text field (a product name like "可乐,薯片"):
// the bill's fields are not quoted, but every value starts with a backquote, so a piece
// without one belongs to the field before it.
func rejoinSplitText(rec []string, want int) []string {
	if len(rec) <= want {
		return rec
	}
	out := make([]string, 0, want)
	for _, f := range rec {
		if len(out) > 0 && !strings.HasPrefix(strings.TrimSpace(f), "`") {
			out[len(out)-1] += "," + f
			continue
		}
		out = append(out, f)
	}
	return out
}

func columnIndex(header []string) map[string]int {
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	return cols
}

// fields reads one record's values by column name.
type fields struct {
	cols map[string]int
	rec  []string
	err  error
}

func (f *fields) text(col string) string {
	i, ok := f.cols[col]
	if !ok || i >= len(f.rec) {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f.rec[i]), "`"))
}

func (f *fields) money(col string) pos.Money {
	m, err := parseYuan(f.text(col), false)
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%s: %w", col, err)
	}
	return m
}

func parseBillRow(cols map[string]int, rec []string) (BillRow, error) {
	f := &fields{cols: cols, rec: rec}
	row := BillRow{
		AppID: f.text(colAppID), MchID: f.text(colMchID),
		TransactionID: f.text(colTransactionID), OutTradeNo: f.text(colOutTradeNo),
		TradeType: f.text(colTradeType), TradeState: f.text(colTradeState), Bank: f.text(colBank),
		Settlement: f.money(colSettlement), Coupon: f.money(colCoupon),
		RefundID: f.text(colRefundID), OutRefundNo: f.text(colOutRefundNo),
		Refund: f.money(colRefund), CouponRefund: f.money(colCouponRefund),
		RefundType: f.text(colRefundType), RefundState: f.text(colRefundState),
		Description: f.text(colDescription), Attach: f.text(colAttach),
		FeeText: f.text(colFee), Rate: f.text(colRate),
		Total: f.money(colTotal), RefundRequested: f.money(colRefundRequested),
	}
	if f.err != nil {
		return row, f.err
	}
	var err error
	if row.Fee, err = parseYuan(row.FeeText, true); err != nil {
		return row, fmt.Errorf("%s: %w", colFee, err)
	}
	if s := f.text(colTradeTime); s != "" {
		if row.TradeTime, err = time.ParseInLocation("2006-01-02 15:04:05", s, chinaTime); err != nil {
			return row, fmt.Errorf("%s %q is not YYYY-MM-DD hh:mm:ss", colTradeTime, s)
		}
	}
	return row, nil
}

func parseSummary(r *csv.Reader, header []string) (BillSummary, error) {
	rec, err := r.Read()
	if err != nil {
		return BillSummary{}, fmt.Errorf("bill summary has no totals line: %w", err)
	}
	f := &fields{cols: columnIndex(header), rec: rec}
	s := BillSummary{
		Settlement: f.money("应结订单总金额"), Refund: f.money("退款总金额"),
		CouponRefund: f.money("充值券退款总金额"), Total: f.money("订单总金额"),
		RefundRequested: f.money("申请退款总金额"),
	}
	if f.err != nil {
		return s, f.err
	}
	if s.Fees, err = parseYuan(f.text("手续费总金额"), true); err != nil {
		return s, fmt.Errorf("手续费总金额: %w", err)
	}
	if s.Count, err = strconv.Atoi(f.text(summaryMarker)); err != nil || s.Count < 0 {
		return s, fmt.Errorf("%s %q is not a count", summaryMarker, f.text(summaryMarker))
	}
	return s, nil
}

// maxBillYuanDigits keeps a bill's amounts far from int64 overflow (10^15 yuan).
const maxBillYuanDigits = 15

// parseYuan reads "12.34", "0.0", "-1.5" or "" (zero) as fen. More than two decimals are
// refused, unless round is set (fees have up to five): then the figure is rounded half
// away from zero to the fen.
func parseYuan(s string, round bool) (pos.Money, error) {
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || len(whole) > maxBillYuanDigits || !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	extra := ""
	if len(frac) > 2 {
		frac, extra = frac[:2], frac[2:]
		if !round && strings.Trim(extra, "0") != "" {
			return 0, fmt.Errorf("%q has more than two decimals", s)
		}
	}
	fen, _ := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	if extra != "" && extra[0] >= '5' {
		fen++
	}
	if neg {
		fen = -fen
	}
	return pos.Money(fen), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
