package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// nativeBody is a valid Native prepay body with one field replaced (or removed with nil).
func nativeBody(field string, value any) string {
	m := map[string]any{
		"appid": "wx8888888888888888", "mchid": "1900000001", "description": "可乐",
		"out_trade_no": "T-valid-0001", "notify_url": "https://shop.example.com/n",
		"amount": map[string]any{"total": 100, "currency": "CNY"},
	}
	if field != "" {
		if value == nil {
			delete(m, field)
		} else {
			m[field] = value
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestNativeValidation(t *testing.T) {
	s, _ := startServer(t)
	amount := func(v any) map[string]any { return map[string]any{"total": v} }
	cases := []struct {
		name, body string
		status     int
		code       string
	}{
		{"valid", nativeBody("", nil), 200, ""},
		{"unknown field ignored", nativeBody("limit_pay", []string{"no_credit"}), 200, ""},
		{"42 Chinese characters (126 bytes)", nativeBody("description", strings.Repeat("好", 42)), 200, ""},
		{"out_trade_no with _-|*", nativeBody("out_trade_no", "a_-|*b"), 200, ""},
		{"loopback http notify_url", nativeBody("notify_url", "http://127.0.0.1:9/n"), 200, ""},
		{"empty body", "", 400, "PARAM_ERROR"},
		{"not JSON", "{", 400, "PARAM_ERROR"},
		{"JSON array", "[]", 400, "PARAM_ERROR"},
		{"trailing data", nativeBody("", nil) + " x", 400, "PARAM_ERROR"},
		{"43 Chinese characters (129 bytes)", nativeBody("description", strings.Repeat("好", 43)), 400, "PARAM_ERROR"},
		{"no description", nativeBody("description", nil), 400, "PARAM_ERROR"},
		{"emoji (4-byte UTF-8) in description", nativeBody("description", "可乐🥤"), 400, "PARAM_ERROR"},
		{"emoji in attach", nativeBody("attach", "till-01🙂"), 400, "PARAM_ERROR"},
		{"time_expire with fractional seconds", nativeBody("time_expire", "2025-03-10T12:00:00.500+08:00"), 200, ""},
		{"invalid UTF-8", strings.Replace(nativeBody("", nil), "可乐", "\xff\xfe", 1), 400, "PARAM_ERROR"},
		{"attach 129 bytes", nativeBody("attach", strings.Repeat("a", 129)), 400, "PARAM_ERROR"},
		{"out_trade_no 5 chars", nativeBody("out_trade_no", "abcde"), 400, "PARAM_ERROR"},
		{"out_trade_no 33 chars", nativeBody("out_trade_no", strings.Repeat("a", 33)), 400, "PARAM_ERROR"},
		{"out_trade_no with a space", nativeBody("out_trade_no", "abc def"), 400, "PARAM_ERROR"},
		{"no amount", nativeBody("amount", nil), 400, "PARAM_ERROR"},
		{"zero total", nativeBody("amount", amount(0)), 400, "PARAM_ERROR"},
		{"negative total", nativeBody("amount", amount(-1)), 400, "PARAM_ERROR"},
		{"fractional total", nativeBody("amount", amount(1.5)), 400, "PARAM_ERROR"},
		{"total as string", nativeBody("amount", amount("100")), 400, "PARAM_ERROR"},
		{"total past int64", `{"appid":"wx8888888888888888","mchid":"1900000001","description":"x","out_trade_no":"T-valid-0002","notify_url":"https://a.b/n","amount":{"total":100000000000000000000000}}`, 400, "PARAM_ERROR"},
		{"total over the cap", nativeBody("amount", amount(int64(maxTotal)+1)), 400, "PARAM_ERROR"},
		{"dollars", nativeBody("amount", map[string]any{"total": 1, "currency": "USD"}), 400, "PARAM_ERROR"},
		{"http notify_url", nativeBody("notify_url", "http://shop.example.com/n"), 400, "PARAM_ERROR"},
		{"notify_url with query", nativeBody("notify_url", "https://shop.example.com/n?a=1"), 400, "PARAM_ERROR"},
		{"relative notify_url", nativeBody("notify_url", "/n"), 400, "PARAM_ERROR"},
		{"no notify_url", nativeBody("notify_url", nil), 400, "PARAM_ERROR"},
		{"time_expire not RFC3339", nativeBody("time_expire", "2025-03-10 12:00:00"), 400, "PARAM_ERROR"},
		{"other appid", nativeBody("appid", "wx0000000000000000"), 400, "APPID_MCHID_NOT_MATCH"},
		{"other mchid", nativeBody("mchid", "1900000002"), 400, "PARAM_ERROR"},
		{"body over 64 KiB", nativeBody("attach", strings.Repeat("a", 70<<10)), 400, "PARAM_ERROR"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(tc.body, "T-valid-0001", fmt.Sprintf("T-valid-%04d", 100+i), 1)
			w := newRawClient(t, s).do("POST", "/v3/pay/transactions/native", body)
			var e struct{ Code, Message string }
			_ = json.Unmarshal(w.Body.Bytes(), &e)
			if w.Code != tc.status || e.Code != tc.code {
				t.Fatalf("got %d %q %s", w.Code, e.Code, clip(w.Body.String(), 200))
			}
			if w.Code >= 400 && e.Message == "" {
				t.Fatal("error without a message")
			}
		})
	}
}

// FuzzAPIBody sends arbitrary, correctly signed bodies to every POST API: the sandbox
// answers a WeChat error or a signed success, never a 500 or a panic.
func FuzzAPIBody(f *testing.F) {
	paths := []string{
		"/v3/pay/transactions/native", "/v3/pay/transactions/codepay", "/v3/refund/domestic/refunds",
		"/v3/pay/transactions/out-trade-no/T-fuzz-01/close", "/v3/pay/transactions/out-trade-no/T-fuzz-01/reverse",
	}
	f.Add(uint8(0), nativeBody("", nil))
	f.Add(uint8(1), `{"appid":"wx8888888888888888","mchid":"1900000001","description":"x","out_trade_no":"T-fuzz-01","payer":{"auth_code":"134000000000000002"},"amount":{"total":1},"scene_info":{"store_info":{"out_id":"1"}}}`)
	f.Add(uint8(2), `{"out_trade_no":"T-fuzz-01","out_refund_no":"R1","amount":{"refund":1,"total":1}}`)
	f.Add(uint8(3), `{"mchid":"1900000001"}`)
	f.Add(uint8(4), `{"appid":"wx8888888888888888","mchid":"1900000001"}`)
	f.Add(uint8(0), `{"amount":{"total":1e400}}`)
	f.Add(uint8(2), `{"amount":null,"out_refund_no":null}`)
	s, err := New(Options{StateDir: sharedState})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := paths[int(which)%len(paths)]
		w := newRawClient(t, s).do("POST", path, body)
		switch {
		case w.Code >= 500:
			t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
		case w.Code >= 400:
			var e struct{ Code, Message string }
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Code == "" || e.Message == "" {
				t.Fatalf("%s: error reply %q", path, w.Body)
			}
		default:
			if err := verifyReply(s, w.Header(), w.Body.Bytes()); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
	})
}
