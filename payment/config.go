package payment

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Defaults for keys a config may leave out (docs/FAQ.md lists every key).
const (
	DefaultAPIBaseURL  = "https://api.mch.weixin.qq.com"
	DefaultTimeout     = 5 * time.Second
	DefaultOrderExpiry = 5 * time.Minute
	DefaultTillID      = "01"
	DefaultStoreName   = "扫码收银台"
	// placeholderNotifyURL is sent when the shop has no notify endpoint: WeChat requires
	// the field, and the till learns every result by querying anyway.
	placeholderNotifyURL = "https://wxtill.invalid/wxpay/notify"
)

// APIv3KeyEnv names the environment variable that may hold the APIv3 key instead of a file.
const APIv3KeyEnv = "WXTILL_APIV3_KEY"

// Config is a merchant config file, validated, with its key material loaded.
// Secrets live behind an unexported pointer so printing a Config never shows them.
type Config struct {
	Path      string // the file it was read from, absolute
	Merchant  MerchantConfig
	WeChatPay WeChatPayConfig
	Store     StoreConfig

	base     *url.URL // APIBaseURL, parsed
	secrets  *secrets
	warnings []string
}

// MerchantConfig is the [merchant] table. File paths are absolute after loading.
type MerchantConfig struct {
	MchID          string
	AppID          string
	CertSerial     string
	PrivateKeyFile string
	APIv3KeyFile   string // "" when the key comes only from WXTILL_APIV3_KEY
}

// WeChatPayConfig is the [wechatpay] table.
type WeChatPayConfig struct {
	APIBaseURL    string
	PublicKeyID   string // set: WeChat Pay public-key mode; empty: platform certificates
	PublicKeyFile string
	NotifyURL     string        // "" when the shop has none
	Timeout       time.Duration // per request; `timeout = "5s"` (or a number of seconds)
}

// StoreConfig is the [store] table.
type StoreConfig struct {
	Name        string
	TillID      string
	OrderExpiry time.Duration // how long a Native QR stays payable; 1m..2h
}

// secrets is the loaded key material. Never logged, printed or returned in errors.
type secrets struct {
	privateKey  *rsa.PrivateKey
	apiv3Key    string
	apiv3Source string // the file path or the env var name, for messages
	publicKey   *rsa.PublicKey
}

// Format prints a Config with its secrets left out, whatever the verb: fmt would
// otherwise walk into the unexported key material.
func (c Config) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "payment.Config{Path:%q Merchant:%+v WeChatPay:%+v Store:%+v secrets:[redacted]}",
		c.Path, c.Merchant, c.WeChatPay, c.Store)
}

// PublicKeyMode reports whether responses are verified with the WeChat Pay public key
// (public_key_id set) rather than downloaded platform certificates.
func (c *Config) PublicKeyMode() bool { return c.WeChatPay.PublicKeyID != "" }

// Warnings lists what is allowed but unwise, such as key files others can read.
func (c *Config) Warnings() []string { return append([]string(nil), c.warnings...) }

// Problem is one thing wrong with a config: where, what, and what to do.
type Problem struct {
	Key  string // "[merchant] mchid", or the file name for file problems
	What string
	Fix  string
}

func (p Problem) String() string {
	s := p.What
	if p.Key != "" {
		s = p.Key + ": " + s
	}
	if p.Fix != "" {
		s += "\n    → " + p.Fix
	}
	return s
}

// ConfigError lists every problem found, so the owner can fix them all in one go.
type ConfigError struct {
	Path     string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "配置有误 / config problem in %s:", e.Path)
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// LoadConfig reads, validates and loads the key material of the config at path.
// Its errors are a *ConfigError naming each bad key or file and what to do.
func LoadConfig(path string) (*Config, error) {
	c, err := parseConfig(path)
	if err != nil {
		return nil, err
	}
	if err := c.loadKeys(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseConfig is the first half of LoadConfig: the file and its values, no key files.
func parseConfig(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fail := func(p Problem) error { return &ConfigError{Path: abs, Problems: []Problem{p}} }
	data, err := os.ReadFile(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail(Problem{What: "配置文件不存在 / config file not found",
			Fix: "用 --config 指定文件，或运行 wxtill sandbox --write-config FILE 生成演示配置 / " +
				"give the file with --config, or write a demo one with: wxtill sandbox --write-config FILE"})
	case err != nil:
		return nil, fail(Problem{What: "无法读取配置文件 / cannot read config file: " + plainIOError(err),
			Fix: "检查文件权限 / check the file's permissions"})
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fail(Problem{What: "不是有效的 TOML / not valid TOML: " + err.Error(),
			Fix: "按 docs/FAQ.md 的示例修正该行 / fix that line as in the example in docs/FAQ.md"})
	}
	c := &Config{Path: abs}
	v := &validator{dir: filepath.Dir(abs)}
	v.checkUnknown(raw)
	v.fill(c, raw)
	if len(v.problems) > 0 {
		return nil, &ConfigError{Path: abs, Problems: v.problems}
	}
	c.warnings = v.warnings
	return c, nil
}

// plainIOError drops the path from an I/O error (the message names the file already).
func plainIOError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// schema lists every key a config may hold, by table. Anything else is a typo.
var schema = map[string][]string{
	"merchant":  {"mchid", "appid", "cert_serial", "private_key_file", "apiv3_key_file"},
	"wechatpay": {"api_base_url", "public_key_id", "public_key_file", "notify_url", "timeout"},
	"store":     {"name", "till_id", "order_expiry"},
}

func (v *validator) checkUnknown(raw map[string]any) {
	tables := make([]string, 0, len(raw))
	for t := range raw {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		known, ok := schema[t]
		if !ok {
			v.problem("["+t+"]", "未知的表 / unknown table",
				"可用的表 / known tables: [merchant] [wechatpay] [store]")
			continue
		}
		keys, isTable := raw[t].(map[string]any)
		if !isTable {
			v.problem(t, "应为表 / must be a table", "写成 / write it as ["+t+"]")
			continue
		}
		v.checkKeys(t, keys, known)
	}
}

func (v *validator) checkKeys(table string, keys map[string]any, known []string) {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !contains(known, k) {
			v.problem("["+table+"] "+k, "未知的键（拼写错误？）/ unknown key (a typo?)",
				"["+table+"] 可用的键 / known keys: "+strings.Join(known, ", "))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
