package payment

import (
	"context"
	"fmt"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

func TestPayCode(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			ctx := context.Background()
			order := func(code string) pos.CodeOrder {
				return pos.CodeOrder{OutTradeNo: tradeNo("P"), Description: "示例便利店-面包", Total: 680, AuthCode: code}
			}

			paid := order(sandbox.CodePayNow)
			st, err := g.PayCode(ctx, paid)
			if err != nil || st.State != pos.TradeSuccess || st.TransactionID == "" || st.Total != 680 {
				t.Fatalf("pay now: %+v, %v", st, err)
			}

			slow := order(sandbox.CodeUserPaying)
			st, err = g.PayCode(ctx, slow)
			if err != nil || st.State != pos.TradeUserPaying {
				t.Fatalf("user paying: %+v, %v", st, err)
			}
			clock.Advance(6 * time.Second)
			st, err = g.Query(ctx, slow.OutTradeNo)
			if err != nil || st.State != pos.TradeSuccess {
				t.Fatalf("after the password: %+v, %v", st, err)
			}

			_, err = g.PayCode(ctx, order(sandbox.CodeFail))
			wantClass(t, err, pos.ClassRejected)
			if pos.CodeOf(err) == "" || messageOf(err) == "" {
				t.Fatalf("refusal without WeChat's code and message: %v", err)
			}
		})
	}
}

func TestReverse(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey))
			ctx := context.Background()
			o := pos.CodeOrder{OutTradeNo: tradeNo("V"), Description: "x", Total: 100, AuthCode: sandbox.CodeUserPaying}
			if st, err := g.PayCode(ctx, o); err != nil || st.State != pos.TradeUserPaying {
				t.Fatalf("%+v, %v", st, err)
			}
			if err := g.Reverse(ctx, o.OutTradeNo); err != nil {
				t.Fatalf("reverse: %v", err)
			}
			st, err := g.Query(ctx, o.OutTradeNo)
			if err != nil || st.State != pos.TradeRevoked {
				t.Fatalf("after reverse: %+v, %v", st, err)
			}
			wantClass(t, g.Reverse(ctx, tradeNo("NOSUCH")), pos.ClassNotFound)
		})
	}
}

// The bodies sent are the documented ones: codepay with payer.auth_code, amount in fen
// with currency and the store as scene_info.store_info.out_id (the till id); reverse
// with appid and mchid only.
func TestPayCodeAndReverseSendTheDocumentedBodies(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true, `till_id = "07"`)
	seen := recordRequests(t, srv, path, "/v3/pay/transactions/")
	g := gatewayFor(t, path)
	ctx := context.Background()
	o := pos.CodeOrder{OutTradeNo: tradeNo("B"), Description: "面包", Total: 680, AuthCode: sandbox.CodeUserPaying}
	if _, err := g.PayCode(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := g.Reverse(ctx, o.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	if len(*seen) != 2 {
		t.Fatalf("saw %d requests", len(*seen))
	}
	pay, rev := (*seen)[0], (*seen)[1]
	want := map[string]any{
		"appid": "wx8888888888888888", "mchid": "1900000001", "description": "面包", "out_trade_no": o.OutTradeNo,
		"attach": "07", "payer": map[string]any{"auth_code": sandbox.CodeUserPaying},
		"amount":     map[string]any{"total": 680.0, "currency": "CNY"},
		"scene_info": map[string]any{"store_info": map[string]any{"out_id": "07"}},
	}
	if fmt.Sprint(pay) != fmt.Sprint(want) {
		t.Errorf("codepay body %v\nwant %v", pay, want)
	}
	if fmt.Sprint(rev) != fmt.Sprint(map[string]any{"appid": "wx8888888888888888", "mchid": "1900000001"}) {
		t.Errorf("reverse body %v", rev)
	}
}
