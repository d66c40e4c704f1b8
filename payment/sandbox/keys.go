package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// keyring is the sandbox's key material: the merchant's (so it can hand it to clients),
// WeChat Pay's platform certificate key and WeChat Pay's public key (two different keys,
// as at WeChat), and the APIv3 key.
type keyring struct {
	identity
	merchantKey  *rsa.PrivateKey
	platformKey  *rsa.PrivateKey
	platformCert *x509.Certificate
	certPEM      []byte
	pubKeyKey    *rsa.PrivateKey
	apiV3Key     string
}

// identity is the public part, kept in identity.json.
type identity struct {
	MchID          string `json:"mchid"`
	AppID          string `json:"appid"`
	MerchantSerial string `json:"merchant_cert_serial"`
	PublicKeyID    string `json:"public_key_id"`
}

// Files in the state dir. Private keys and the APIv3 key are 0600.
const (
	fileIdentity     = "identity.json"
	fileMerchantKey  = "merchant_key.pem"
	filePlatformKey  = "platform_key.pem"
	filePlatformCert = "platform_cert.pem"
	filePubKeyKey    = "pub_key_private.pem"
	fileAPIv3Key     = "apiv3_key.txt"
)

var stateFiles = []string{fileIdentity, fileMerchantKey, filePlatformKey, filePlatformCert, filePubKeyKey, fileAPIv3Key}

const (
	sandboxMchID = "1900000001"
	sandboxAppID = "wx8888888888888888"
	apiV3Chars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

var serialPattern = regexp.MustCompile(`^[0-9A-F]{16,40}$`)

// loadOrCreateKeys reads the state dir; an absent or empty dir gets fresh keys written to
// it. A half-written or damaged dir is an error: silently replacing keys would break
// every config written before.
func loadOrCreateKeys(dir string) (*keyring, error) {
	if dir == "" {
		return generateKeys()
	}
	present := 0
	for _, name := range stateFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			present++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("沙箱状态目录不可读 / sandbox state dir unreadable: %w", err)
		}
	}
	if present == len(stateFiles) {
		return loadKeys(dir)
	}
	if present > 0 {
		return nil, fmt.Errorf("沙箱状态目录不完整 / sandbox state dir %s is incomplete (%d of %d key files); "+
			"remove it to start with fresh keys", dir, present, len(stateFiles))
	}
	k, err := generateKeys()
	if err != nil {
		return nil, err
	}
	if err := k.save(dir); err != nil {
		return nil, err
	}
	return k, nil
}

func generateKeys() (*keyring, error) {
	var k keyring
	var err error
	for _, p := range []**rsa.PrivateKey{&k.merchantKey, &k.platformKey, &k.pubKeyKey} {
		if *p, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("sandbox: generate RSA key: %w", err)
		}
	}
	k.MchID, k.AppID = sandboxMchID, sandboxAppID
	k.MerchantSerial = strings.ToUpper(hex.EncodeToString(serialBytes()))
	k.PublicKeyID = "PUB_KEY_ID_01" + sandboxMchID + time.Now().Format("20060102") + randomDigits(14)
	k.apiV3Key = randomString(32, apiV3Chars)
	if k.certPEM, err = platformCertificate(k.platformKey); err != nil {
		return nil, err
	}
	if k.platformCert, err = parseCertPEM(k.certPEM); err != nil {
		return nil, err
	}
	return &k, nil
}

// serialBytes is a positive 20-byte certificate serial whose hex form has 40 digits.
func serialBytes() []byte {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	b[0] = b[0]&0x7f | 0x10
	return b
}

// platformCertificate makes a self-signed certificate like WeChat's platform
// certificate: five years long, serial printed as upper-case hex by clients.
func platformCertificate(key *rsa.PrivateKey) ([]byte, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serialBytes()),
		Subject: pkix.Name{
			CommonName: "Tenpay.com Root CA (sandbox)", Organization: []string{"wxtill sandbox"},
			Country: []string{"CN"},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sandbox: make platform certificate: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func (k *keyring) save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("无法创建沙箱状态目录 / cannot create sandbox state dir: %w", err)
	}
	ident, _ := json.MarshalIndent(k.identity, "", "  ")
	files := []fileSpec{
		{fileMerchantKey, privatePEM(k.merchantKey), 0o600},
		{filePlatformKey, privatePEM(k.platformKey), 0o600},
		{filePubKeyKey, privatePEM(k.pubKeyKey), 0o600},
		{fileAPIv3Key, []byte(k.apiV3Key + "\n"), 0o600},
		{filePlatformCert, k.certPEM, 0o644},
		{fileIdentity, append(ident, '\n'), 0o644}, // last: its presence marks a complete dir
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

func loadKeys(dir string) (*keyring, error) {
	var k keyring
	bad := func(name string, err error) error {
		return fmt.Errorf("沙箱密钥文件损坏 / sandbox key file %s is damaged (%v); remove %s to start with fresh keys",
			filepath.Join(dir, name), err, dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, fileIdentity))
	if err != nil {
		return nil, bad(fileIdentity, err)
	}
	if err := json.Unmarshal(raw, &k.identity); err != nil {
		return nil, bad(fileIdentity, err)
	}
	if err := k.identity.check(); err != nil {
		return nil, bad(fileIdentity, err)
	}
	keys := []struct {
		name string
		dst  **rsa.PrivateKey
	}{{fileMerchantKey, &k.merchantKey}, {filePlatformKey, &k.platformKey}, {filePubKeyKey, &k.pubKeyKey}}
	for _, f := range keys {
		if *f.dst, err = readPrivateKey(filepath.Join(dir, f.name)); err != nil {
			return nil, bad(f.name, err)
		}
	}
	if k.certPEM, err = os.ReadFile(filepath.Join(dir, filePlatformCert)); err != nil {
		return nil, bad(filePlatformCert, err)
	}
	if k.platformCert, err = parseCertPEM(k.certPEM); err != nil {
		return nil, bad(filePlatformCert, err)
	}
	if !k.platformCert.PublicKey.(*rsa.PublicKey).Equal(&k.platformKey.PublicKey) {
		return nil, bad(filePlatformCert, errors.New("certificate does not match platform_key.pem"))
	}
	if raw, err = os.ReadFile(filepath.Join(dir, fileAPIv3Key)); err != nil {
		return nil, bad(fileAPIv3Key, err)
	}
	if k.apiV3Key = strings.TrimSpace(string(raw)); len(k.apiV3Key) != 32 {
		return nil, bad(fileAPIv3Key, fmt.Errorf("APIv3 key must be 32 bytes, found %d", len(k.apiV3Key)))
	}
	return &k, nil
}

func (id identity) check() error {
	switch {
	case id.MchID == "" || id.AppID == "":
		return errors.New("mchid or appid missing")
	case !serialPattern.MatchString(id.MerchantSerial):
		return errors.New("merchant_cert_serial is not upper-case hex")
	case !strings.HasPrefix(id.PublicKeyID, "PUB_KEY_ID_"):
		return errors.New("public_key_id must start with PUB_KEY_ID_")
	}
	return nil
}

func readPrivateKey(path string) (*rsa.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PKCS#8 PRIVATE KEY PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok || rsaKey.N.BitLen() < 2048 {
		return nil, errors.New("not an RSA-2048 key")
	}
	return rsaKey, nil
}

func parseCertPEM(raw []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a CERTIFICATE PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, err
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, errors.New("certificate key is not RSA")
	}
	return cert, nil
}

func privatePEM(key *rsa.PrivateKey) []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(key) // cannot fail for an RSA key
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func publicPEM(key *rsa.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(key) // cannot fail for an RSA key
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// platformSerial is the certificate serial as WeChat and the SDK print it.
func (k *keyring) platformSerial() string {
	return fmt.Sprintf("%X", k.platformCert.SerialNumber.Bytes())
}

func (k *keyring) credentials() Credentials {
	return Credentials{
		MchID:                 k.MchID,
		AppID:                 k.AppID,
		MerchantCertSerial:    k.MerchantSerial,
		MerchantPrivateKeyPEM: privatePEM(k.merchantKey),
		APIv3Key:              k.apiV3Key,
		PlatformCertSerial:    k.platformSerial(),
		PlatformCertPEM:       append([]byte(nil), k.certPEM...),
		PublicKeyID:           k.PublicKeyID,
		PublicKeyPEM:          publicPEM(&k.pubKeyKey.PublicKey),
	}
}

// fileSpec is a file to write and its permissions.
type fileSpec struct {
	name string
	data []byte
	mode os.FileMode
}

// writeFileAtomic writes through a temp file and a rename, so a crash never leaves a
// half-written key file behind.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	return nil
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func randomDigits(n int) string { return randomString(n, "0123456789") }
