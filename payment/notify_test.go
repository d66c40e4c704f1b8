package payment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// notifySink is a notify_url served by a gateway's NotifyHandler; it keeps what arrives.
type notifySink struct {
	srv    *httptest.Server
	mu     sync.Mutex
	h      http.Handler
	raw    []capturedNotice  // requests as they came, before the handler
	got    chan Notification // handled notifications
	refuse int               // refuse this many first notifications with an error
}

type capturedNotice struct {
	header http.Header
	body   []byte
}

func newNotifySink(t *testing.T) *notifySink {
	s := &notifySink{got: make(chan Notification, 16)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.raw = append(s.raw, capturedNotice{header: r.Header.Clone(), body: body})
		h := s.h
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// serve makes g's NotifyHandler answer at the sink.
func (s *notifySink) serve(g *Gateway) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h = g.NotifyHandler(func(_ context.Context, n Notification) error {
		s.mu.Lock()
		refuse := s.refuse > 0
		if refuse {
			s.refuse--
		}
		s.mu.Unlock()
		if refuse {
			return errors.New("ledger busy")
		}
		s.got <- n
		return nil
	})
}

func (s *notifySink) wait(t *testing.T) Notification {
	t.Helper()
	select {
	case n := <-s.got:
		return n
	case <-time.After(20 * time.Second):
		t.Fatal("no notification arrived")
	}
	return Notification{}
}

// refundWithNotification sells and refunds an order through g and returns the
// notification that tells of the refund's success.
func refundWithNotification(t *testing.T, srv *sandbox.Server, clock *testClock, g *Gateway, sink *notifySink) (string, Notification) {
	ctx := context.Background()
	no := tradeNo("W")
	if _, err := g.PayCode(ctx, pos.CodeOrder{OutTradeNo: no, Description: "x", Total: 900, AuthCode: sandbox.CodePayNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: no, OutRefundNo: "R" + no, Amount: 400, Total: 900}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute) // the sandbox's ticker completes the refund and notifies
	return no, sink.wait(t)
}

func TestRefundNotification(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			sink := newNotifySink(t)
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey, fmt.Sprintf("notify_url = %q", sink.srv.URL+"/wxpay/notify")))
			sink.serve(g)
			no, n := refundWithNotification(t, srv, clock, g, sink)
			if n.EventType != "REFUND.SUCCESS" || n.ID == "" || n.OutTradeNo != no || n.Refund == nil ||
				n.Refund.OutRefundNo != "R"+no || n.Refund.State != pos.RefundSuccess || n.Refund.Amount != 400 {
				t.Fatalf("notification %+v refund %+v", n, n.Refund)
			}
		})
	}
}

// A failed handling is answered with an error status, and WeChat sends again.
func TestNotificationRetriedAfterHandlerError(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	sink := newNotifySink(t)
	sink.refuse = 1
	g := gatewayFor(t, sandboxConfig(t, srv, true, fmt.Sprintf("notify_url = %q", sink.srv.URL)))
	sink.serve(g)
	_, n := refundWithNotification(t, srv, clock, g, sink)
	sink.mu.Lock()
	attempts := len(sink.raw)
	sink.mu.Unlock()
	if n.Refund == nil || attempts < 2 {
		t.Fatalf("handled %+v after %d attempts; want a second attempt", n, attempts)
	}
}

// A changed, unsigned or replayed-with-changes notification is refused; the original is
// accepted again (WeChat repeats notifications: handling must be idempotent).
func TestForgedNotificationsAreRefused(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	sink := newNotifySink(t)
	g := gatewayFor(t, sandboxConfig(t, srv, false, fmt.Sprintf("notify_url = %q", sink.srv.URL)))
	sink.serve(g)
	refundWithNotification(t, srv, clock, g, sink)
	sink.mu.Lock()
	orig := sink.raw[len(sink.raw)-1]
	sink.mu.Unlock()

	post := func(header http.Header, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, sink.srv.URL, bytes.NewReader(body))
		req.Header = header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	unsigned := orig.header.Clone()
	unsigned.Del("Wechatpay-Signature")
	badNonce := bytes.Replace(orig.body, []byte(`"nonce":"`), []byte(`"nonce":"x`), 1)
	cases := map[string]struct {
		header http.Header
		body   []byte
	}{
		"changed body":    {orig.header, bytes.Replace(orig.body, []byte("REFUND.SUCCESS"), []byte("REFUND.CLOSED"), 1)},
		"no signature":    {unsigned, orig.body},
		"not JSON":        {orig.header, []byte("hello")},
		"malformed nonce": {orig.header, badNonce},
		"too large":       {orig.header, bytes.Repeat([]byte("x"), maxNotifyBody+10)},
	}
	for name, c := range cases {
		if status := post(c.header, c.body); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, status)
		}
	}
	select {
	case n := <-sink.got:
		t.Fatalf("a forged notification was handled: %+v", n)
	default:
	}
	if status := post(orig.header, orig.body); status != http.StatusNoContent {
		t.Fatalf("the original again: status %d, want 204", status)
	}
	if n := sink.wait(t); n.Refund == nil || !strings.HasPrefix(n.Refund.OutRefundNo, "R") {
		t.Fatalf("replayed original: %+v", n)
	}
}

// While WeChat moves a merchant from platform certificates to the public key,
// notifications may be signed with either: a public-key-mode till accepts both.
func TestPublicKeyModeAcceptsCertificateSignedNotifications(t *testing.T) {
	clock := newTestClock(time.Now())
	srv := startSandbox(t, clock)
	sink := newNotifySink(t)
	notifyURL := fmt.Sprintf("notify_url = %q", sink.srv.URL)
	certTill := gatewayFor(t, sandboxConfig(t, srv, false, notifyURL))  // orders made the old way…
	pubKeyTill := gatewayFor(t, sandboxConfig(t, srv, true, notifyURL)) // …notified to the new till
	sink.serve(pubKeyTill)
	_, n := refundWithNotification(t, srv, clock, certTill, sink)
	sink.mu.Lock()
	serial := sink.raw[len(sink.raw)-1].header.Get("Wechatpay-Serial")
	sink.mu.Unlock()
	if strings.HasPrefix(serial, "PUB_KEY_ID_") {
		t.Fatalf("notification signed with %s; the test needs a certificate-signed one", serial)
	}
	if n.Refund == nil || n.Refund.State != pos.RefundSuccess {
		t.Fatalf("notification %+v", n)
	}
}

func TestPaymentNotification(t *testing.T) {
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			sink := newNotifySink(t)
			g := gatewayFor(t, sandboxConfig(t, srv, m.publicKey, fmt.Sprintf("notify_url = %q", sink.srv.URL)))
			sink.serve(g)
			no := tradeNo("T")
			codeURL, err := g.PrepayNative(context.Background(), pos.NativeOrder{OutTradeNo: no, Description: "x", Total: 1234})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.Pay(codeURL); err != nil {
				t.Fatal(err)
			}
			n := sink.wait(t)
			if n.EventType != "TRANSACTION.SUCCESS" || n.OutTradeNo != no || n.Order == nil ||
				n.Order.State != pos.TradeSuccess || n.Order.Total != 1234 || n.Order.TransactionID == "" {
				t.Fatalf("notification %+v order %+v", n, n.Order)
			}
		})
	}
}
