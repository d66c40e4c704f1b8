package sandbox

import (
	"html/template"
	"net/http"
	"sort"
	"time"
)

// pageRoutes are the customer-phone pages: what a customer would see after scanning.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.renderPage(w, "") })
	mux.HandleFunc("GET /pay", func(w http.ResponseWriter, r *http.Request) {
		s.renderPage(w, r.URL.Query().Get("code_url"))
	})
}

// pageOrder is an awaiting order as the page shows it.
type pageOrder struct {
	OutTradeNo  string
	Description string
	Amount      string
	CodePay     bool // a payment-code order waiting for the password: Pay or Fail
	Expires     string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3">
<title>微信支付沙箱 · WeChat Pay sandbox</title>
<style>
body{font-family:sans-serif;margin:0;background:#ededed}
header{background:#07c160;color:#fff;padding:12px 16px;font-size:18px}
.card{background:#fff;margin:12px;padding:14px;border-radius:8px}
.amount{font-size:28px;font-weight:bold}
.meta{color:#888;font-size:13px}
button{font-size:17px;padding:10px 22px;border:0;border-radius:6px;margin:8px 8px 0 0}
.pay{background:#07c160;color:#fff}.fail{background:#fa5151;color:#fff}
</style></head><body>
<header>微信支付沙箱 · 顾客手机 / WeChat Pay sandbox · customer phone</header>
<p class="card">这里没有真钱 / No real money moves here.{{if .Filtered}} 只显示扫到的订单 / Showing the scanned order only. <a href="/">全部 / all</a>{{end}}</p>
{{range .Orders}}<div class="card">
<div class="amount">{{.Amount}}</div>
<div>{{.Description}}</div>
<div class="meta">{{.OutTradeNo}} · 有效期至 / valid until {{.Expires}}</div>
<form method="post" action="/sandbox/pay" style="display:inline"><input type="hidden" name="out_trade_no" value="{{.OutTradeNo}}">
<button class="pay">{{if .CodePay}}输入密码 / Enter password{{else}}支付 / Pay{{end}}</button></form>
{{if .CodePay}}<form method="post" action="/sandbox/fail" style="display:inline"><input type="hidden" name="out_trade_no" value="{{.OutTradeNo}}">
<button class="fail">放弃 / Fail</button></form>{{end}}
</div>{{else}}<p class="card">没有待支付的订单 / No orders awaiting payment.</p>{{end}}
</body></html>
`))

// renderPage lists orders awaiting payment, or only the one whose code_url was scanned.
func (s *Server) renderPage(w http.ResponseWriter, codeURL string) {
	s.mu.Lock()
	notes := s.advance()
	now := s.now()
	var list []pageOrder
	for _, o := range s.book.orders {
		if codeURL != "" && o.codeURL != codeURL {
			continue
		}
		if p, ok := awaiting(o, now); ok {
			list = append(list, p)
		}
	}
	s.mu.Unlock()
	s.send(notes)
	sort.Slice(list, func(i, j int) bool { return list[i].OutTradeNo > list[j].OutTradeNo })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate.Execute(w, map[string]any{"Orders": list, "Filtered": codeURL != ""})
}

// awaiting says whether a customer could pay the order now.
func awaiting(o *order, now time.Time) (pageOrder, bool) {
	p := pageOrder{OutTradeNo: o.outTradeNo, Description: o.description, Amount: "¥" + yuan(o.total)}
	switch {
	case o.tradeType == tradeMicropay && o.state == stateUserPaying:
		p.CodePay = true
		p.Expires = o.payingUntil.In(cst).Format(billTimeLayout)
		return p, true
	case o.tradeType == tradeNative && o.state == stateNotPay:
		end := o.created.Add(codeURLLifetime)
		if o.expires.Before(end) {
			end = o.expires
		}
		p.Expires = end.In(cst).Format(billTimeLayout)
		return p, now.Before(end)
	}
	return p, false
}
