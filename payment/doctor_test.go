package payment

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxtill/payment/sandbox"
)

func runDoctor(t *testing.T, path string) (bool, string) {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ok := Doctor(ctx, path, &out)
	return ok, out.String()
}

func sandboxSecrets(t testing.TB, srv *sandbox.Server) []string {
	c := srv.Credentials()
	_, other := testKeys(t)
	return secretFragments(c.APIv3Key, c.MerchantPrivateKeyPEM, other.privPEM)
}

func TestDoctorPassesAgainstTheSandbox(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	srv := startSandbox(t, nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ok, out := runDoctor(t, sandboxConfig(t, srv, m.publicKey))
			if !ok || strings.Contains(out, "✗") {
				t.Fatalf("doctor failed:\n%s", out)
			}
			for _, check := range []string{checkConfig, checkKeys, checkClock, checkTrust, checkAPI, checkReply} {
				if !strings.Contains(out, "✓ "+check) {
					t.Errorf("no ✓ for %s:\n%s", check, out)
				}
			}
			if !strings.Contains(out, "all checks passed") {
				t.Errorf("no final verdict:\n%s", out)
			}
			assertNoSecrets(t, "doctor output", out, sandboxSecrets(t, srv))
		})
	}
}

// doctorCase breaks the sandbox's config one way; the doctor must fail that check with
// words that say what is wrong.
type doctorCase struct {
	name      string
	publicKey bool
	break_    func(t *testing.T, srv *sandbox.Server, path string)
	check     string // the check that must fail
	says      string // what its lines must say
}

func TestDoctorFailsClearly(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	srv := startSandbox(t, nil)
	_, other := testKeys(t)
	creds := srv.Credentials()
	wrongSerial := strings.Repeat("AB", 20)
	cases := []doctorCase{
		{"config file missing", true, func(t *testing.T, _ *sandbox.Server, p string) { os.Remove(p) }, checkConfig, "config file not found"},
		{"malformed serial", true, edit(`cert_serial = "XYZ"`), checkConfig, "40 hex"},
		{"typo in a key", true, edit(`mch_id = "1900000001"`), checkConfig, "unknown key"},
		{"key file missing", true, remove("sandbox_apiclient_key.pem"), checkKeys, "file not found"},
		{"key file not a key", false, beside("sandbox_apiclient_key.pem", creds.PlatformCertPEM), checkKeys, "not an RSA private key"},
		{"APIv3 key too short", true, beside("sandbox_apiv3_key.txt", []byte("0123456789")), checkKeys, "10 bytes"},
		{"wrong key, certificates", false, beside("sandbox_apiclient_key.pem", other.privPEM), checkTrust, "cert_serial"},
		{"wrong key, public key", true, beside("sandbox_apiclient_key.pem", other.privPEM), checkAPI, "cert_serial"},
		{"wrong serial", true, edit(`cert_serial = "` + wrongSerial + `"`), checkAPI, "cert_serial"},
		{"wrong APIv3 key, certificates", false, beside("sandbox_apiv3_key.txt", []byte(testAPIv3)), checkTrust, "APIv3"},
		{"wrong APIv3 key, public key", true, beside("sandbox_apiv3_key.txt", []byte(testAPIv3)), checkAPIv3, "APIv3"},
		{"wrong public key", true, beside("sandbox_pub_key.pem", other.pubPEM), checkReply, "public_key_id"},
		{"unreachable URL, certificates", false, unreachable, checkTrust, "network"},
		{"unreachable URL, public key", true, unreachable, checkAPI, "network"},
		{"clock 10 minutes off", true, skewedClock(10 * time.Minute), checkClock, "5 minutes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := sandboxConfig(t, srv, tc.publicKey)
			tc.break_(t, srv, path)
			ok, out := runDoctor(t, path)
			if ok {
				t.Fatalf("doctor passed a broken config:\n%s", out)
			}
			at := strings.Index(out, "✗ "+tc.check)
			if at < 0 {
				t.Fatalf("no ✗ for %s:\n%s", tc.check, out)
			}
			block := out[at:]
			if next := strings.Index(block[1:], "\n✓"); next > 0 {
				block = block[:next+1]
			}
			if !strings.Contains(block, tc.says) || !strings.Contains(block, "fix") {
				t.Fatalf("the ✗ %s lines do not say %q and what to fix:\n%s", tc.check, tc.says, out)
			}
			assertNoSecrets(t, "doctor output", out, sandboxSecrets(t, srv))
		})
	}
}

func edit(line string) func(*testing.T, *sandbox.Server, string) {
	return func(t *testing.T, _ *sandbox.Server, path string) {
		if strings.HasPrefix(line, "mch_id") {
			editConfig(t, path, "[merchant] "+line)
			return
		}
		editConfig(t, path, line)
	}
}

func remove(name string) func(*testing.T, *sandbox.Server, string) {
	return func(t *testing.T, _ *sandbox.Server, path string) {
		if err := os.Remove(filepath.Join(filepath.Dir(path), name)); err != nil {
			t.Fatal(err)
		}
	}
}

func beside(name string, data []byte) func(*testing.T, *sandbox.Server, string) {
	return func(t *testing.T, _ *sandbox.Server, path string) { writeBeside(t, path, name, data) }
}

func unreachable(t *testing.T, _ *sandbox.Server, path string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	editConfig(t, path, `api_base_url = "http://`+addr+`"`)
}

// skewedClock puts a server in front of the sandbox whose Date header runs off by d, as
// when the till's own clock is off by -d.
func skewedClock(d time.Duration) func(*testing.T, *sandbox.Server, string) {
	return func(t *testing.T, srv *sandbox.Server, path string) {
		proxy(t, srv, path, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			w.Header().Set("Date", time.Now().Add(d).UTC().Format(http.TimeFormat))
			next.ServeHTTP(w, r)
		})
	}
}
