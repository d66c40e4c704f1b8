package sandbox

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// copyState copies the shared key material into a fresh dir the test may damage.
func copyState(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range stateFiles {
		data, err := os.ReadFile(filepath.Join(sharedState, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestKeysPersistAndArePrivate(t *testing.T) {
	a, err := New(Options{StateDir: sharedState})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{StateDir: sharedState})
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := a.Credentials(), b.Credentials()
	if ca.MerchantCertSerial != cb.MerchantCertSerial || ca.PublicKeyID != cb.PublicKeyID ||
		ca.APIv3Key != cb.APIv3Key || string(ca.MerchantPrivateKeyPEM) != string(cb.MerchantPrivateKeyPEM) {
		t.Fatal("a second start has other keys")
	}
	for _, name := range []string{fileMerchantKey, filePlatformKey, filePubKeyKey, fileAPIv3Key} {
		info, err := os.Stat(filepath.Join(sharedState, name))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", name, info.Mode(), err)
		}
	}
}

func TestCredentialsShape(t *testing.T) {
	s, err := New(Options{StateDir: sharedState})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Credentials()
	hex40 := regexp.MustCompile(`^[0-9A-F]{40}$`)
	if !hex40.MatchString(c.MerchantCertSerial) || !hex40.MatchString(c.PlatformCertSerial) {
		t.Fatalf("serials %q %q", c.MerchantCertSerial, c.PlatformCertSerial)
	}
	if len(c.APIv3Key) != 32 || !strings.HasPrefix(c.PublicKeyID, "PUB_KEY_ID_01"+c.MchID) {
		t.Fatalf("APIv3 key of %d bytes, public key id %q", len(c.APIv3Key), c.PublicKeyID)
	}
	for pemType, data := range map[string][]byte{"PRIVATE KEY": c.MerchantPrivateKeyPEM, "PUBLIC KEY": c.PublicKeyPEM, "CERTIFICATE": c.PlatformCertPEM} {
		if block, _ := pem.Decode(data); block == nil || block.Type != pemType {
			t.Errorf("want a %s PEM", pemType)
		}
	}
	cert, err := utils.LoadCertificate(string(c.PlatformCertPEM))
	if err != nil || utils.GetCertificateSerialNumber(*cert) != c.PlatformCertSerial {
		t.Fatalf("certificate serial as the SDK reads it: %v", err)
	}
	pub, err := utils.LoadPublicKey(string(c.PublicKeyPEM))
	if err != nil || pub.Equal(cert.PublicKey) {
		t.Fatal("the public key must load and differ from the certificate's key, as at WeChat")
	}
}

func TestDamagedStateDir(t *testing.T) {
	cases := []struct {
		name   string
		damage func(dir string) error
		want   string
	}{
		{"missing key file", func(dir string) error { return os.Remove(filepath.Join(dir, filePlatformKey)) }, "incomplete"},
		{"truncated key", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, fileMerchantKey), []byte("-----BEGIN"), 0o600)
		}, fileMerchantKey},
		{"short APIv3 key", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, fileAPIv3Key), []byte("short\n"), 0o600)
		}, "32 bytes"},
		{"identity not JSON", func(dir string) error { return os.WriteFile(filepath.Join(dir, fileIdentity), []byte("{"), 0o644) }, fileIdentity},
		{"certificate of another key", func(dir string) error {
			other, err := os.ReadFile(filepath.Join(dir, filePubKeyKey))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, filePlatformKey), other, 0o600)
		}, "does not match"},
		{"certificate not PEM", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, filePlatformCert), []byte("hello"), 0o644)
		}, filePlatformCert},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyState(t)
			if err := tc.damage(dir); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StateDir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error about %q, got %v", tc.want, err)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY-----") {
				t.Fatal("error shows key material")
			}
		})
	}
}

func TestInMemoryKeys(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Credentials().MerchantCertSerial == "" || s.Credentials().PublicKeyID == "" {
		t.Fatal("no key material")
	}
}
