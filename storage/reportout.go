package storage

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"wxtill/pos"
)

// report is what `wxtill report` prints.
type report struct {
	first, last      string // inclusive days
	totals           pos.Totals
	days             []pos.DayTotals // only for a range of more than one day
	unsettledSales   int
	unsettledRefunds int
}

func buildReport(l *Ledger, from, to time.Time) (report, error) {
	rep := report{first: pos.DayKey(from), last: pos.DayKey(to.Add(-time.Nanosecond))}
	var err error
	if rep.totals, err = l.Totals(from, to); err != nil {
		return rep, err
	}
	if rep.first != rep.last {
		if rep.days, err = l.Daily(from, to); err != nil {
			return rep, err
		}
	}
	sales, err := l.UnsettledSales()
	if err != nil {
		return rep, err
	}
	refunds, err := l.UnsettledRefunds()
	rep.unsettledSales, rep.unsettledRefunds = len(sales), len(refunds)
	return rep, err
}

// methodLabel names a payment method for people.
func methodLabel(m pos.Method) string {
	switch m {
	case pos.MethodNative:
		return "微信扫码 WeChat QR"
	case pos.MethodCode:
		return "微信付款码 WeChat pay code"
	case pos.MethodCash:
		return "现金 Cash"
	}
	return string(m)
}

func sortedMethods(t pos.Totals) []pos.Method {
	ms := make([]pos.Method, 0, len(t.ByMethod))
	for m := range t.ByMethod {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	return ms
}

func writeHuman(w io.Writer, r report) error {
	var b strings.Builder
	period := r.first
	if r.first != r.last {
		period = r.first + " — " + r.last
	}
	t := r.totals
	fmt.Fprintf(&b, "wxtill 汇总 Totals  %s\n", period)
	fmt.Fprintf(&b, "  笔数 Count      %d\n", t.Count)
	fmt.Fprintf(&b, "  收款 Gross      %s\n", t.Gross)
	fmt.Fprintf(&b, "  退款 Refunds    %s  (%d 笔 refunds)\n", t.Refunds, t.RefundCount)
	fmt.Fprintf(&b, "  净额 Net        %s\n", t.Net)
	if len(t.ByMethod) > 0 {
		fmt.Fprintf(&b, "\n按支付方式 By method\n")
		for _, m := range sortedMethods(t) {
			mt := t.ByMethod[m]
			fmt.Fprintf(&b, "  %s\n    笔数 Count %d   收款 Gross %s   退款 Refunds %s (%d)   净额 Net %s\n",
				methodLabel(m), mt.Count, mt.Gross, mt.Refunds, mt.RefundCount, mt.Net)
		}
	}
	if t.Count > 0 {
		fmt.Fprintf(&b, "\n按小时 By hour (paid)\n")
		for h, ht := range t.ByHour {
			if ht.Count > 0 {
				fmt.Fprintf(&b, "  %02d:00  %4d 笔  %s\n", h, ht.Count, ht.Gross)
			}
		}
	}
	if len(r.days) > 0 {
		fmt.Fprintf(&b, "\n按日 By day\n")
		for _, d := range r.days {
			fmt.Fprintf(&b, "  %s  %4d 笔  收款 %s  退款 %s  净额 %s\n", d.Day, d.Count, d.Gross, d.Refunds, d.Net)
		}
	}
	if r.unsettledSales > 0 || r.unsettledRefunds > 0 {
		fmt.Fprintf(&b, "\n未完成 Unfinished: %d 笔交易 sales, %d 笔退款 refunds — 运行 run: wxtill recover\n",
			r.unsettledSales, r.unsettledRefunds)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonFigures are amounts for scripts: fen as integers, and yuan as exact strings.
type jsonFigures struct {
	Count       int    `json:"count"`
	GrossFen    int64  `json:"gross_fen"`
	Gross       string `json:"gross"`
	RefundCount int    `json:"refund_count"`
	RefundsFen  int64  `json:"refunds_fen"`
	Refunds     string `json:"refunds"`
	NetFen      int64  `json:"net_fen"`
	Net         string `json:"net"`
}

func figures(count int, gross pos.Money, refundCount int, refunds pos.Money) jsonFigures {
	net := gross - refunds
	return jsonFigures{
		Count: count, GrossFen: int64(gross), Gross: gross.Yuan(),
		RefundCount: refundCount, RefundsFen: int64(refunds), Refunds: refunds.Yuan(),
		NetFen: int64(net), Net: net.Yuan(),
	}
}

type jsonHour struct {
	Hour     int    `json:"hour"`
	Count    int    `json:"count"`
	GrossFen int64  `json:"gross_fen"`
	Gross    string `json:"gross"`
}

type jsonDay struct {
	Day string `json:"day"`
	jsonFigures
}

type jsonReport struct {
	From string `json:"from"` // first day, inclusive
	To   string `json:"to"`   // last day, inclusive
	jsonFigures
	ByMethod         map[pos.Method]jsonFigures `json:"by_method"`
	ByHour           []jsonHour                 `json:"by_hour"`
	Days             []jsonDay                  `json:"days,omitempty"`
	UnsettledSales   int                        `json:"unsettled_sales"`
	UnsettledRefunds int                        `json:"unsettled_refunds"`
}

func writeJSON(w io.Writer, r report) error {
	t := r.totals
	out := jsonReport{
		From: r.first, To: r.last,
		jsonFigures:    figures(t.Count, t.Gross, t.RefundCount, t.Refunds),
		ByMethod:       map[pos.Method]jsonFigures{},
		UnsettledSales: r.unsettledSales, UnsettledRefunds: r.unsettledRefunds,
	}
	for m, mt := range t.ByMethod {
		out.ByMethod[m] = figures(mt.Count, mt.Gross, mt.RefundCount, mt.Refunds)
	}
	for h, ht := range t.ByHour {
		out.ByHour = append(out.ByHour, jsonHour{Hour: h, Count: ht.Count, GrossFen: int64(ht.Gross), Gross: ht.Gross.Yuan()})
	}
	for _, d := range r.days {
		out.Days = append(out.Days, jsonDay{Day: d.Day, jsonFigures: figures(d.Count, d.Gross, d.RefundCount, d.Refunds)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
