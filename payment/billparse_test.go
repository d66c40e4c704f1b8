package payment

import (
	"strings"
	"testing"
	"time"

	"wxtill/pos"
)

const billHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类," +
	"应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"

// sampleBill is a bill as WeChat writes it: a BOM, backquoted fields, a paid order, its
// partial refund, and the summary.
var sampleBill = "\ufeff" + billHeader + "\n" +
	"`2025-03-01 09:15:02,`wx8888888888888888,`1900000001,`0,`,`4200000001202503011234567890,`T01202503010001,`oUpF8uMuAJO,`NATIVE,`SUCCESS,`OTHERS,`CNY," +
	"`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`示例便利店-可乐 等3件,`01,`0.07500,`0.60%,`12.50,`0.00,`\n" +
	"`2025-03-01 10:00:00,`wx8888888888888888,`1900000001,`0,`,`4200000001202503011234567890,`T01202503010001,`oUpF8uMuAJO,`NATIVE,`REFUND,`OTHERS,`CNY," +
	"`0.00,`0.00,`50300000012025030100001,`R01202503010001,`2.50,`0.00,`ORIGINAL,`SUCCESS,`示例便利店-可乐 等3件,`01,`-0.01500,`0.60%,`0.00,`2.50,`\n" +
	"总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n" +
	"`2,`12.50,`2.50,`0.00,`0.06000,`12.50,`2.50\n"

func TestParseTradeBill(t *testing.T) {
	b, err := ParseTradeBill([]byte(sampleBill))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(b.Rows))
	}
	paid, refund := b.Rows[0], b.Rows[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"out_trade_no", paid.OutTradeNo, "T01202503010001"},
		{"state", paid.TradeState, "SUCCESS"},
		{"type", paid.TradeType, "NATIVE"},
		{"settlement", paid.Settlement, pos.Money(1250)},
		{"total", paid.Total, pos.Money(1250)},
		{"fee rounded to the fen", paid.Fee, pos.Money(8)},
		{"fee as written", paid.FeeText, "0.07500"},
		{"attach", paid.Attach, "01"},
		{"description", paid.Description, "示例便利店-可乐 等3件"},
		{"time in China", paid.TradeTime, time.Date(2025, 3, 1, 9, 15, 2, 0, chinaTime)},
		{"refund amount", refund.Refund, pos.Money(250)},
		{"refund requested", refund.RefundRequested, pos.Money(250)},
		{"refund no", refund.OutRefundNo, "R01202503010001"},
		{"negative fee", refund.Fee, pos.Money(-2)},
		{"summary count", b.Summary.Count, 2},
		{"summary settlement", b.Summary.Settlement, pos.Money(1250)},
		{"summary refund", b.Summary.Refund, pos.Money(250)},
		{"summary fees", b.Summary.Fees, pos.Money(6)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// WeChat does not quote the bill's fields: a comma in a product name splits it, and the
// pieces without a leading backquote are put back together.
func TestParseTradeBillCommaInText(t *testing.T) {
	data := strings.ReplaceAll(sampleBill, "`示例便利店-可乐 等3件,", "`可乐,薯片, 面包,")
	b, err := ParseTradeBill([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Rows) != 2 || b.Rows[0].Description != "可乐,薯片, 面包" || b.Rows[0].Attach != "01" || b.Rows[1].Refund != 250 {
		t.Fatalf("rows %+v", b.Rows)
	}
}

func TestParseTradeBillRefusesBrokenFiles(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(sampleBill, "\n"), "\n")
	cases := map[string]string{
		"empty":                           "",
		"no summary":                      strings.Join(lines[:3], "\n") + "\n",
		"summary no totals":               strings.Join(lines[:4], "\n") + "\n",
		"amount not a number":             strings.Replace(sampleBill, "`12.50,`0.00,`0,", "`12,50,`0.00,`0,", 1),
		"three decimals":                  strings.Replace(sampleBill, "`12.50,`0.00,`0,", "`12.505,`0.00,`0,", 1),
		"bad time":                        strings.Replace(sampleBill, "2025-03-01 09:15:02", "2025/03/01", 1),
		"header without the order column": strings.Replace(sampleBill, "商户订单号", "订单", 1),
		"huge amount":                     strings.Replace(sampleBill, "`12.50,`0.00,`0,", "`99999999999999999999.00,`0.00,`0,", 1),
	}
	for name, data := range cases {
		if _, err := ParseTradeBill([]byte(data)); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestParseYuan(t *testing.T) {
	cases := []struct {
		in    string
		round bool
		want  pos.Money
		bad   bool
	}{
		{"", false, 0, false},
		{"0", false, 0, false},
		{"0.0", false, 0, false},
		{"12.5", false, 1250, false},
		{"12.50", false, 1250, false},
		{"-3.01", false, -301, false},
		{"1.500", false, 150, false}, // trailing zeros are exact
		{"1.505", false, 0, true},
		{"1.505", true, 151, false},
		{"0.00499", true, 0, false},
		{"-0.005", true, -1, false},
		{"1e3", false, 0, true},
		{".5", false, 0, true},
		{"１２", false, 0, true},
		{"1234567890123456", false, 0, true},
	}
	for _, c := range cases {
		got, err := parseYuan(c.in, c.round)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parseYuan(%q, %v) = %v, %v; want %v, bad=%v", c.in, c.round, got, err, c.want, c.bad)
		}
	}
}

// FuzzParseTradeBill: any file is a bill or an error, never a panic; a bill's amounts
// stay far from overflow.
func FuzzParseTradeBill(f *testing.F) {
	f.Add([]byte(sampleBill))
	f.Add([]byte(strings.ReplaceAll(sampleBill, "`示例便利店-可乐 等3件,", "`a,b,,c\",`")))
	f.Add([]byte(billHeader + "\n,,,\n总交易单数\n`1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseTradeBill(data)
		if err != nil {
			return
		}
		const limit = pos.Money(1e17)
		for _, r := range b.Rows {
			if r.Total > limit || r.Total < -limit || r.Refund > limit || r.Refund < -limit {
				t.Fatalf("amount out of range: %+v", r)
			}
		}
	})
}
