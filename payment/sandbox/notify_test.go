package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// received is one notification as the merchant's notify.Handler saw it.
type received struct {
	event   string
	serial  string
	content map[string]any
	err     error
}

// notifyReceiver is the merchant's notify_url: it parses with the SDK's notify.Handler
// and answers 500 to the first `refuse` notifications, as a busy merchant might.
func notifyReceiver(t *testing.T, h *notify.Handler, refuse int32) (string, <-chan received) {
	got := make(chan received, 8)
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= refuse {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		content := map[string]any{}
		req, err := h.ParseNotifyRequest(context.Background(), r, &content)
		rec := received{serial: r.Header.Get("Wechatpay-Serial"), content: content, err: err}
		if err == nil {
			rec.event = req.EventType
		}
		got <- rec
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/wxpay/notify", got
}

func waitNotice(t *testing.T, got <-chan received) received {
	t.Helper()
	select {
	case r := <-got:
		if r.err != nil {
			t.Fatalf("notify.Handler refused the notification: %v", r.err)
		}
		return r
	case <-time.After(15 * time.Second):
		t.Fatal("no notification arrived")
	}
	return received{}
}

// verifierFor is what a merchant in each mode verifies notifications with.
func verifierFor(t *testing.T, mode string, s *Server) auth.Verifier {
	cred := s.Credentials()
	if mode == "certificate" {
		return verifiers.NewSHA256WithRSAVerifier(downloader.MgrInstance().GetCertificateVisitor(cred.MchID))
	}
	pub, err := utils.LoadPublicKey(string(cred.PublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	return verifiers.NewSHA256WithRSAPubkeyVerifier(cred.PublicKeyID, *pub)
}

// TestNotifications: TRANSACTION.SUCCESS and REFUND.SUCCESS reach a loopback notify_url
// and pass the SDK's notify.Handler in both modes.
func TestNotifications(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, clock := startServer(t)
			c := mode.client(t, s)
			h, err := notify.NewRSANotifyHandler(s.Credentials().APIv3Key, verifierFor(t, mode.name, s))
			if err != nil {
				t.Fatal(err)
			}
			notifyURL, got := notifyReceiver(t, h, 0)
			req := prepayRequest(s, "T-notify-01", 880)
			req.NotifyUrl = core.String(notifyURL)
			if _, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if err := s.Pay("T-notify-01"); err != nil {
				t.Fatal(err)
			}
			n := waitNotice(t, got)
			if n.event != "TRANSACTION.SUCCESS" || n.content["out_trade_no"] != "T-notify-01" ||
				n.content["trade_state"] != "SUCCESS" || n.serial != mode.serial(s) {
				t.Fatalf("payment notification: %+v", n)
			}
			rs := refunddomestic.RefundsApiService{Client: c}
			rreq := refundReq("T-notify-01", "R-notify-01", 80, 880)
			rreq.NotifyUrl = core.String(notifyURL)
			if _, _, err := rs.Create(context.Background(), rreq); err != nil {
				t.Fatal(err)
			}
			clock.Advance(refundDelay)
			if _, _, err := rs.QueryByOutRefundNo(context.Background(), refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R-notify-01")}); err != nil {
				t.Fatal(err)
			}
			n = waitNotice(t, got)
			if n.event != "REFUND.SUCCESS" || n.content["out_refund_no"] != "R-notify-01" || n.content["refund_status"] != "SUCCESS" {
				t.Fatalf("refund notification: %+v", n)
			}
		})
	}
}

// TestNotificationRetry: a merchant answering 500 gets the notification again.
func TestNotificationRetry(t *testing.T) {
	s, _ := startServer(t)
	s.notifyBackoff = []time.Duration{10 * time.Millisecond, 10 * time.Millisecond}
	h, err := notify.NewRSANotifyHandler(s.Credentials().APIv3Key, verifierFor(t, "public_key", s))
	if err != nil {
		t.Fatal(err)
	}
	notifyURL, got := notifyReceiver(t, h, 2)
	req := prepayRequest(s, "T-notify-retry", 100)
	req.NotifyUrl = core.String(notifyURL)
	if _, _, err := (&native.NativeApiService{Client: pubKeyClient(t, s)}).Prepay(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if err := s.Pay("T-notify-retry"); err != nil {
		t.Fatal(err)
	}
	if n := waitNotice(t, got); n.event != "TRANSACTION.SUCCESS" {
		t.Fatalf("%+v", n)
	}
	eventually(t, func() bool { st := s.Stats(); return st["notify_attempts"] == 3 && st["notify_delivered"] == 1 })
}

// eventually waits for something a background goroutine does; it fails after 10 s.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
	}
}

// TestNotificationsOnlyToLoopback: a public notify_url is accepted but never called.
func TestNotificationsOnlyToLoopback(t *testing.T) {
	s, _ := startServer(t)
	if _, _, err := (&native.NativeApiService{Client: pubKeyClient(t, s)}).Prepay(context.Background(), prepayRequest(s, "T-notify-public", 100)); err != nil {
		t.Fatal(err)
	}
	if err := s.Pay("T-notify-public"); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st["notify_skipped"] != 1 || st["notify_attempts"] != 0 {
		t.Fatalf("stats: %v", st)
	}
}

// TestTickerSendsDueNotifications: while serving, a refund that comes due is notified
// without any request arriving.
func TestTickerSendsDueNotifications(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	h, err := notify.NewRSANotifyHandler(s.Credentials().APIv3Key, verifierFor(t, "public_key", s))
	if err != nil {
		t.Fatal(err)
	}
	notifyURL, got := notifyReceiver(t, h, 0)
	paidOrder(t, s, c, "T-ticker-01", 500)
	req := refundReq("T-ticker-01", "R-ticker-01", 500, 500)
	req.NotifyUrl = core.String(notifyURL)
	if _, _, err := (&refunddomestic.RefundsApiService{Client: c}).Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	clock.Advance(refundDelay)
	if n := waitNotice(t, got); n.event != "REFUND.SUCCESS" || n.content["out_refund_no"] != "R-ticker-01" {
		t.Fatalf("%+v", n)
	}
}
