package sandbox

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// sharedState holds key material generated once for the whole test binary: RSA keygen
// is the slow part, and loading keys is what every later New does anyway.
var sharedState string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandbox-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedState = dir
	if _, err := New(Options{StateDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeClock is business time the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testStart is a Monday morning in Shanghai, when bills of the weekend exist.
var testStart = time.Date(2025, 3, 10, 11, 0, 0, 0, cst)

// startServer runs a sandbox on a random loopback port with a fake clock.
func startServer(t *testing.T) (*Server, *fakeClock) {
	t.Helper()
	clock := newFakeClock(testStart)
	s, err := New(Options{StateDir: sharedState, Clock: clock.Now, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clock
}

// rewriteTransport sends WeChat's hosts to the sandbox, as the payment gateway does.
type rewriteTransport struct{ target *url.URL }

func (rt rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "api.mch.weixin.qq.com" || r.URL.Host == "api2.mch.weixin.qq.com" {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, rt.target.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

func httpClientFor(t *testing.T, s *Server) *http.Client {
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: rewriteTransport{target: u}, Timeout: 20 * time.Second}
}

func merchantKey(t testing.TB, s *Server) *rsa.PrivateKey {
	key, err := utils.LoadPrivateKey(string(s.Credentials().MerchantPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// pubKeyClient is the real SDK in WeChat Pay public-key mode.
func pubKeyClient(t *testing.T, s *Server) *core.Client {
	t.Helper()
	cred := s.Credentials()
	pub, err := utils.LoadPublicKey(string(cred.PublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(cred.MchID, cred.MerchantCertSerial, merchantKey(t, s), cred.PublicKeyID, pub),
		option.WithHTTPClient(httpClientFor(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// certClient is the real SDK in platform-certificate mode: its downloader, registered
// with a client that reaches the sandbox, fetches /v3/certificates first.
func certClient(t *testing.T, s *Server) *core.Client {
	t.Helper()
	ctx := context.Background()
	cred := s.Credentials()
	key := merchantKey(t, s)
	hc := httpClientFor(t, s)
	mgr := downloader.MgrInstance()
	mgr.RemoveDownloader(ctx, cred.MchID) // a previous test's server is gone
	dl, err := core.NewClient(ctx, option.WithMerchantCredential(cred.MchID, cred.MerchantCertSerial, key),
		option.WithoutValidator(), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if err := mgr.RegisterDownloaderWithClient(ctx, dl, cred.MchID, cred.APIv3Key); err != nil {
		t.Fatalf("download platform certificates: %v", err)
	}
	t.Cleanup(func() { mgr.RemoveDownloader(ctx, cred.MchID) })
	c, err := core.NewClient(ctx, option.WithWechatPayAutoAuthCipher(cred.MchID, cred.MerchantCertSerial, key, cred.APIv3Key),
		option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// unvalidatedClient signs requests but checks no reply signature: for bill files.
func unvalidatedClient(t *testing.T, s *Server) *core.Client {
	t.Helper()
	cred := s.Credentials()
	c, err := core.NewClient(context.Background(),
		option.WithMerchantCredential(cred.MchID, cred.MerchantCertSerial, merchantKey(t, s)),
		option.WithoutValidator(), option.WithHTTPClient(httpClientFor(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type clientMode struct {
	name   string
	client func(*testing.T, *Server) *core.Client
	serial func(*Server) string // the serial its replies must be signed with
}

var bothModes = []clientMode{
	{"public_key", pubKeyClient, func(s *Server) string { return s.Credentials().PublicKeyID }},
	{"certificate", certClient, func(s *Server) string { return s.Credentials().PlatformCertSerial }},
}

const wechat = "https://api.mch.weixin.qq.com"

// asAPIError returns the SDK's *core.APIError inside err, failing the test if there is none.
func asAPIError(t *testing.T, err error) *core.APIError {
	t.Helper()
	var ae *core.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want a WeChat error reply, got %v", err)
	}
	return ae
}

func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	ae := asAPIError(t, err)
	if ae.StatusCode != status || ae.Code != code {
		t.Fatalf("want %d %s, got %d %s: %s", status, code, ae.StatusCode, ae.Code, ae.Message)
	}
}

// decodeResult reads an SDK result's JSON body.
func decodeResult(t *testing.T, res *core.APIResult, v any) {
	t.Helper()
	body, err := io.ReadAll(res.Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("reply %s: %v", body, err)
	}
}
