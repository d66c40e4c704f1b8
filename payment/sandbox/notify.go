package sandbox

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// notice is one notification to POST: its body is fixed, its signature is made afresh
// for each attempt (the timestamp must be current).
type notice struct {
	url  string
	body []byte
	sg   signer
}

// notification is WeChat's notification envelope (core/notify.Request).
type notification struct {
	ID           string            `json:"id"`
	CreateTime   string            `json:"create_time"`
	ResourceType string            `json:"resource_type"`
	EventType    string            `json:"event_type"`
	Summary      string            `json:"summary"`
	Resource     encryptedResource `json:"resource"`
}

type encryptedResource struct {
	OriginalType   string `json:"original_type"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
}

// refundResource is the plaintext of a REFUND.SUCCESS notification.
type refundResource struct {
	MchID               string         `json:"mchid"`
	OutTradeNo          string         `json:"out_trade_no"`
	TransactionID       string         `json:"transaction_id"`
	OutRefundNo         string         `json:"out_refund_no"`
	RefundID            string         `json:"refund_id"`
	RefundStatus        string         `json:"refund_status"`
	SuccessTime         string         `json:"success_time"`
	UserReceivedAccount string         `json:"user_received_account"`
	Amount              map[string]any `json:"amount"`
}

// transactionNotice is TRANSACTION.SUCCESS for a paid order with a notify_url.
func (s *Server) transactionNotice(o *order, now time.Time) *notice {
	if o.notifyURL == "" {
		return nil
	}
	plain, _ := json.Marshal(o.view())
	return s.makeNotice(o.notifyURL, o.acceptSerial, "TRANSACTION.SUCCESS", "transaction", "支付成功", plain, now)
}

// refundNotice is REFUND.SUCCESS for a refund with a notify_url.
func (s *Server) refundNotice(r *refund, now time.Time) *notice {
	if r.notifyURL == "" {
		return nil
	}
	plain, _ := json.Marshal(refundResource{
		MchID: r.order.mchid, OutTradeNo: r.order.outTradeNo, TransactionID: r.order.transactionID,
		OutRefundNo: r.outRefundNo, RefundID: r.refundID, RefundStatus: r.status,
		SuccessTime: r.successTime.In(cst).Format(time.RFC3339), UserReceivedAccount: "支付用户零钱",
		Amount: map[string]any{"total": r.order.total, "refund": r.amount, "payer_total": r.order.total, "payer_refund": r.amount},
	})
	return s.makeNotice(r.notifyURL, r.acceptSerial, "REFUND.SUCCESS", "refund", "退款成功", plain, now)
}

// makeNotice encrypts the resource with AEAD_AES_256_GCM under the APIv3 key (nonce 12
// characters, associated data the resource type) and signs with the key the merchant's
// creating request asked for.
func (s *Server) makeNotice(target, serial, event, kind, summary string, plain []byte, now time.Time) *notice {
	block, err := aes.NewCipher([]byte(s.keys.apiV3Key))
	if err != nil { // loadKeys guarantees a 32-byte key
		return nil
	}
	gcm, _ := cipher.NewGCM(block) // cannot fail for AES
	nonce := randomString(gcm.NonceSize(), apiV3Chars)
	sealed := gcm.Seal(nil, []byte(nonce), plain, []byte(kind))
	body, _ := json.Marshal(notification{
		ID: "EV-" + randomString(24, "0123456789abcdef"), CreateTime: now.In(cst).Format(time.RFC3339),
		ResourceType: "encrypt-resource", EventType: event, Summary: summary,
		Resource: encryptedResource{
			OriginalType: kind, Algorithm: "AEAD_AES_256_GCM", Nonce: nonce, AssociatedData: kind,
			Ciphertext: base64.StdEncoding.EncodeToString(sealed),
		},
	})
	return &notice{url: target, body: body, sg: s.signerFor(serial)}
}

// send delivers notifications in the background; a handler never waits for them.
func (s *Server) send(notes []notice) {
	for _, n := range notes {
		if !isLoopbackURL(n.url) {
			s.count("notify_skipped")
			s.opt.Logf("sandbox: notification for %s not sent: only loopback notify_url are called", n.url)
			continue
		}
		s.lifeMu.Lock()
		if s.closed {
			s.lifeMu.Unlock()
			return
		}
		s.wg.Add(1)
		s.lifeMu.Unlock()
		go func(n notice) {
			defer s.wg.Done()
			s.deliver(n)
		}(n)
	}
}

// deliver POSTs a notification, retrying like WeChat (here after 1 s, 5 s, 15 s, 30 s)
// until the merchant answers 2xx or Close.
func (s *Server) deliver(n notice) {
	for attempt := 0; ; attempt++ {
		if s.postNotice(n) {
			s.count("notify_delivered")
			return
		}
		if attempt >= len(s.notifyBackoff) {
			s.count("notify_failed")
			s.opt.Logf("sandbox: notification to %s failed %d times; giving up", n.url, attempt+1)
			return
		}
		if !sleepCtx(s.ctx, s.notifyBackoff[attempt]) {
			return
		}
	}
}

func (s *Server) postNotice(n notice) bool {
	s.count("notify_attempts")
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(n.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Wechatpay-Signature-Type", authScheme)
	signHeaders(req.Header, n.sg, n.body)
	resp, err := s.notifyClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode <= 299
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && isLoopbackHost(u.Hostname())
}
