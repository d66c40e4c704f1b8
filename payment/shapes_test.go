package payment

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// A server other than the sandbox may answer in other shapes WeChat's documentation
// allows. reshaped puts one in front of the sandbox: rewrite changes the replies it
// wants to, and every 2xx reply is signed again with the WeChat Pay public key, as an
// independent APIv3 server would sign it (public-key mode).
func reshaped(t *testing.T, rewrite func(r *http.Request, status int, body string) (int, string)) (*sandbox.Server, *Gateway) {
	t.Helper()
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true)
	key, err := utils.LoadPrivateKeyWithPath(filepath.Join(sandboxState, "pub_key_private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	serial := srv.Credentials().PublicKeyID
	proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := newRecorder()
		next.ServeHTTP(rec, r)
		status, body := rewrite(r, rec.status, rec.body.String())
		if status >= 200 && status < 300 {
			signReply(t, rec.header, key, serial, body)
		}
		rec.status = status
		rec.send(w, body)
	})
	return srv, gatewayFor(t, path)
}

func signReply(t *testing.T, h http.Header, key *rsa.PrivateKey, serial, body string) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	digest := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + body + "\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Error(err)
	}
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", serial)
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
	if body == "" {
		h.Del("Content-Type")
	}
}

// onPath rewrites the replies to requests whose path contains part.
func onPath(method, part string, f func(status int, body string) (int, string)) func(*http.Request, int, string) (int, string) {
	return func(r *http.Request, status int, body string) (int, string) {
		if r.Method == method && strings.Contains(r.URL.Path, part) {
			return f(status, body)
		}
		return status, body
	}
}

// A query answer with fields the gateway has never heard of, optional fields missing,
// and a success_time with milliseconds in UTC: the order is paid, at that instant.
func TestQueryAcceptsOtherLegitimateShapes(t *testing.T) {
	const answer = `{"appid":"wx8888888888888888","mchid":"1900000001","out_trade_no":"%s",` +
		`"transaction_id":"4200000001202503101234567890","trade_type":"NATIVE","trade_state":"SUCCESS",` +
		`"trade_state_desc":"支付成功","bank_type":"CMB_CREDIT","success_time":"2025-03-10T03:04:05.678Z",` +
		`"amount":{"total":990,"currency":"CNY"},"scene_info":{"device_id":"013467007045764"},` +
		`"promotion_detail":[{"coupon_id":"109519","amount":100,"goods_detail":[{"goods_id":"M1006","quantity":1,"unit_price":100,"discount_amount":1}]}],` +
		`"a_field_from_a_later_api_version":{"nested":[1,2,3]}}`
	var no string
	_, g := reshaped(t, onPath("GET", "/out-trade-no/", func(int, string) (int, string) {
		return http.StatusOK, strings.Replace(answer, "%s", no, 1)
	}))
	no = tradeNo("Q")
	st, err := g.Query(context.Background(), no)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2025, 3, 10, 11, 4, 5, 678e6, chinaTime)
	if st.State != pos.TradeSuccess || st.Total != 990 || st.PayerTotal != 0 || !st.SuccessTime.Equal(want) || st.TransactionID == "" {
		t.Fatalf("%+v", st)
	}
}

// A trade_state the gateway does not know (v2's ACCEPT, or one WeChat adds later) is
// "ask again", never a guessed final state.
func TestUnknownTradeStateIsAskAgain(t *testing.T) {
	for _, state := range []string{"ACCEPT", "", "PAID"} {
		t.Run(state, func(t *testing.T) {
			_, g := reshaped(t, onPath("GET", "/out-trade-no/", func(int, string) (int, string) {
				return http.StatusOK, `{"mchid":"1900000001","trade_state":"` + state + `","amount":{"total":1}}`
			}))
			st, err := g.Query(context.Background(), tradeNo("U"))
			wantClass(t, err, pos.ClassRetry, CodeBadResponse)
			if st != (pos.OrderStatus{}) {
				t.Fatalf("a result from an unknown state: %+v", st)
			}
		})
	}
}

// The 202 of a payment code may carry only {"trade_state":"USERPAYING"}; the 200 of a
// paid one a success_time without a zone (China time).
func TestPayCodeAcceptsOtherShapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   pos.OrderStatus
	}{
		{"202 with trade_state only", http.StatusAccepted, `{"trade_state":"USERPAYING"}`,
			pos.OrderStatus{State: pos.TradeUserPaying}},
		{"202 with code and message only", http.StatusAccepted, `{"code":"USERPAYING","message":"需要用户输入支付密码"}`,
			pos.OrderStatus{State: pos.TradeUserPaying, StateDesc: "需要用户输入支付密码"}},
		{"200 with a zoneless success_time", http.StatusOK,
			`{"trade_state":"SUCCESS","transaction_id":"4200000002","trade_type":"MICROPAY","success_time":"2025-03-10T11:00:00","amount":{"total":680,"payer_total":680}}`,
			pos.OrderStatus{State: pos.TradeSuccess, TransactionID: "4200000002", Total: 680, PayerTotal: 680,
				SuccessTime: time.Date(2025, 3, 10, 11, 0, 0, 0, chinaTime)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, g := reshaped(t, onPath("POST", "/codepay", func(int, string) (int, string) { return tc.status, tc.body }))
			o := pos.CodeOrder{OutTradeNo: tradeNo("C"), Description: "面包", Total: 680, AuthCode: sandbox.CodePayNow}
			st, err := g.PayCode(context.Background(), o)
			tc.want.OutTradeNo = o.OutTradeNo
			if err != nil || st.State != tc.want.State || st.TransactionID != tc.want.TransactionID ||
				st.Total != tc.want.Total || !st.SuccessTime.Equal(tc.want.SuccessTime) || st.StateDesc != tc.want.StateDesc {
				t.Fatalf("got %+v, %v; want %+v", st, err, tc.want)
			}
		})
	}
}

// Reverse is 200 with {"appid","mchid","out_trade_no"} in WeChat's documentation; a 204
// (as close answers) is a success too.
func TestReverseAcceptsNoContent(t *testing.T) {
	_, g := reshaped(t, onPath("POST", "/reverse", func(status int, body string) (int, string) {
		if status == http.StatusOK {
			return http.StatusNoContent, ""
		}
		return status, body
	}))
	ctx := context.Background()
	o := pos.CodeOrder{OutTradeNo: tradeNo("R"), Description: "x", Total: 100, AuthCode: sandbox.CodeUserPaying}
	if _, err := g.PayCode(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := g.Reverse(ctx, o.OutTradeNo); err != nil {
		t.Fatalf("reverse answered 204: %v", err)
	}
	if st, err := g.Query(ctx, o.OutTradeNo); err != nil || st.State != pos.TradeRevoked {
		t.Fatalf("%+v %v", st, err)
	}
}

// A refund answer with extra fields and without the optional ones (success_time,
// funds_account, promotion_detail) is read; an emoji in the reason is not sent.
func TestRefundAcceptsOtherShapes(t *testing.T) {
	var out string
	_, g := reshaped(t, onPath("POST", "/refund/domestic/refunds", func(status int, body string) (int, string) {
		if status != http.StatusOK {
			return status, body
		}
		return status, `{"refund_id":"50300000012025031000001","out_refund_no":"` + out + `","transaction_id":"4200000001",` +
			`"out_trade_no":"x","channel":"ORIGINAL","user_received_account":"支付用户零钱","create_time":"2025-03-10T11:00:00+08:00",` +
			`"status":"PROCESSING","amount":{"total":100,"refund":40,"payer_total":100,"payer_refund":40,` +
			`"settlement_refund":40,"settlement_total":100,"discount_refund":0,"currency":"CNY","refund_fee":0},"new_field":true}`
	}))
	ctx := context.Background()
	no := tradeNo("F")
	if _, err := g.PayCode(ctx, pos.CodeOrder{OutTradeNo: no, Description: "x", Total: 100, AuthCode: sandbox.CodePayNow}); err != nil {
		t.Fatal(err)
	}
	out = "RF" + no
	st, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: no, OutRefundNo: out, Amount: 40, Total: 100, Reason: "坏了😞"})
	if err != nil || st.State != pos.RefundProcessing || st.Amount != 40 || st.RefundID == "" || !st.SuccessTime.IsZero() {
		t.Fatalf("%+v %v", st, err)
	}
}

// Product names with emoji: the gateway drops the 4-byte characters APIv3 does not take,
// so the sandbox (which refuses them, as the APIv3 rules say) accepts the order.
func TestEmojiInDescriptionIsNotSent(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true)
	seen := recordRequests(t, srv, path, "/native")
	g := gatewayFor(t, path)
	if _, err := g.PrepayNative(context.Background(), pos.NativeOrder{OutTradeNo: tradeNo("J"), Description: "可乐🥤×2 薯片", Total: 500}); err != nil {
		t.Fatal(err)
	}
	if got := (*seen)[0]["description"]; got != "可乐×2 薯片" {
		t.Fatalf("description sent: %q", got)
	}
}

// A notification whose resource leaves out original_type is read by its event type; a
// refund's success_time in another ISO 8601 form is read, not refused.
func TestNotificationShapes(t *testing.T) {
	refund := `{"mchid":"1900000001","out_trade_no":"T1","transaction_id":"42","out_refund_no":"R1","refund_id":"50",` +
		`"refund_status":"SUCCESS","success_time":"2025-03-10T03:00:00.5Z","user_received_account":"支付用户零钱",` +
		`"amount":{"total":100,"refund":40,"payer_total":100,"payer_refund":40}}`
	paid := `{"mchid":"1900000001","out_trade_no":"T2","transaction_id":"43","trade_state":"SUCCESS",` +
		`"success_time":"2025-03-10 11:00:00","amount":{"total":100,"payer_total":100}}`
	cases := []struct {
		event, kind, plain string
		check              func(n *Notification) bool
	}{
		{"REFUND.SUCCESS", "", refund, func(n *Notification) bool {
			return n.Refund != nil && n.Refund.Amount == 40 && n.Refund.SuccessTime.Equal(time.Date(2025, 3, 10, 11, 0, 0, 5e8, chinaTime))
		}},
		{"TRANSACTION.SUCCESS", "", paid, func(n *Notification) bool {
			return n.Order != nil && n.Order.State == pos.TradeSuccess && n.Order.SuccessTime.Equal(time.Date(2025, 3, 10, 11, 0, 0, 0, chinaTime))
		}},
		{"TRANSACTION.SUCCESS", "transaction", paid, func(n *Notification) bool { return n.OutTradeNo == "T2" }},
	}
	for _, tc := range cases {
		req := &notify.Request{ID: "EV-1", EventType: tc.event,
			Resource: &notify.EncryptedResource{OriginalType: tc.kind, Plaintext: tc.plain}}
		n, err := convertNotification(req)
		if err != nil || !tc.check(n) {
			t.Errorf("%s (original_type %q): %+v %v", tc.event, tc.kind, n, err)
		}
	}
	if _, err := convertNotification(&notify.Request{EventType: "MYSTERY.EVENT", Resource: &notify.EncryptedResource{Plaintext: "{}"}}); err == nil {
		t.Error("a notification of no known kind was accepted")
	}
}

func TestParseWeChatTime(t *testing.T) {
	at := time.Date(2025, 3, 10, 11, 4, 5, 0, chinaTime)
	for in, want := range map[string]time.Time{
		"2025-03-10T11:04:05+08:00":     at,
		"2025-03-10T11:04:05.000+08:00": at,
		"2025-03-10T03:04:05Z":          at,
		"2025-03-10T03:04:05.250Z":      at.Add(250 * time.Millisecond),
		"2025-03-10T11:04:05+0800":      at,
		"2025-03-10T11:04:05":           at,
		"2025-03-10 11:04:05":           at,
		"":                              {},
		"yesterday":                     {},
		"2025-13-10T11:04:05+08:00":     {},
	} {
		if got := parseWeChatTime(in); !got.Equal(want) {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}
