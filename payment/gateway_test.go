package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

func wantClass(t *testing.T, err error, class pos.ErrorClass, codes ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s %v", class, codes)
	}
	if _, ok := err.(*pos.GatewayError); !ok {
		t.Fatalf("error is %T, not *pos.GatewayError: %v", err, err)
	}
	if pos.ClassOf(err) != class {
		t.Fatalf("class %s, want %s: %v", pos.ClassOf(err), class, err)
	}
	for _, c := range codes {
		if pos.CodeOf(err) == c {
			return
		}
	}
	if len(codes) > 0 {
		t.Fatalf("code %q, want one of %v: %v", pos.CodeOf(err), codes, err)
	}
}

// wantOrder checks a query's answer; a paid order must carry WeChat's number, the time
// and what the payer paid.
func wantOrder(t *testing.T, what string, st pos.OrderStatus, err error, no string, state pos.TradeState, total pos.Money) {
	t.Helper()
	if err != nil || st.OutTradeNo != no || st.State != state || st.Total != total {
		t.Fatalf("%s: %+v, %v; want %s %s of %s", what, st, err, no, state, total)
	}
	if state == pos.TradeSuccess && (st.TransactionID == "" || st.SuccessTime.IsZero() || st.PayerTotal != total) {
		t.Fatalf("%s: paid order without transaction id, time or payer total: %+v", what, st)
	}
}

func TestNativeOrderLifecycle(t *testing.T) {
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			ctx := context.Background()
			no := tradeNo("N")
			order := pos.NativeOrder{OutTradeNo: no, Description: "示例便利店-可乐", Total: 1250,
				ExpiresAt: time.Now().Add(5 * time.Minute)}
			codeURL, err := g.PrepayNative(ctx, order)
			if err != nil || !strings.HasPrefix(codeURL, "weixin://") {
				t.Fatalf("prepay: %q, %v", codeURL, err)
			}
			again, err := g.PrepayNative(ctx, order)
			if err != nil || again != codeURL {
				t.Fatalf("repeated prepay gave %q, %v; want the same code_url", again, err)
			}
			st, err := g.Query(ctx, no)
			wantOrder(t, "before paying", st, err, no, pos.TradeNotPay, 1250)
			if err := srv.Pay(codeURL); err != nil {
				t.Fatal(err)
			}
			st, err = g.Query(ctx, no)
			wantOrder(t, "after paying", st, err, no, pos.TradeSuccess, 1250)
			wantClass(t, g.Close(ctx, no), pos.ClassSettled, "ORDERPAID", "ORDER_PAID")
		})
	}
}

func TestCloseUnpaidOrder(t *testing.T) {
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			ctx := context.Background()
			no := tradeNo("C")
			if _, err := g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: no, Description: "茶", Total: 300}); err != nil {
				t.Fatal(err)
			}
			if err := g.Close(ctx, no); err != nil {
				t.Fatalf("close: %v", err)
			}
			st, err := g.Query(ctx, no)
			if err != nil || st.State != pos.TradeClosed {
				t.Fatalf("after close: %+v, %v", st, err)
			}
			wantClass(t, g.Close(ctx, tradeNo("NOSUCH")), pos.ClassNotFound)
		})
	}
}

func TestQueryOfUnknownOrderIsNotFound(t *testing.T) {
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			_, err := g.Query(context.Background(), tradeNo("NOSUCH"))
			wantClass(t, err, pos.ClassNotFound, "ORDER_NOT_EXIST", "ORDERNOTEXIST")
			if messageOf(err) == "" {
				t.Fatalf("WeChat's message was lost: %v", err)
			}
		})
	}
}

// recordRequests keeps the bodies of requests to paths containing part.
func recordRequests(t *testing.T, srv *sandbox.Server, path, part string) *[]map[string]any {
	var seen []map[string]any
	proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if strings.Contains(r.URL.Path, part) && r.Body != nil {
			body, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(body, &m) == nil {
				seen = append(seen, m)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
	return &seen
}

func TestPrepaySendsWhatWeChatNeeds(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true)
	seen := recordRequests(t, srv, path, "/v3/pay/transactions/native")
	g := gatewayFor(t, path)
	long := "示例便利店-" + strings.Repeat("进口有机纯牛奶", 10) // far over 127 bytes
	expires := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	no := tradeNo("D")
	if _, err := g.PrepayNative(context.Background(), pos.NativeOrder{OutTradeNo: no, Description: long, Total: 990, ExpiresAt: expires}); err != nil {
		t.Fatal(err)
	}
	if len(*seen) != 1 {
		t.Fatalf("saw %d prepay requests", len(*seen))
	}
	req := (*seen)[0]
	desc, _ := req["description"].(string)
	if len(desc) > 127 || !utf8.ValidString(desc) || !strings.HasPrefix(long, desc) || len(desc) < 124 {
		t.Errorf("description sent: %q (%d bytes)", desc, len(desc))
	}
	if req["time_expire"] != "2031-05-06T15:08:09+08:00" {
		t.Errorf("time_expire sent: %v, want RFC 3339 in China time", req["time_expire"])
	}
	if req["attach"] != "01" {
		t.Errorf("attach sent: %v, want the till id", req["attach"])
	}
	if amount, _ := req["amount"].(map[string]any); amount["total"] != 990.0 || amount["currency"] != "CNY" {
		t.Errorf("amount sent: %v", req["amount"])
	}
	if req["notify_url"] == "" || req["out_trade_no"] != no || req["mchid"] == "" || req["appid"] == "" {
		t.Errorf("request lacks fields: %v", req)
	}
}

func TestDefaultExpiryComesFromConfig(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true, `order_expiry = "7m"`)
	seen := recordRequests(t, srv, path, "/native")
	g := gatewayFor(t, path)
	g.now = func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, chinaTime) }
	if _, err := g.PrepayNative(context.Background(), pos.NativeOrder{OutTradeNo: tradeNo("E"), Description: "x", Total: 1}); err != nil {
		t.Fatal(err)
	}
	if got := (*seen)[0]["time_expire"]; got != "2030-01-02T03:11:05+08:00" {
		t.Fatalf("time_expire %v, want now + 7m", got)
	}
}

func TestLocalRefusalsSendNothing(t *testing.T) {
	srv := startSandbox(t, nil)
	g := gatewayFor(t, sandboxConfig(t, srv, true))
	ctx := context.Background()
	before := srv.Stats()
	_, err := g.PayCode(ctx, pos.CodeOrder{OutTradeNo: tradeNo("L"), Total: 100, AuthCode: "6901234567892"}) // a product barcode
	wantClass(t, err, pos.ClassRejected, "INVALID_REQUEST")
	_, err = g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: "bad/no", Total: 100})
	wantClass(t, err, pos.ClassRejected, "INVALID_REQUEST")
	_, err = g.Refund(ctx, pos.RefundRequest{OutTradeNo: tradeNo("L"), OutRefundNo: "R1", Amount: 200, Total: 100})
	wantClass(t, err, pos.ClassRejected, "INVALID_REQUEST")
	after := srv.Stats()
	for k, v := range after {
		if strings.HasPrefix(k, "POST ") && v != before[k] {
			t.Fatalf("%s was called: %d → %d", k, before[k], v)
		}
	}
}
