package sandbox

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The columns of WeChat's trade bill, per bill_type.
var billColumns = map[string][]string{
	"ALL": {"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
		"交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号",
		"退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额",
		"申请退款金额", "费率备注"},
	"SUCCESS": {"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
		"交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "商品名称", "商户数据包",
		"手续费", "费率", "订单金额", "费率备注"},
	"REFUND": {"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
		"交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "退款申请时间", "退款成功时间",
		"微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
		"手续费", "费率", "订单金额", "申请退款金额", "费率备注"},
}

var billSummaryColumns = []string{"总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"}

const billTimeLayout = "2006-01-02 15:04:05"

// billRow is one line of a bill: a payment (SUCCESS), a refund (REFUND) or the money of
// a reversed payment-code order going back (REVOKED).
type billRow struct {
	at          time.Time
	o           *order
	state       string
	r           *refund // REFUND rows
	refundValue int64   // REFUND and REVOKED rows
}

// billRows lists the day's lines for a bill type, in time order.
func (b *book) billRows(day time.Time, billType string) []billRow {
	end := day.AddDate(0, 0, 1)
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(day) && t.Before(end) }
	var rows []billRow
	for _, o := range b.orders {
		if billType != "REFUND" && in(o.successTime) {
			rows = append(rows, billRow{at: o.successTime, o: o, state: stateSuccess})
		}
		if billType == "SUCCESS" {
			continue
		}
		for _, r := range o.refunds {
			if r.status == refundSuccess && in(r.successTime) {
				rows = append(rows, billRow{at: r.successTime, o: o, state: stateRefund, r: r, refundValue: r.amount})
			}
		}
		if o.revokedPaid && in(o.revokedAt) {
			rows = append(rows, billRow{at: o.revokedAt, o: o, state: stateRevoked, refundValue: o.total})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].at.Equal(rows[j].at) {
			return rows[i].at.Before(rows[j].at)
		}
		if rows[i].o.outTradeNo != rows[j].o.outTradeNo {
			return rows[i].o.outTradeNo < rows[j].o.outTradeNo
		}
		return rows[i].state < rows[j].state
	})
	return rows
}

// renderBill writes the bill as WeChat does: a header line, one line per row with every
// value behind a backquote, then the summary header and line. Amounts are yuan.
func renderBill(rows []billRow, billType string) []byte {
	cols := billColumns[billType]
	var sb strings.Builder
	sb.WriteString(strings.Join(cols, ",") + "\r\n")
	var settled, refunded, fees int64
	for _, row := range rows {
		v := row.values()
		line := make([]string, len(cols))
		for i, c := range cols {
			line[i] = "`" + v[c]
		}
		sb.WriteString(strings.Join(line, ",") + "\r\n")
		if row.state == stateSuccess {
			settled += row.o.total
		}
		refunded += row.refundValue
		fees += row.fee()
	}
	sb.WriteString(strings.Join(billSummaryColumns, ",") + "\r\n")
	summary := []string{strconv.Itoa(len(rows)), yuan(settled), yuan(refunded), yuan(0), yuan(fees), yuan(settled), yuan(refunded)}
	for i := range summary {
		summary[i] = "`" + summary[i]
	}
	sb.WriteString(strings.Join(summary, ",") + "\r\n")
	return []byte(sb.String())
}

// fee is WeChat's 0.6% service fee in fen, rounded half up; a refund gives its share back.
func (row billRow) fee() int64 {
	if row.state == stateSuccess {
		return (row.o.total*6 + 500) / 1000
	}
	return -((row.refundValue*6 + 500) / 1000)
}

func (row billRow) values() map[string]string {
	o := row.o
	v := map[string]string{
		"交易时间": row.at.In(cst).Format(billTimeLayout), "公众账号ID": o.appid, "商户号": o.mchid,
		"特约商户号": "0", "设备号": "", "微信订单号": o.transactionID, "商户订单号": o.outTradeNo,
		"用户标识": o.openid, "交易类型": o.tradeType, "交易状态": row.state, "付款银行": "OTHERS",
		"货币种类": "CNY", "应结订单金额": yuan(0), "代金券金额": yuan(0), "微信退款单号": "0", "商户退款单号": "0",
		"退款金额": yuan(0), "充值券退款金额": yuan(0), "退款类型": "", "退款状态": "", "退款申请时间": "", "退款成功时间": "",
		"商品名称": billText(o.description), "商户数据包": billText(o.attach), "手续费": yuan(row.fee()),
		"费率": "0.60%", "订单金额": yuan(0), "申请退款金额": yuan(0), "费率备注": "",
	}
	if row.state == stateSuccess {
		v["应结订单金额"], v["订单金额"] = yuan(o.total), yuan(o.total)
		return v
	}
	v["退款金额"], v["申请退款金额"] = yuan(row.refundValue), yuan(row.refundValue)
	v["退款类型"], v["退款状态"] = "ORIGINAL", refundSuccess
	v["退款成功时间"] = row.at.In(cst).Format(billTimeLayout)
	v["退款申请时间"] = v["退款成功时间"]
	if row.r != nil {
		v["微信退款单号"], v["商户退款单号"] = row.r.refundID, row.r.outRefundNo
		v["退款申请时间"] = row.r.created.In(cst).Format(billTimeLayout)
	}
	return v
}

// yuan prints fen as yuan with two decimals, without floats.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// billText keeps free text from breaking the comma-separated line.
func billText(s string) string {
	return strings.NewReplacer(",", "，", "\r", " ", "\n", " ", "`", "'").Replace(s)
}
