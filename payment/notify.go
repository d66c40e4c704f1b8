package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"wxtill/pos"
)

// maxNotifyBody bounds a notification: WeChat's are about 1 KiB.
const maxNotifyBody = 64 << 10

// Notification is a verified and decrypted WeChat Pay notification. WeChat may send the
// same one more than once (same ID): handling must be idempotent.
type Notification struct {
	ID         string
	EventType  string // TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED
	CreateTime time.Time
	OutTradeNo string
	Order      *pos.OrderStatus  // TRANSACTION.* events
	Refund     *pos.RefundStatus // REFUND.* events
}

// refundNotice is the decrypted resource of a REFUND.* notification.
type refundNotice struct {
	OutTradeNo   string `json:"out_trade_no"`
	OutRefundNo  string `json:"out_refund_no"`
	RefundID     string `json:"refund_id"`
	RefundStatus string `json:"refund_status"`
	SuccessTime  string `json:"success_time"`
	Amount       struct {
		Refund int64 `json:"refund"`
	} `json:"amount"`
}

// notifyHandler builds the SDK's verifier+decryptor. In public-key mode, notifications
// during WeChat's switch from certificates may still be signed with a platform
// certificate, so those are accepted too when the certificates can be had.
func (g *Gateway) notifyHandler() (*notify.Handler, error) {
	g.notifyOnce.Do(func() {
		var v auth.Verifier = g.verifier
		if g.cfg.PublicKeyMode() {
			var getter core.CertificateGetter = core.NewCertificateMapWithList(nil)
			ctx, cancel := context.WithTimeout(context.Background(), g.cfg.WeChatPay.Timeout)
			if mgr, err := startCertificates(ctx, g.cfg, g.httpc[0]); err == nil {
				g.mu.Lock()
				g.notifyCerts = mgr
				g.mu.Unlock()
				getter = mgr.GetCertificateVisitor(g.cfg.Merchant.MchID)
			}
			cancel()
			v = verifiers.NewSHA256WithRSACombinedVerifier(getter, g.cfg.WeChatPay.PublicKeyID, *g.cfg.secrets.publicKey)
		}
		g.notify, g.notifyErr = notify.NewRSANotifyHandler(g.cfg.secrets.apiv3Key, v)
	})
	return g.notify, g.notifyErr
}

// ParseNotification verifies r's signature, decrypts its resource and converts it. An
// unverifiable or malformed notification is an error, never a result.
func (g *Gateway) ParseNotification(r *http.Request) (*Notification, error) {
	if err := g.ready(r.Context()); err != nil {
		return nil, err
	}
	h, err := g.notifyHandler()
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotifyBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading notification: %w", err)
	}
	if len(body) > maxNotifyBody {
		return nil, errors.New("notification too large")
	}
	if err := precheckNotification(body); err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	req, err := h.ParseNotifyRequest(r.Context(), r, nil)
	if err != nil {
		return nil, fmt.Errorf("notification rejected: %w", err)
	}
	return convertNotification(req)
}

// precheckNotification refuses what would make the SDK panic (no resource, a nonce
// GCM cannot take) before it is handed over.
func precheckNotification(body []byte) error {
	var n notify.Request
	if err := json.Unmarshal(body, &n); err != nil {
		return fmt.Errorf("notification is not JSON: %w", err)
	}
	if n.Resource == nil || len(n.Resource.Nonce) != 12 {
		return errors.New("notification has no resource, or a malformed one")
	}
	return nil
}

func convertNotification(req *notify.Request) (*Notification, error) {
	n := &Notification{ID: req.ID, EventType: req.EventType}
	if req.CreateTime != nil {
		n.CreateTime = *req.CreateTime
	}
	plain := []byte(req.Resource.Plaintext)
	switch resourceKind(req) {
	case "transaction":
		var tx payments.Transaction
		if err := json.Unmarshal(plain, &tx); err != nil {
			return nil, fmt.Errorf("transaction notification: %w", err)
		}
		st, err := orderStatus(&tx, deref(tx.OutTradeNo))
		if err != nil || st.OutTradeNo == "" {
			return nil, fmt.Errorf("transaction notification: %v", err)
		}
		n.OutTradeNo, n.Order = st.OutTradeNo, &st
	case "refund":
		var rn refundNotice
		if err := json.Unmarshal(plain, &rn); err != nil {
			return nil, fmt.Errorf("refund notification: %w", err)
		}
		st, err := refundFromNotice(rn)
		if err != nil {
			return nil, err
		}
		n.OutTradeNo, n.Refund = rn.OutTradeNo, &st
	default:
		return nil, fmt.Errorf("notification of unknown type %q", req.Resource.OriginalType)
	}
	return n, nil
}

// resourceKind is the resource's original_type, or, when a server leaves it out, what
// the event type says (TRANSACTION.SUCCESS, REFUND.SUCCESS, ...).
func resourceKind(req *notify.Request) string {
	if k := req.Resource.OriginalType; k != "" {
		return k
	}
	prefix, _, _ := strings.Cut(req.EventType, ".")
	return strings.ToLower(prefix)
}

func refundFromNotice(rn refundNotice) (pos.RefundStatus, error) {
	state, ok := knownRefundStates[refunddomestic.Status(rn.RefundStatus)]
	if !ok || rn.OutRefundNo == "" || rn.Amount.Refund < 0 {
		return pos.RefundStatus{}, fmt.Errorf("refund notification: bad status %q or refund", rn.RefundStatus)
	}
	return pos.RefundStatus{OutRefundNo: rn.OutRefundNo, RefundID: rn.RefundID, State: state,
		Amount: pos.Money(rn.Amount.Refund), SuccessTime: parseWeChatTime(rn.SuccessTime)}, nil
}

// NotifyHandler serves notify_url. Each verified notification goes to handle; WeChat is
// answered 204 when handle returns nil, else an error status so that it sends again.
func (g *Gateway) NotifyHandler(handle func(context.Context, Notification) error) http.Handler {
	_, _ = g.notifyHandler() // set up now (it may fetch certificates), not on the first request
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			notifyFail(w, http.StatusMethodNotAllowed, "POST only")
			return
		}
		n, err := g.ParseNotification(r)
		if err != nil {
			notifyFail(w, http.StatusBadRequest, "invalid notification")
			return
		}
		if err := handle(r.Context(), *n); err != nil {
			notifyFail(w, http.StatusInternalServerError, "not handled, send again")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func notifyFail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": "FAIL", "message": msg})
}
