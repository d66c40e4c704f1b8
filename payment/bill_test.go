package payment

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// billDay sets up a sandbox whose clock stands on day at 15:00 China time, sells two
// orders and refunds part of one, then moves the clock to 11:00 the next day.
func billDay(t *testing.T, publicKey bool) (srv *sandbox.Server, path string, day time.Time, sold []string) {
	day = time.Date(2025, 3, 1, 15, 0, 0, 0, chinaTime)
	clock := newTestClock(day)
	srv = startSandbox(t, clock)
	path = sandboxConfig(t, srv, publicKey)
	g := gatewayFor(t, path)
	ctx := context.Background()
	for i, total := range []pos.Money{1250, 800} {
		no := tradeNo("B")
		codeURL, err := g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: no, Description: "示例便利店-可乐", Total: total,
			ExpiresAt: day.Add(10 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Pay(codeURL); err != nil {
			t.Fatal(err)
		}
		sold = append(sold, no)
		if i == 0 {
			if _, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: no, OutRefundNo: "R" + no, Amount: 250, Total: total}); err != nil {
				t.Fatal(err)
			}
		}
	}
	clock.Advance(time.Hour)
	clock.Set(time.Date(2025, 3, 2, 11, 0, 0, 0, chinaTime))
	return srv, path, day, sold
}

func TestTradeBill(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			_, path, day, sold := billDay(t, m.publicKey)
			g := gatewayFor(t, path)
			bill, err := g.TradeBill(context.Background(), day)
			if err != nil {
				t.Fatal(err)
			}
			if bill.Date != "2025-03-01" || len(bill.SHA1) != 40 {
				t.Fatalf("bill %s sha1 %q", bill.Date, bill.SHA1)
			}
			paid := map[string]pos.Money{}
			var refunded pos.Money
			for _, r := range bill.Rows {
				if r.Refund > 0 {
					refunded += r.Refund
				} else if r.TradeState == "SUCCESS" {
					paid[r.OutTradeNo] = r.Total
				}
			}
			if paid[sold[0]] != 1250 || paid[sold[1]] != 800 || refunded != 250 {
				t.Fatalf("bill rows: paid %v, refunded %v\n%+v", paid, refunded, bill.Rows)
			}
			if bill.Summary.Refund != 250 || bill.Summary.Total < 2050 {
				t.Fatalf("summary %+v", bill.Summary)
			}
		})
	}
}

func TestTradeBillErrors(t *testing.T) {
	clock := newTestClock(time.Date(2025, 3, 2, 9, 0, 0, 0, chinaTime))
	srv := startSandbox(t, clock)
	g := gatewayFor(t, sandboxConfig(t, srv, true))
	ctx := context.Background()
	_, err := g.TradeBill(ctx, time.Date(2025, 3, 1, 12, 0, 0, 0, chinaTime))
	wantClass(t, err, pos.ClassRetry, "STATEMENT_CREATING") // before 10:00 the next day
	clock.Set(time.Date(2025, 3, 2, 11, 0, 0, 0, chinaTime))
	_, err = g.TradeBill(ctx, time.Date(2025, 3, 1, 12, 0, 0, 0, chinaTime))
	wantClass(t, err, pos.ClassNotFound, "NO_STATEMENT_EXIST") // no trades that day
	_, err = g.TradeBill(ctx, time.Date(2025, 3, 2, 12, 0, 0, 0, chinaTime))
	wantClass(t, err, pos.ClassRejected, "PARAM_ERROR") // today
}

// The file is unsigned: a changed byte must be caught by the SHA1 check.
func TestTradeBillHashMismatch(t *testing.T) {
	srv, path, day, _ := billDay(t, false)
	proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if !strings.HasPrefix(r.URL.Path, "/v3/billdownload/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := newRecorder()
		next.ServeHTTP(rec, r)
		rec.send(w, strings.Replace(rec.body.String(), "12.50", "12.05", 1))
	})
	g := gatewayFor(t, path)
	bill, err := g.TradeBill(context.Background(), day)
	wantClass(t, err, pos.ClassRetry, CodeBillHash)
	if bill != nil {
		t.Fatal("a tampered bill was returned")
	}
}

func TestBillDownloadURLMustStayWithWeChat(t *testing.T) {
	g := &Gateway{cfg: &Config{base: mustURL(t, "http://127.0.0.1:8700")}}
	for raw, ok := range map[string]bool{
		"https://api.mch.weixin.qq.com/v3/billdownload/file?token=a":  true,
		"https://api2.mch.weixin.qq.com/v3/billdownload/file?token=a": true,
		"http://127.0.0.1:8700/v3/billdownload/file?token=a":          true,
		"http://localhost:8700/v3/billdownload/file?token=a":          true,
		"https://localhost:8700/v3/billdownload/file?token=a":         false,
		"http://192.168.1.5:8700/v3/billdownload/file?token=a":        false,
		"http://api.mch.weixin.qq.com/v3/billdownload/file?token=a":   false,
		"https://evil.example.com/v3/billdownload/file?token=a":       false,
		"http://127.0.0.1:8701/v3/billdownload/file?token=a":          false,
		"/v3/billdownload/file":                                       false,
	} {
		if err := g.checkDownloadURL(raw); (err == nil) != ok {
			t.Errorf("%s: err %v, want ok=%v", raw, err, ok)
		}
	}
}
