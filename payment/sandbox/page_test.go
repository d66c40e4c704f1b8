package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
)

func getPage(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(readAll(t, resp.Body))
}

// TestCustomerPage: awaiting orders are listed with Pay (and Fail for payment codes),
// the form pays the order, and a scanned code_url shows only its order.
func TestCustomerPage(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	req := prepayRequest(s, "T-page-01", 1250)
	req.Description = core.String(`<script>alert(1)</script> 矿泉水`)
	resp, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if err := prepay(t, s, c, "T-page-02"); err != nil {
		t.Fatal(err)
	}
	_, _, _ = postCodepay(t, c, codepayBody(s, "C-page-03", CodeUserPaying, 300))

	page := getPage(t, s.URL()+"/")
	for _, want := range []string{"T-page-01", "T-page-02", "C-page-03", "¥12.50", "&lt;script&gt;", `action="/sandbox/fail"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Fatal("description not escaped")
	}
	one := getPage(t, s.URL()+"/pay?code_url="+url.QueryEscape(*resp.CodeUrl))
	if !strings.Contains(one, "T-page-01") || strings.Contains(one, "T-page-02") {
		t.Fatal("scanned page shows other orders")
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form, err := noRedirect.PostForm(s.URL()+"/sandbox/pay", url.Values{"out_trade_no": {"T-page-01"}})
	if err != nil {
		t.Fatal(err)
	}
	form.Body.Close()
	if form.StatusCode != http.StatusSeeOther || queryState(t, c, s, "T-page-01") != "SUCCESS" {
		t.Fatalf("form pay: %d", form.StatusCode)
	}
	if page = getPage(t, s.URL()+"/"); strings.Contains(page, "T-page-01") {
		t.Fatal("a paid order is still listed")
	}
}

func TestControlPayAndFail(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	resp, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), prepayRequest(s, "T-ctl-01", 100))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = postCodepay(t, c, codepayBody(s, "C-ctl-01", CodeUserPaying, 100))
	post := func(path, body string) (int, map[string]string) {
		// curl -d labels JSON as a form: the sandbox must go by the body
		r, err := http.Post(s.URL()+path, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var m map[string]string
		_ = json.Unmarshal(readAll(t, r.Body), &m)
		return r.StatusCode, m
	}
	cases := []struct {
		path, body string
		status     int
		field      string // trade_state or code
	}{
		{"/sandbox/pay", `{"code_url":"` + *resp.CodeUrl + `"}`, 200, "SUCCESS"},
		{"/sandbox/pay", `{"out_trade_no":"T-ctl-01"}`, 409, "NOT_PAYABLE"},
		{"/sandbox/fail", `{"out_trade_no":"C-ctl-01"}`, 200, "PAYERROR"},
		{"/sandbox/fail", `{"out_trade_no":"T-ctl-01"}`, 409, "NOT_PAYABLE"},
		{"/sandbox/pay", `{"out_trade_no":"T-ctl-nobody"}`, 404, "ORDER_NOT_EXIST"},
		{"/sandbox/pay", `{}`, 400, "PARAM_ERROR"},
		{"/sandbox/pay", `[1,2`, 400, "PARAM_ERROR"},
	}
	for _, tc := range cases {
		status, m := post(tc.path, tc.body)
		got := m["trade_state"]
		if status != 200 {
			got = m["code"]
		}
		if status != tc.status || got != tc.field {
			t.Errorf("POST %s %s: %d %v", tc.path, tc.body, status, m)
		}
	}
}
