package payment

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test key material, made once per test binary (RSA-2048 generation is slow under -race).
type testKeyPair struct {
	priv    *rsa.PrivateKey
	privPEM []byte // PKCS#8, as apiclient_key.pem
	pubPEM  []byte // PKIX, as pub_key.pem
}

var (
	keyOnce  sync.Once
	keyPairs [2]testKeyPair
)

func testKeys(t testing.TB) (main, other testKeyPair) {
	t.Helper()
	keyOnce.Do(func() {
		for i := range keyPairs {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keyPairs[i] = testKeyPair{priv: k, privPEM: pkcs8PEM(k), pubPEM: pkixPEM(&k.PublicKey)}
		}
	})
	return keyPairs[0], keyPairs[1]
}

func pkcs8PEM(k any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func pkixPEM(k any) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func ecdsaKeyPEM(t *testing.T) []byte {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pkcs8PEM(k)
}

func smallRSAKeyPEM(t *testing.T) []byte {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return pkcs8PEM(k)
}

func certificatePEM(t *testing.T, k *rsa.PrivateKey) []byte {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

const (
	testMchID  = "1900000001"
	testAppID  = "wx8888888888888888"
	testSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	testPubID  = "PUB_KEY_ID_0119000000012024112900000000000000"
	testAPIv3  = "0123456789abcdefABCDEF0123456789"
)

// setup is a config folder under test: TOML values by "table.key" and files by name.
type setup struct {
	values map[string]string // raw TOML values, e.g. `"1900000001"` or `10`
	files  map[string][]byte
	modes  map[string]os.FileMode
}

// goodSetup is a valid public-key-mode config with its three key files.
func goodSetup(t testing.TB) *setup {
	k, _ := testKeys(t)
	return &setup{
		values: map[string]string{
			"merchant.mchid":            `"` + testMchID + `"`,
			"merchant.appid":            `"` + testAppID + `"`,
			"merchant.cert_serial":      `"` + testSerial + `"`,
			"merchant.private_key_file": `"apiclient_key.pem"`,
			"merchant.apiv3_key_file":   `"apiv3_key.txt"`,
			"wechatpay.api_base_url":    `"https://api.mch.weixin.qq.com"`,
			"wechatpay.public_key_id":   `"` + testPubID + `"`,
			"wechatpay.public_key_file": `"pub_key.pem"`,
			"store.name":                `"示例便利店"`,
			"store.till_id":             `"07"`,
			"store.order_expiry":        `"10m"`,
		},
		files: map[string][]byte{
			"apiclient_key.pem": k.privPEM,
			"apiv3_key.txt":     []byte(testAPIv3 + "\n"),
			"pub_key.pem":       k.pubPEM,
		},
		modes: map[string]os.FileMode{},
	}
}

// write puts the setup in a fresh folder and returns the config path.
func (s *setup) write(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range s.files {
		mode := os.FileMode(0o600)
		if m, ok := s.modes[name]; ok {
			mode = m
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // WriteFile's mode passes through umask
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(s.toml()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (s *setup) toml() string {
	tables := map[string][]string{}
	for k, v := range s.values {
		table, key, _ := strings.Cut(k, ".")
		tables[table] = append(tables[table], key+" = "+v)
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		sort.Strings(tables[n])
		b.WriteString("[" + n + "]\n" + strings.Join(tables[n], "\n") + "\n\n")
	}
	return b.String()
}

// secretFragments are pieces of secrets that must never show in any output: the
// APIv3 key and each base64 line of each private key PEM.
func secretFragments(apiv3 string, privatePEMs ...[]byte) []string {
	frags := []string{apiv3}
	for _, p := range privatePEMs {
		for _, line := range strings.Split(string(p), "\n") {
			if line != "" && !strings.HasPrefix(line, "-----") {
				frags = append(frags, line)
			}
		}
	}
	return frags
}

func testSecrets(t testing.TB) []string {
	k, other := testKeys(t)
	return secretFragments(testAPIv3, k.privPEM, other.privPEM)
}

func assertNoSecrets(t *testing.T, what, out string, frags []string) {
	t.Helper()
	for _, f := range frags {
		if f != "" && strings.Contains(out, f) {
			t.Fatalf("%s shows a secret (%q…):\n%s", what, f[:8], out)
		}
	}
}
