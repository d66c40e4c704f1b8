package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// TestWrongKeyGetsSignError: the real SDK signing with a key that is not the merchant's.
func TestWrongKeyGetsSignError(t *testing.T) {
	s, _ := startServer(t)
	cred := s.Credentials()
	pub, err := utils.LoadPublicKey(string(cred.PublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(cred.MchID, cred.MerchantCertSerial, otherKey(t), cred.PublicKeyID, pub),
		option.WithHTTPClient(httpClientFor(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	svc := native.NativeApiService{Client: c}
	_, _, err = svc.Prepay(context.Background(), prepayRequest(s, "T-wrong-key", 100))
	wantAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
	if s.Stats()["sign_error"] != 1 {
		t.Fatalf("stats: %v", s.Stats())
	}
	if err := s.Pay("T-wrong-key"); err == nil {
		t.Fatal("a refused request created an order")
	}
}

// TestRequestAuthentication: every way a signature can be wrong is 401 SIGN_ERROR,
// unsigned, as WeChat answers it.
func TestRequestAuthentication(t *testing.T) {
	s, _ := startServer(t)
	const target = "/v3/pay/transactions/out-trade-no/T-auth-01?mchid=1900000001"
	cases := []struct {
		name  string
		tweak func(c *rawClient, r *http.Request)
	}{
		{"wrong mchid", func(c *rawClient, r *http.Request) {
			c.mchid = "1900000002"
			r.Header.Set("Authorization", c.authorization("GET", target, ""))
		}},
		{"wrong serial", func(c *rawClient, r *http.Request) {
			c.serial = "0123456789ABCDEF0123456789ABCDEF01234567"
			r.Header.Set("Authorization", c.authorization("GET", target, ""))
		}},
		{"timestamp 6 minutes old", func(c *rawClient, r *http.Request) {
			c.skew = -6 * time.Minute
			r.Header.Set("Authorization", c.authorization("GET", target, ""))
		}},
		{"timestamp 6 minutes ahead", func(c *rawClient, r *http.Request) {
			c.skew = 6 * time.Minute
			r.Header.Set("Authorization", c.authorization("GET", target, ""))
		}},
		{"wrong key", func(c *rawClient, r *http.Request) {
			c.key = otherKey(t)
			r.Header.Set("Authorization", c.authorization("GET", target, ""))
		}},
		{"signed another URL", func(c *rawClient, r *http.Request) {
			r.Header.Set("Authorization", c.authorization("GET", "/v3/pay/transactions/out-trade-no/T-auth-02?mchid=1900000001", ""))
		}},
		{"signed another method", func(c *rawClient, r *http.Request) {
			r.Header.Set("Authorization", c.authorization("POST", target, ""))
		}},
		{"no Authorization", func(c *rawClient, r *http.Request) { r.Header.Del("Authorization") }},
		{"other scheme", func(c *rawClient, r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "WECHATPAY2-SHA256-RSA2048", "Bearer", 1))
		}},
		{"signature not base64", func(c *rawClient, r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:strings.Index(h, `signature="`)]+`signature="%%%"`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newRawClient(t, s)
			r := c.request("GET", target, "")
			tc.tweak(c, r)
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			var e struct{ Code, Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != 401 || e.Code != "SIGN_ERROR" || e.Message == "" {
				t.Fatalf("got %d %s", w.Code, w.Body.String())
			}
			if w.Header().Get("Wechatpay-Signature") != "" || requestID(w.Header()) == "" {
				t.Fatalf("error reply headers: %v", w.Header())
			}
		})
	}
}

// TestReplySignatures: the key of a reply follows the Wechatpay-Serial request header,
// else the server's default; an independent verifier accepts each.
func TestReplySignatures(t *testing.T) {
	pubDefault, _ := startServer(t)
	certDefault, err := New(Options{StateDir: sharedState, SignWithCertificate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = certDefault.Close() })
	cred := pubDefault.Credentials()
	cases := []struct {
		name   string
		s      *Server
		accept string
		want   string
	}{
		{"no header, public-key default", pubDefault, "", cred.PublicKeyID},
		{"no header, certificate default", certDefault, "", cred.PlatformCertSerial},
		{"asks for the certificate", pubDefault, cred.PlatformCertSerial, cred.PlatformCertSerial},
		{"asks for the public key", certDefault, cred.PublicKeyID, cred.PublicKeyID},
		{"asks for an unknown serial", pubDefault, "PUB_KEY_ID_0000", cred.PublicKeyID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newRawClient(t, tc.s)
			c.accept = tc.accept
			w := c.do("POST", "/v3/pay/transactions/native", `{"appid":"wx8888888888888888","mchid":"1900000001",
				"description":"测试","out_trade_no":"T-sig-0001","notify_url":"https://a.example/n","amount":{"total":1}}`)
			if w.Code != 200 {
				t.Fatalf("prepay: %d %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Wechatpay-Serial"); got != tc.want {
				t.Fatalf("signed by %q, want %q", got, tc.want)
			}
			if err := verifyReply(tc.s, w.Header(), w.Body.Bytes()); err != nil {
				t.Fatalf("independent verification: %v", err)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	good := `WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="2",serial_no="s",signature="x"`
	p, err := parseAuthorization(good)
	if err != nil || p.mchid != "1" || p.nonce != "n" || p.timestamp != "2" || p.serial != "s" || p.signature != "x" {
		t.Fatalf("%+v %v", p, err)
	}
	reordered := `WECHATPAY2-SHA256-RSA2048 signature="x", serial_no="s", timestamp="2", nonce_str="n", mchid="1"`
	if q, err := parseAuthorization(reordered); err != nil || q != p {
		t.Fatalf("field order or spaces: %+v %v", q, err)
	}
	spaced := "WECHATPAY2-SHA256-RSA2048   mchid = \"1\" ,\tnonce_str=\"n\",timestamp= \"2\",serial_no=\"s\",signature=\"x\","
	if q, err := parseAuthorization(spaced); err != nil || q != p {
		t.Fatalf("spaces around = and a trailing comma: %+v %v", q, err)
	}
	bad := []string{
		"", "WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SHA256-RSA2048 ", `Basic mchid="1"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="2",serial_no="s"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="2",serial_no="s",signature="x`,
		`WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="n",timestamp="2",serial_no="s",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1",nonce_str="n",timestamp="2",serial_no="s",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="n",timestamp="2",serial_no="s",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 ===,,,""""`,
		"WECHATPAY2-SHA256-RSA2048 " + strings.Repeat(`a="b",`, 10000),
	}
	for _, h := range bad {
		if _, err := parseAuthorization(h); err == nil {
			t.Errorf("accepted %q", clip(h, 80))
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="2",serial_no="s",signature="x"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1"nonce_str="n"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 ="",="`)
	f.Fuzz(func(t *testing.T, h string) {
		p, err := parseAuthorization(h)
		if err == nil && (p.mchid == "" || p.nonce == "" || p.timestamp == "" || p.serial == "" || p.signature == "") {
			t.Fatalf("accepted %q with an empty field", h)
		}
	})
}
