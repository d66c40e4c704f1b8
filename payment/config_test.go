package payment

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadConfigGood(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	path := goodSetup(t).write(t)
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	checks := []struct {
		name      string
		got, want any
	}{
		{"mchid", c.Merchant.MchID, testMchID},
		{"appid", c.Merchant.AppID, testAppID},
		{"serial", c.Merchant.CertSerial, testSerial},
		{"private key path is resolved beside the config", c.Merchant.PrivateKeyFile, filepath.Join(dir, "apiclient_key.pem")},
		{"public key path", c.WeChatPay.PublicKeyFile, filepath.Join(dir, "pub_key.pem")},
		{"public-key mode", c.PublicKeyMode(), true},
		{"default timeout", c.WeChatPay.Timeout, DefaultTimeout},
		{"expiry", c.Store.OrderExpiry, 10 * time.Minute},
		{"till", c.Store.TillID, "07"},
		{"name", c.Store.Name, "示例便利店"},
		{"notify url absent", c.WeChatPay.NotifyURL, ""},
		{"apiv3 key, trailing newline dropped", c.secrets.apiv3Key, testAPIv3},
		{"no warnings for 0600 files", len(c.Warnings()), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadConfigDefaultsAndCertificateMode(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	s := goodSetup(t)
	for _, k := range []string{"wechatpay.api_base_url", "wechatpay.public_key_id", "wechatpay.public_key_file",
		"store.name", "store.till_id", "store.order_expiry"} {
		delete(s.values, k)
	}
	s.values["wechatpay.timeout"] = "8" // a bare number is seconds
	c, err := LoadConfig(s.write(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicKeyMode() || c.WeChatPay.APIBaseURL != DefaultAPIBaseURL || c.Store.OrderExpiry != DefaultOrderExpiry ||
		c.Store.TillID != DefaultTillID || c.Store.Name != DefaultStoreName || c.WeChatPay.Timeout != 8*time.Second {
		t.Fatalf("defaults not applied: %+v %+v", c.WeChatPay, c.Store)
	}
}

// configCase breaks a good setup one way and names the key and words the error must show.
type configCase struct {
	name   string
	break_ func(t *testing.T, s *setup)
	key    string // Problem.Key must contain this
	what   string // Problem.What must contain this
}

func set(key, value string) func(*testing.T, *setup) {
	return func(_ *testing.T, s *setup) { s.values[key] = value }
}

func unset(key string) func(*testing.T, *setup) {
	return func(_ *testing.T, s *setup) { delete(s.values, key) }
}

func file(name string, data []byte) func(*testing.T, *setup) {
	return func(_ *testing.T, s *setup) { s.files[name] = data }
}

func TestLoadConfigProblems(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	k, _ := testKeys(t)
	cases := []configCase{
		{"typo in a key", set("merchant.mch_id", `"1900000001"`), "[merchant] mch_id", "unknown key"},
		{"unknown table", set("shop.name", `"x"`), "[shop]", "unknown table"},
		{"mchid missing", unset("merchant.mchid"), "[merchant] mchid", "missing"},
		{"mchid as a number", set("merchant.mchid", "1900000001"), "[merchant] mchid", "text in quotes"},
		{"mchid with letters", set("merchant.mchid", `"19000a0001"`), "[merchant] mchid", "digits"},
		{"appid shape", set("merchant.appid", `"8888888888888888"`), "[merchant] appid", "wx"},
		{"serial too short", set("merchant.cert_serial", `"5157F09EFDC096DE15EBE81A47057A7232F1B8E"`), "cert_serial", "40 hex"},
		{"serial not hex", set("merchant.cert_serial", `"5157F09EFDC096DE15EBE81A47057A7232F1B8EZ"`), "cert_serial", "40 hex"},
		{"http outside loopback", set("wechatpay.api_base_url", `"http://api.example.com"`), "api_base_url", "https"},
		{"base url with a path", set("wechatpay.api_base_url", `"https://api.example.com/v3"`), "api_base_url", "no path"},
		{"base url not a url", set("wechatpay.api_base_url", `"api.mch.weixin.qq.com"`), "api_base_url", "not a valid URL"},
		{"notify url with query", set("wechatpay.notify_url", `"https://shop.example.com/n?a=1"`), "notify_url", "query"},
		{"expiry too short", set("store.order_expiry", `"30s"`), "order_expiry", "out of range"},
		{"expiry beyond code_url life", set("store.order_expiry", `"3h"`), "order_expiry", "out of range"},
		{"expiry not a duration", set("store.order_expiry", `"five minutes"`), "order_expiry", "not a duration"},
		{"timeout too long", set("wechatpay.timeout", `"90s"`), "timeout", "out of range"},
		{"till id shape", set("store.till_id", `"till 1"`), "till_id", "letters"},
		{"public key id shape", set("wechatpay.public_key_id", `"0119000000012024"`), "public_key_id", "PUB_KEY_ID_"},
		{"public key id without file", unset("wechatpay.public_key_file"), "public_key_file", "missing"},
		{"public key file without id", unset("wechatpay.public_key_id"), "public_key_id", "missing"},
		{"private key file missing", func(_ *testing.T, s *setup) { delete(s.files, "apiclient_key.pem") }, "private_key_file", "file not found"},
		{"private key not PEM", file("apiclient_key.pem", []byte("just some text\n")), "private_key_file", "not a PEM file"},
		{"certificate instead of key", func(t *testing.T, s *setup) { s.files["apiclient_key.pem"] = certificatePEM(t, k.priv) },
			"private_key_file", "not an RSA private key"},
		{"public key instead of private", file("apiclient_key.pem", k.pubPEM), "private_key_file", "not an RSA private key"},
		{"ECDSA key", func(t *testing.T, s *setup) { s.files["apiclient_key.pem"] = ecdsaKeyPEM(t) }, "private_key_file", "ECDSA"},
		{"RSA-1024 key", func(t *testing.T, s *setup) { s.files["apiclient_key.pem"] = smallRSAKeyPEM(t) }, "private_key_file", "1024 bits"},
		{"damaged key", file("apiclient_key.pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")), "private_key_file", "does not parse"},
		{"apiv3 key 31 bytes", file("apiv3_key.txt", []byte(testAPIv3[:31])), "apiv3_key_file", "31 bytes"},
		{"apiv3 key 33 bytes", file("apiv3_key.txt", []byte(testAPIv3+"x")), "apiv3_key_file", "33 bytes"},
		{"apiv3 key file missing", func(_ *testing.T, s *setup) { delete(s.files, "apiv3_key.txt") }, "apiv3_key_file", "file not found"},
		{"apiv3 key nowhere", unset("merchant.apiv3_key_file"), "apiv3_key_file", "WXTILL_APIV3_KEY is not set"},
		{"public key file missing", func(_ *testing.T, s *setup) { delete(s.files, "pub_key.pem") }, "public_key_file", "file not found"},
		{"public key not PEM", file("pub_key.pem", []byte("nope")), "public_key_file", "not a PEM file"},
		{"certificate as public key", func(t *testing.T, s *setup) { s.files["pub_key.pem"] = certificatePEM(t, k.priv) }, "public_key_file", "CERTIFICATE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := goodSetup(t)
			tc.break_(t, s)
			_, err := LoadConfig(s.write(t))
			assertProblem(t, err, tc.key, tc.what)
			assertNoSecrets(t, "error", err.Error(), testSecrets(t))
		})
	}
}

func assertProblem(t *testing.T, err error, key, what string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *ConfigError, got %v", err)
	}
	for _, p := range ce.Problems {
		if strings.Contains(p.Key, key) && strings.Contains(p.What, what) {
			if p.Fix == "" {
				t.Errorf("problem %q says nothing about what to do", p)
			}
			return
		}
	}
	t.Fatalf("no problem with key %q and %q in:\n%v", key, what, err)
}

func TestLoadConfigFileProblems(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "absent.toml"))
	assertProblem(t, err, "", "config file not found")

	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[merchant]\nmchid = \"1900000001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadConfig(bad)
	assertProblem(t, err, "", "not valid TOML")
}

func TestLoadConfigReportsEveryProblemAtOnce(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	s := goodSetup(t)
	s.values["merchant.mchid"] = `"x"`
	s.values["merchant.appid"] = `"y"`
	s.values["store.order_expiry"] = `"1s"`
	_, err := LoadConfig(s.write(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || len(ce.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
}

func TestAPIv3KeyFromEnvironment(t *testing.T) {
	s := goodSetup(t)
	delete(s.values, "merchant.apiv3_key_file")
	delete(s.files, "apiv3_key.txt")
	t.Setenv(APIv3KeyEnv, testAPIv3)
	c, err := LoadConfig(s.write(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.secrets.apiv3Key != testAPIv3 || c.secrets.apiv3Source != APIv3KeyEnv {
		t.Fatalf("key from %q", c.secrets.apiv3Source)
	}

	t.Setenv(APIv3KeyEnv, "short")
	_, err = LoadConfig(s.write(t))
	assertProblem(t, err, APIv3KeyEnv, "5 bytes")
	assertNoSecrets(t, "error", err.Error(), []string{"short"})
}

func TestAPIv3KeyInBothPlacesWarns(t *testing.T) {
	t.Setenv(APIv3KeyEnv, testAPIv3)
	c, err := LoadConfig(goodSetup(t).write(t))
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(c.Warnings(), "\n"); !strings.Contains(w, "is ignored") {
		t.Fatalf("no warning about the ignored file: %q", w)
	}
}

func TestReadableKeyFilesWarn(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	s := goodSetup(t)
	s.modes["apiclient_key.pem"] = 0o644
	s.modes["apiv3_key.txt"] = 0o640
	s.modes["pub_key.pem"] = 0o644 // public: no warning
	c, err := LoadConfig(s.write(t))
	if err != nil {
		t.Fatal(err)
	}
	w := c.Warnings()
	if len(w) != 2 {
		t.Fatalf("want 2 warnings, got %q", w)
	}
	for i, want := range []string{"private_key_file", "apiv3_key_file"} {
		if !strings.Contains(w[i], want) || !strings.Contains(w[i], "chmod 600") {
			t.Errorf("warning %d = %q, want it about %s with chmod 600", i, w[i], want)
		}
	}
}

func TestPrintingAConfigShowsNoSecret(t *testing.T) {
	t.Setenv(APIv3KeyEnv, "")
	c, err := LoadConfig(goodSetup(t).write(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assertNoSecrets(t, format, fmt.Sprintf(format, c), testSecrets(t))
		assertNoSecrets(t, format, fmt.Sprintf(format, *c), testSecrets(t))
	}
}
