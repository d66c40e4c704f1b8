package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	authScheme    = "WECHATPAY2-SHA256-RSA2048"
	maxClockSkew  = 5 * time.Minute
	nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// authParams are the fields of a WECHATPAY2-SHA256-RSA2048 Authorization header.
type authParams struct {
	mchid, nonce, timestamp, serial, signature string
}

// parseAuthorization reads `WECHATPAY2-SHA256-RSA2048 k="v",k="v",...` in any field order.
func parseAuthorization(h string) (authParams, error) {
	var p authParams
	scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || scheme != authScheme {
		return p, fmt.Errorf("请求头 Authorization 必须以 %s 开头 / must use the %s scheme", authScheme, authScheme)
	}
	fields := map[string]*string{
		"mchid": &p.mchid, "nonce_str": &p.nonce, "timestamp": &p.timestamp,
		"serial_no": &p.serial, "signature": &p.signature,
	}
	for rest = strings.TrimSpace(rest); rest != ""; {
		key, after, ok := strings.Cut(rest, "=")
		key, after = strings.TrimSpace(key), strings.TrimLeft(after, " \t")
		if !ok || !strings.HasPrefix(after, `"`) {
			return p, fmt.Errorf("请求头 Authorization 格式错误 / malformed Authorization near %q", clip(rest, 20))
		}
		value, tail, ok := strings.Cut(after[1:], `"`)
		if !ok {
			return p, fmt.Errorf("请求头 Authorization 引号不成对 / unterminated quote in Authorization")
		}
		if dst, known := fields[key]; known {
			if *dst != "" {
				return p, fmt.Errorf("请求头 Authorization 字段重复 / duplicate %s in Authorization", key)
			}
			*dst = value
		}
		rest = strings.TrimSpace(tail)
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ","))
	}
	for name, v := range fields {
		if *v == "" {
			return p, fmt.Errorf("请求头 Authorization 缺少 %s / %s missing from Authorization", name, name)
		}
	}
	return p, nil
}

// verifyRequest checks a request's signature as WeChat does: the merchant's mchid and
// certificate serial, a timestamp within five minutes of the real clock (the SDK signs
// with time.Now, whatever Options.Clock says) and RSA-SHA256 over
// METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n with URL the path and query as sent.
func (s *Server) verifyRequest(r *http.Request, body []byte) error {
	p, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	if p.mchid != s.keys.MchID {
		return fmt.Errorf("商户号 %q 不存在 / unknown mchid %q", clip(p.mchid, 32), clip(p.mchid, 32))
	}
	if !strings.EqualFold(p.serial, s.keys.MerchantSerial) {
		return fmt.Errorf("商户证书序列号 %q 无效 / merchant certificate serial %q is not this merchant's",
			clip(p.serial, 64), clip(p.serial, 64))
	}
	ts, err := strconv.ParseInt(p.timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q 不是整数 / is not an integer", clip(p.timestamp, 20))
	}
	if skew := time.Since(time.Unix(ts, 0)); skew > maxClockSkew || skew < -maxClockSkew {
		return fmt.Errorf("timestamp 与当前时间相差超过5分钟 / timestamp is more than 5 minutes off; check the till's clock")
	}
	sig, err := base64.StdEncoding.DecodeString(p.signature)
	if err != nil {
		return fmt.Errorf("signature 不是 Base64 / signature is not base64")
	}
	message := r.Method + "\n" + requestTarget(r) + "\n" + p.timestamp + "\n" + p.nonce + "\n" + string(body) + "\n"
	digest := sha256.Sum256([]byte(message))
	if rsa.VerifyPKCS1v15(&s.keys.merchantKey.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return &signMismatch{method: r.Method, url: requestTarget(r), message: message}
	}
	return nil
}

// signMismatch is a well-formed signature over some other message. WeChat's reply then
// says what it verified (the "detail" of its 401), so a client can compare messages.
type signMismatch struct{ method, url, message string }

func (e *signMismatch) Error() string {
	return "签名验证失败 / signature does not verify with the merchant's key (detail.sign_information shows the message checked)"
}

// maxSignMessageEcho bounds the signed message echoed back, as WeChat truncates it.
const maxSignMessageEcho = 512

func (e *signMismatch) detail() map[string]any {
	return map[string]any{
		"field": "signature", "location": "authorization",
		"detail": map[string]string{"issue": "sign not match"},
		"sign_information": map[string]any{
			"method": e.method, "url": e.url, "sign_message_length": len(e.message),
			"truncated_sign_message": strings.ToValidUTF8(clip(e.message, maxSignMessageEcho), ""),
		},
	}
}

// signError is the 401 SIGN_ERROR for a failed authentication.
func signError(err error) *apiError {
	e := newError(http.StatusUnauthorized, "SIGN_ERROR", "%v", err)
	var mismatch *signMismatch
	if errors.As(err, &mismatch) {
		e.detail = mismatch.detail()
	}
	return e
}

// requestTarget is the URL as the client sent it (path and query, unaltered).
func requestTarget(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI() // absolute-form request line, or a request built in-process
}

// signer is one of WeChat Pay's two signing identities.
type signer struct {
	serial string
	key    *rsa.PrivateKey
}

// signerFor picks the key a reply is signed with. A client names the serial it can verify
// in the Wechatpay-Serial request header (wechatpay-go always does, once it has a key);
// with no header, or one naming neither key, the server's default applies.
func (s *Server) signerFor(requested string) signer {
	cert := signer{serial: s.keys.platformSerial(), key: s.keys.platformKey}
	pub := signer{serial: s.keys.PublicKeyID, key: s.keys.pubKeyKey}
	switch {
	case requested == pub.serial:
		return pub
	case strings.EqualFold(requested, cert.serial):
		return cert
	case s.opt.SignWithCertificate:
		return cert
	}
	return pub
}

// signHeaders sets the Wechatpay-* headers of a signed message (a reply or a notification).
func signHeaders(h http.Header, sg signer, body []byte) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := randomString(32, nonceAlphabet)
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", sg.serial)
	h.Set("Wechatpay-Signature", signMessage(sg.key, ts+"\n"+nonce+"\n"+string(body)+"\n"))
}

func signMessage(key *rsa.PrivateKey, message string) string {
	digest := sha256.Sum256([]byte(message))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil { // only with a broken key, which loadKeys refuses
		return ""
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// clip shortens hostile input before it is echoed in an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
