package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkNativePrepay is one signed prepay through the in-process handler: the
// client's RSA signature, the sandbox's verification, the order, the signed reply.
func BenchmarkNativePrepay(b *testing.B) {
	s, err := New(Options{StateDir: sharedState})
	if err != nil {
		b.Fatal(err)
	}
	c := newRawClient(b, s)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf(`{"appid":"wx8888888888888888","mchid":"1900000001","description":"bench",`+
			`"out_trade_no":"B-%010d","notify_url":"https://a.example/n","amount":{"total":100}}`, i)
		if w := c.do("POST", "/v3/pay/transactions/native", body); w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkQuery is one signed query of an order among 10,000.
func BenchmarkQuery(b *testing.B) {
	s, err := New(Options{StateDir: sharedState})
	if err != nil {
		b.Fatal(err)
	}
	c := newRawClient(b, s)
	for i := range 10000 {
		s.book.add(&order{tradeType: tradeNative, outTradeNo: fmt.Sprintf("B-%010d", i), total: 100, state: stateNotPay,
			appid: s.keys.AppID, mchid: s.keys.MchID})
	}
	req := c.request("GET", "/v3/pay/transactions/out-trade-no/B-0000005000?mchid=1900000001", "")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
