package payment

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxKeyFileSize bounds what is read from a key file: real ones are a few KiB.
const maxKeyFileSize = 64 << 10

// minRSABits is what WeChat issues and accepts.
const minRSABits = 2048

// loadKeys reads the key files named by c (second half of LoadConfig). Problems never
// quote a file's content: only its name, its size, and what kind of thing it holds.
func (c *Config) loadKeys() error {
	v := &validator{}
	s := &secrets{}
	s.privateKey = v.privateKey(keyName("merchant", "private_key_file"), c.Merchant.PrivateKeyFile)
	s.apiv3Key, s.apiv3Source = v.apiv3Key(c.Merchant.APIv3KeyFile)
	if c.PublicKeyMode() {
		s.publicKey = v.publicKey(keyName("wechatpay", "public_key_file"), c.WeChatPay.PublicKeyFile)
	}
	if len(v.problems) > 0 {
		return &ConfigError{Path: c.Path, Problems: v.problems}
	}
	c.secrets = s
	c.warnings = append(c.warnings, v.warnings...)
	return nil
}

// readKeyFile reads a small file and warns when group or others may read it.
func (v *validator) readKeyFile(key, path string, secret bool) ([]byte, bool) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.problem(key, "文件不存在 / file not found: "+path, fixFor(key))
		return nil, false
	case err != nil:
		v.problem(key, "无法读取 / cannot read "+path+": "+plainIOError(err), "检查文件权限 / check the file's permissions")
		return nil, false
	case !info.Mode().IsRegular():
		v.problem(key, "不是普通文件 / not a regular file: "+path, fixFor(key))
		return nil, false
	case info.Size() > maxKeyFileSize:
		v.problem(key, fmt.Sprintf("文件过大 / file too large (%d bytes): %s", info.Size(), path), fixFor(key))
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		v.problem(key, "无法读取 / cannot read "+path+": "+plainIOError(err), "检查文件权限 / check the file's permissions")
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize))
	if err != nil {
		v.problem(key, "无法读取 / cannot read "+path+": "+plainIOError(err), "检查文件权限 / check the file's permissions")
		return nil, false
	}
	if secret && info.Mode().Perm()&0o077 != 0 {
		v.warnings = append(v.warnings, fmt.Sprintf(
			"%s: 其他用户可读取 / readable by other users (mode %04o): %s → 运行 / run: chmod 600 %s",
			key, info.Mode().Perm(), path, path))
	}
	return data, true
}

func fixFor(key string) string {
	switch key {
	case keyName("merchant", "private_key_file"):
		return "在商户平台申请 API 证书，使用其中的 apiclient_key.pem / get the merchant API certificate from the merchant platform and use its apiclient_key.pem"
	case keyName("merchant", "apiv3_key_file"):
		return "把商户平台「API安全」中设置的 32 位 APIv3 密钥写入该文件（或设置 " + APIv3KeyEnv + "）/ put the 32-character APIv3 key set in the merchant platform into the file (or set " + APIv3KeyEnv + ")"
	default:
		return "在商户平台「API安全」下载微信支付公钥 pub_key.pem / download the WeChat Pay public key pub_key.pem from the merchant platform (API安全)"
	}
}

func (v *validator) privateKey(key, path string) *rsa.PrivateKey {
	data, ok := v.readKeyFile(key, path, true)
	if !ok {
		return nil
	}
	block, _ := pem.Decode(data)
	if block == nil {
		v.problem(key, "不是 PEM 文件（缺少 -----BEGIN PRIVATE KEY-----）/ not a PEM file (no -----BEGIN PRIVATE KEY-----): "+path, fixFor(key))
		return nil
	}
	var parsed any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		v.problem(key, fmt.Sprintf("内容是 %s，不是 RSA 私钥 / holds a %s, not an RSA private key: %s", block.Type, block.Type, path),
			"用 apiclient_key.pem，不是 apiclient_cert.pem 或公钥 / use apiclient_key.pem, not apiclient_cert.pem or a public key")
		return nil
	}
	if err != nil {
		v.problem(key, "私钥无法解析（文件损坏？）/ private key does not parse (damaged file?): "+path, fixFor(key))
		return nil
	}
	rsaKey, isRSA := parsed.(*rsa.PrivateKey)
	if !isRSA {
		v.problem(key, fmt.Sprintf("不是 RSA 私钥 / not an RSA private key (%s): %s", keyKind(parsed), path), fixFor(key))
		return nil
	}
	if rsaKey.N.BitLen() < minRSABits {
		v.problem(key, fmt.Sprintf("RSA 私钥只有 %d 位，需要 %d 位 / RSA key has %d bits, needs %d: %s",
			rsaKey.N.BitLen(), minRSABits, rsaKey.N.BitLen(), minRSABits, path), fixFor(key))
		return nil
	}
	return rsaKey
}

func keyKind(k any) string {
	switch fmt.Sprintf("%T", k) {
	case "*ecdsa.PrivateKey":
		return "ECDSA"
	case "ed25519.PrivateKey":
		return "Ed25519"
	}
	return fmt.Sprintf("%T", k)
}

// apiv3Key takes the key from WXTILL_APIV3_KEY when set, else from the file.
func (v *validator) apiv3Key(file string) (keyValue, source string) {
	key := keyName("merchant", "apiv3_key_file")
	if env := os.Getenv(APIv3KeyEnv); env != "" {
		if file != "" {
			v.warnings = append(v.warnings, fmt.Sprintf("%s 已设置，忽略 %s / %s is set, so %s is ignored", APIv3KeyEnv, file, APIv3KeyEnv, file))
		}
		return v.checkAPIv3Key(APIv3KeyEnv, strings.TrimSpace(env)), APIv3KeyEnv
	}
	if file == "" {
		v.problem(key, "缺少，且未设置 "+APIv3KeyEnv+" / missing, and "+APIv3KeyEnv+" is not set", fixFor(key))
		return "", ""
	}
	data, ok := v.readKeyFile(key, file, true)
	if !ok {
		return "", ""
	}
	return v.checkAPIv3Key(key, strings.TrimSpace(string(data))), file
}

// checkAPIv3Key checks the key's length and alphabet without ever showing it.
func (v *validator) checkAPIv3Key(key, k string) string {
	if len(k) != 32 {
		v.problem(key, fmt.Sprintf("APIv3 密钥有 %d 字节，应为 32 / APIv3 key has %d bytes, needs exactly 32", len(k), len(k)),
			fixFor(keyName("merchant", "apiv3_key_file")))
		return ""
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' {
			v.problem(key, "APIv3 密钥含有非字母数字字符 / APIv3 key holds characters other than letters and digits",
				fixFor(keyName("merchant", "apiv3_key_file")))
			return ""
		}
	}
	return k
}

func (v *validator) publicKey(key, path string) *rsa.PublicKey {
	data, ok := v.readKeyFile(key, path, false)
	if !ok {
		return nil
	}
	block, _ := pem.Decode(data)
	if block == nil {
		v.problem(key, "不是 PEM 文件（缺少 -----BEGIN PUBLIC KEY-----）/ not a PEM file (no -----BEGIN PUBLIC KEY-----): "+path, fixFor(key))
		return nil
	}
	if block.Type != "PUBLIC KEY" {
		v.problem(key, fmt.Sprintf("内容是 %s，不是公钥 / holds a %s, not a PUBLIC KEY: %s", block.Type, block.Type, path),
			"公钥模式用 pub_key.pem；用平台证书请删去 public_key_id 与 public_key_file / public-key mode needs pub_key.pem; for platform certificates remove public_key_id and public_key_file")
		return nil
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		v.problem(key, "公钥无法解析（文件损坏？）/ public key does not parse (damaged file?): "+path, fixFor(key))
		return nil
	}
	rsaKey, isRSA := parsed.(*rsa.PublicKey)
	if !isRSA || rsaKey.N.BitLen() < minRSABits {
		v.problem(key, "不是 2048 位以上的 RSA 公钥 / not an RSA public key of 2048 bits or more: "+path, fixFor(key))
		return nil
	}
	return rsaKey
}
