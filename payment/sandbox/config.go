package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// configMarker opens every config the sandbox writes; WriteConfig overwrites only files
// that carry it, so it can never replace a real merchant's config.
const configMarker = "# wxtill sandbox config"

// Key files written beside the config. Their sandbox_ prefix keeps them apart from a real
// merchant's apiclient_key.pem in the same folder.
const (
	configKeyFile    = "sandbox_apiclient_key.pem"
	configAPIv3File  = "sandbox_apiv3_key.txt"
	configPubKeyFile = "sandbox_pub_key.pem"
)

// WriteConfig writes a complete wxtill client config (TOML, the schema of the payment
// gateway) pointing at URL(), plus the key files beside it (0600 for secrets). With
// publicKey it is in public-key mode; otherwise it has no public_key_id and the client
// downloads platform certificates from /v3/certificates. Call it after Start.
func (s *Server) WriteConfig(path string, publicKey bool) error {
	base := s.URL()
	if base == "" {
		return errors.New("sandbox: WriteConfig needs a started server (its URL goes in the config)")
	}
	if err := refuseForeignConfig(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("无法创建配置目录 / cannot create config dir: %w", err)
	}
	cred := s.Credentials()
	files := []fileSpec{
		{configKeyFile, cred.MerchantPrivateKeyPEM, 0o600},
		{configAPIv3File, []byte(cred.APIv3Key + "\n"), 0o600},
	}
	if publicKey {
		files = append(files, fileSpec{configPubKeyFile, cred.PublicKeyPEM, 0o644})
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return writeFileAtomic(path, configTOML(cred, base, publicKey), 0o600)
}

// refuseForeignConfig stops WriteConfig from replacing a config it did not write.
func refuseForeignConfig(path string) error {
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("无法读取已有配置 / cannot read existing config %s: %w", path, err)
	case !bytes.HasPrefix(old, []byte(configMarker)):
		return fmt.Errorf("配置文件已存在且不是沙箱写的，不会覆盖 / %s exists and was not written by the sandbox: "+
			"not overwriting it; choose another --write-config path", path)
	}
	return nil
}

func configTOML(c Credentials, baseURL string, publicKey bool) []byte {
	q := strconv.Quote
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: no real money moves. Written by `wxtill sandbox`; safe to delete.\n", configMarker)
	fmt.Fprintf(&b, "# 沙箱配置：不涉及真实资金。\n\n")
	fmt.Fprintf(&b, "[merchant]\nmchid = %s\nappid = %s\ncert_serial = %s\n", q(c.MchID), q(c.AppID), q(c.MerchantCertSerial))
	fmt.Fprintf(&b, "private_key_file = %s\napiv3_key_file = %s\n\n", q(configKeyFile), q(configAPIv3File))
	fmt.Fprintf(&b, "[wechatpay]\napi_base_url = %s\n", q(baseURL))
	if publicKey {
		fmt.Fprintf(&b, "public_key_id = %s\npublic_key_file = %s\n", q(c.PublicKeyID), q(configPubKeyFile))
	} else {
		fmt.Fprintf(&b, "# no public_key_id: platform certificates are downloaded from /v3/certificates\n")
	}
	// Never called: the sandbox only notifies loopback URLs, and the till polls anyway.
	fmt.Fprintf(&b, "notify_url = %s\n\n", q("https://wxtill.invalid/wxpay/notify"))
	fmt.Fprintf(&b, "[store]\nname = %s\ntill_id = %s\norder_expiry = %s\n", q("沙箱示例店"), q("01"), q("5m"))
	return b.Bytes()
}
