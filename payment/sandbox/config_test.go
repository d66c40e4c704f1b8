package sandbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// clientConfig is the config schema of the payment gateway (issue 4).
type clientConfig struct {
	Merchant struct {
		MchID          string `toml:"mchid"`
		AppID          string `toml:"appid"`
		CertSerial     string `toml:"cert_serial"`
		PrivateKeyFile string `toml:"private_key_file"`
		APIv3KeyFile   string `toml:"apiv3_key_file"`
	} `toml:"merchant"`
	WechatPay struct {
		APIBaseURL    string `toml:"api_base_url"`
		PublicKeyID   string `toml:"public_key_id"`
		PublicKeyFile string `toml:"public_key_file"`
		NotifyURL     string `toml:"notify_url"`
	} `toml:"wechatpay"`
	Store struct {
		Name        string `toml:"name"`
		TillID      string `toml:"till_id"`
		OrderExpiry string `toml:"order_expiry"`
	} `toml:"store"`
}

func readConfig(t *testing.T, path string) clientConfig {
	t.Helper()
	var cfg clientConfig
	md, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		t.Fatalf("keys outside the schema: %v", undecoded)
	}
	return cfg
}

// TestWriteConfigPublicKey: a client built only from the written files pays an order.
func TestWriteConfigPublicKey(t *testing.T) {
	s, _ := startServer(t)
	path := filepath.Join(t.TempDir(), "conf", "config.toml")
	if err := s.WriteConfig(path, true); err != nil {
		t.Fatal(err)
	}
	cfg := readConfig(t, path)
	if cfg.WechatPay.APIBaseURL != s.URL() || cfg.Merchant.MchID != s.Credentials().MchID ||
		cfg.WechatPay.PublicKeyID != s.Credentials().PublicKeyID || cfg.Store.OrderExpiry == "" {
		t.Fatalf("config %+v", cfg)
	}
	dir := filepath.Dir(path)
	for _, name := range []string{filepath.Base(path), cfg.Merchant.PrivateKeyFile, cfg.Merchant.APIv3KeyFile} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v", name, err)
		}
	}
	key, err := utils.LoadPrivateKeyWithPath(filepath.Join(dir, cfg.Merchant.PrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := utils.LoadPublicKeyWithPath(filepath.Join(dir, cfg.WechatPay.PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(cfg.Merchant.MchID, cfg.Merchant.CertSerial, key, cfg.WechatPay.PublicKeyID, pub),
		option.WithHTTPClient(httpClientFor(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	req := prepayRequest(s, "T-config-01", 100)
	req.Appid, req.NotifyUrl = core.String(cfg.Merchant.AppID), core.String(cfg.WechatPay.NotifyURL)
	if _, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), req); err != nil {
		t.Fatalf("prepay with the written config: %v", err)
	}
}

func TestWriteConfigCertificateMode(t *testing.T) {
	s, _ := startServer(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := s.WriteConfig(path, false); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteConfig(path, false); err != nil {
		t.Fatalf("rewriting its own config: %v", err)
	}
	cfg := readConfig(t, path)
	apiv3, err := os.ReadFile(filepath.Join(filepath.Dir(path), cfg.Merchant.APIv3KeyFile))
	if err != nil || strings.TrimSpace(string(apiv3)) != s.Credentials().APIv3Key {
		t.Fatalf("apiv3 key file: %v", err)
	}
	if cfg.WechatPay.PublicKeyID != "" || cfg.WechatPay.PublicKeyFile != "" {
		t.Fatalf("certificate mode has a public key: %+v", cfg.WechatPay)
	}
}

func TestWriteConfigRefusesForeignConfig(t *testing.T) {
	s, _ := startServer(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	merchantCfg := []byte("[merchant]\nmchid = \"1230000109\"\n")
	if err := os.WriteFile(path, merchantCfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteConfig(path, true); err == nil || !strings.Contains(err.Error(), "not overwriting") {
		t.Fatalf("want a refusal, got %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, merchantCfg) {
		t.Fatal("the merchant's config was changed")
	}
	unstarted, err := New(Options{StateDir: sharedState})
	if err != nil {
		t.Fatal(err)
	}
	if err := unstarted.WriteConfig(filepath.Join(t.TempDir(), "c.toml"), true); err == nil {
		t.Fatal("wrote a config with no URL")
	}
}

func TestCheckAddr(t *testing.T) {
	cases := []struct {
		addr        string
		allowRemote bool
		ok          bool
	}{
		{"127.0.0.1:8700", false, true},
		{"127.8.9.1:8700", false, true},
		{"localhost:8700", false, true},
		{"[::1]:8700", false, true},
		{"0.0.0.0:8700", false, false},
		{":8700", false, false},
		{"192.168.1.20:8700", false, false},
		{"192.168.1.20:8700", true, true},
		{":8700", true, true},
		{"8700", true, false},
	}
	for _, tc := range cases {
		if err := CheckAddr(tc.addr, tc.allowRemote); (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q, %v) = %v", tc.addr, tc.allowRemote, err)
		}
	}
}

// syncBuffer is an io.Writer safe to read while Run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestRun is `wxtill sandbox` without main: it serves until its context ends.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	cfgPath := filepath.Join(t.TempDir(), "config.toml")
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunConfig{Addr: "127.0.0.1:0", StateDir: copyState(t), WriteConfig: cfgPath, PublicKey: true}, &out)
	}()
	eventually(t, func() bool { return strings.Contains(out.String(), "Ctrl+C") })
	cfg := readConfig(t, cfgPath)
	if !strings.Contains(out.String(), cfg.WechatPay.APIBaseURL) || !strings.Contains(out.String(), cfgPath) {
		t.Fatalf("output:\n%s", out.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if err := Run(context.Background(), RunConfig{Addr: "0.0.0.0:0", StateDir: sharedState}, &out); err == nil {
		t.Fatal("Run listened on a public address")
	}
}
