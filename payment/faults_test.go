package payment

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wxtill/payment/sandbox"
	"wxtill/pos"
)

// TestErrorClassesFromTheServer drives every error class through the real SDK against the
// sandbox, in both verification modes: WeChat's unsigned error replies must reach the
// caller with their code and message, and a reply that does not verify is never a result.
func TestErrorClassesFromTheServer(t *testing.T) {
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			path := sandboxConfig(t, srv, m.publicKey, `[wechatpay] timeout = "1s"`)
			g := gatewayFor(t, path)
			ctx := context.Background()
			paid := tradeNo("S")
			codeURL, err := g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: paid, Description: "x", Total: 100})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.Pay(codeURL); err != nil {
				t.Fatal(err)
			}
			query := func() error { _, err := g.Query(ctx, paid); return err }

			faults := []struct {
				fault sandbox.Fault
				codes []string
			}{
				{sandbox.Fault{Kind: "systemerror", Rate: 1}, []string{"SYSTEMERROR", "SYSTEM_ERROR"}},
				{sandbox.Fault{Kind: "frequency_limited", Rate: 1}, []string{"FREQUENCY_LIMITED"}},
				{sandbox.Fault{Kind: "bad_signature", Rate: 1}, []string{CodeBadSignature}},
				{sandbox.Fault{Kind: "drop", Rate: 1}, []string{CodeNetwork}},
				{sandbox.Fault{Kind: "latency", Rate: 1, Delay: 3 * time.Second}, []string{CodeTimeout}},
			}
			for _, f := range faults {
				srv.SetFaults([]sandbox.Fault{f.fault})
				err := query()
				srv.SetFaults(nil)
				wantClass(t, err, pos.ClassRetry, f.codes...)
				if f.fault.Kind == "systemerror" && messageOf(err) == "" {
					t.Errorf("SYSTEMERROR without WeChat's message: %v", err)
				}
			}
			if err := query(); err != nil {
				t.Fatalf("after the faults: %v", err)
			}
			wantClass(t, g.Close(ctx, paid), pos.ClassSettled, "ORDERPAID")
			wantClass(t, query2(g, tradeNo("NOSUCH")), pos.ClassNotFound, "ORDER_NOT_EXIST", "ORDERNOTEXIST")
			_, err = g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: paid, Description: "x", Total: 999})
			if pos.ClassOf(err) != pos.ClassSettled && pos.ClassOf(err) != pos.ClassRejected {
				t.Fatalf("prepay of a paid order number: %v", err)
			}
		})
	}
}

func query2(g *Gateway, no string) error {
	_, err := g.Query(context.Background(), no)
	return err
}

// A request signed with a key that is not the merchant's is refused: SIGN_ERROR-like,
// class rejected (fix the config, do not retry).
func TestWrongMerchantKeyIsRejected(t *testing.T) {
	srv := startSandbox(t, nil)
	_, other := testKeys(t)
	path := sandboxConfig(t, srv, true)
	editConfig(t, path, `private_key_file = "other_key.pem"`)
	writeBeside(t, path, "other_key.pem", other.privPEM)
	g := gatewayFor(t, path)
	err := query2(g, tradeNo("K"))
	wantClass(t, err, pos.ClassRejected)
	if code := pos.CodeOf(err); !strings.Contains(code, "SIGN") && code != "HTTP_401" {
		t.Fatalf("code %q, want a signature refusal", code)
	}
}

func TestUnreachableServerIsNetwork(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	editConfig(t, path, `api_base_url = "`+dead+`"`)
	g := gatewayFor(t, path) // public-key mode: no call yet
	wantClass(t, query2(g, tradeNo("X")), pos.ClassRetry, CodeNetwork)
}

// hostile puts a server in front of the sandbox that spoils replies to order queries.
func hostile(t *testing.T, publicKey bool, spoil func(rec *recorder, w http.ResponseWriter)) *Gateway {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, publicKey)
	proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if !strings.Contains(r.URL.Path, "/out-trade-no/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := newRecorder()
		next.ServeHTTP(rec, r)
		spoil(rec, w)
	})
	return gatewayFor(t, path)
}

func TestHostileReplies(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(rec *recorder, w http.ResponseWriter)
		class pos.ErrorClass
		code  string
	}{
		{"body changed after signing", func(rec *recorder, w http.ResponseWriter) {
			rec.send(w, strings.Replace(rec.body.String(), "NOTPAY", "SUCCESS", 1))
		}, pos.ClassRetry, CodeBadSignature},
		{"signature headers stripped from a 200", func(rec *recorder, w http.ResponseWriter) {
			rec.header.Del("Wechatpay-Signature")
			rec.status = http.StatusOK
			rec.send(w, `{"trade_state":"SUCCESS","out_trade_no":"x","amount":{"total":1}}`)
		}, pos.ClassRetry, CodeBadSignature},
		{"proxy error page", func(rec *recorder, w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>502 Bad Gateway</html>"))
		}, pos.ClassRetry, "HTTP_502"},
		{"404 page of another server: not WeChat's no-such-order", func(rec *recorder, w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("<html>404 Not Found</html>"))
		}, pos.ClassRetry, "HTTP_404"},
		{"endless reply", func(rec *recorder, w http.ResponseWriter) {
			w.WriteHeader(http.StatusOK)
			chunk := []byte(strings.Repeat("x", 64<<10))
			for i := 0; i < 40; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, pos.ClassRetry, CodeNetwork},
	}
	for _, tc := range cases {
		for _, m := range modes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				g := hostile(t, m.publicKey, tc.spoil)
				no := tradeNo("H")
				if _, err := g.PrepayNative(context.Background(), pos.NativeOrder{OutTradeNo: no, Description: "x", Total: 1}); err != nil {
					t.Fatal(err)
				}
				st, err := g.Query(context.Background(), no)
				wantClass(t, err, tc.class, tc.code)
				if st != (pos.OrderStatus{}) {
					t.Fatalf("a spoiled reply gave a result: %+v", st)
				}
			})
		}
	}
}

// The platform-certificate download must go to api_base_url too; and the SDK's
// process-wide downloader registry must not keep a first gateway's certificates for the
// next one with the same mchid (every sandbox has mchid 1900000001).
func TestCertificateModeReachesBaseURLAndStaysPerGateway(t *testing.T) {
	for i := 0; i < 2; i++ {
		srv := startSandboxIn(t, nil, t.TempDir()) // fresh keys: a different platform certificate
		g := gatewayFor(t, sandboxConfig(t, srv, false))
		if n := srv.Stats()["GET /v3/certificates"]; n < 1 {
			t.Fatalf("sandbox %d: certificates never downloaded from it (stats %v)", i, srv.Stats())
		}
		if got := g.certs.GetCertificateMap(context.Background(), srv.Credentials().MchID); len(got) != 1 || got[srv.Credentials().PlatformCertSerial] == nil {
			t.Fatalf("sandbox %d: gateway holds certificates %v, want %s", i, keys(got), srv.Credentials().PlatformCertSerial)
		}
		if err := query2(g, tradeNo("M")); pos.ClassOf(err) != pos.ClassNotFound {
			t.Fatalf("sandbox %d: %v", i, err)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestWrongAPIv3KeyInCertificateMode(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, false)
	writeBeside(t, path, "sandbox_apiv3_key.txt", []byte(testAPIv3))
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewGateway(context.Background(), c)
	wantClass(t, err, pos.ClassRejected, "APIV3_KEY_MISMATCH")
	assertNoSecrets(t, "error", err.Error(), secretFragments(testAPIv3, srv.Credentials().MerchantPrivateKeyPEM))
}

// A till must start without the network: in certificate mode NewGateway then returns a
// gateway whose calls download the certificates once the server answers again.
func TestCertificateModeStartsOffline(t *testing.T) {
	srv := startSandbox(t, nil)
	path := sandboxConfig(t, srv, false)
	var down atomic.Bool
	down.Store(true)
	proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if down.Load() {
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
	g := gatewayFor(t, path)
	wantClass(t, query2(g, tradeNo("O")), pos.ClassRetry, "HTTP_503")
	down.Store(false)
	wantClass(t, query2(g, tradeNo("O")), pos.ClassNotFound)
	if n := srv.Stats()["GET /v3/certificates"]; n != 1 {
		t.Fatalf("certificates downloaded %d times, want once", n)
	}
}
