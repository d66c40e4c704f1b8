package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// rawClient is a small APIv3 client written from the protocol description, independent
// of wechatpay-go: it signs requests itself and checks reply signatures itself.
type rawClient struct {
	t      testing.TB
	s      *Server
	key    *rsa.PrivateKey
	mchid  string
	serial string
	accept string        // Wechatpay-Serial request header; "" sends none
	skew   time.Duration // added to the signing timestamp
}

func newRawClient(t testing.TB, s *Server) *rawClient {
	cred := s.Credentials()
	return &rawClient{t: t, s: s, key: merchantKey(t, s), mchid: cred.MchID, serial: cred.MerchantCertSerial}
}

// authorization builds the header for a request as the protocol says.
func (c *rawClient) authorization(method, target, body string) string {
	ts := strconv.FormatInt(time.Now().Add(c.skew).Unix(), 10)
	nonce := randomString(32, nonceAlphabet)
	digest := sha256.Sum256([]byte(method + "\n" + target + "\n" + ts + "\n" + nonce + "\n" + body + "\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, digest[:])
	if err != nil {
		c.t.Fatal(err)
	}
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		c.mchid, nonce, ts, c.serial, base64.StdEncoding.EncodeToString(sig))
}

// request builds a signed request for the in-process handler.
func (c *rawClient) request(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "wxtill-rawclient/1 (independent test client)")
	r.Header.Set("Authorization", c.authorization(method, target, body))
	if c.accept != "" {
		r.Header.Set("Wechatpay-Serial", c.accept)
	}
	return r
}

// do sends a signed request through the handler and returns the recorded reply.
func (c *rawClient) do(method, target, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	c.s.Handler().ServeHTTP(w, c.request(method, target, body))
	return w
}

// verifyReply checks a reply's signature with the key its Wechatpay-Serial names.
func verifyReply(s *Server, h http.Header, body []byte) error {
	cred := s.Credentials()
	var pub *rsa.PublicKey
	switch serial := h.Get("Wechatpay-Serial"); serial {
	case cred.PublicKeyID:
		k, err := utils.LoadPublicKey(string(cred.PublicKeyPEM))
		if err != nil {
			return err
		}
		pub = k
	case cred.PlatformCertSerial:
		cert, err := utils.LoadCertificate(string(cred.PlatformCertPEM))
		if err != nil {
			return err
		}
		pub = cert.PublicKey.(*rsa.PublicKey)
	default:
		return fmt.Errorf("reply names unknown serial %q", serial)
	}
	ts, err := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("bad Wechatpay-Timestamp %q", h.Get("Wechatpay-Timestamp"))
	}
	if requestID(h) == "" {
		return errors.New("no Request-ID")
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	msg := h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	digest := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
}

// otherKey is a valid RSA-2048 key that is not the merchant's: the sandbox's own
// platform key, so no test has to generate one.
func otherKey(t *testing.T) *rsa.PrivateKey {
	key, err := readPrivateKey(filepath.Join(sharedState, filePlatformKey))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// requestID reads Request-ID as written by a handler (its exact spelling) or as parsed
// from the wire (canonical form).
func requestID(h http.Header) string {
	for name, v := range h {
		if strings.EqualFold(name, requestIDHeader) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
