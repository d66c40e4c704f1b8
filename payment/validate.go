package payment

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Shapes WeChat gives these values; a value of another shape is a copy-paste slip.
var (
	mchidShape       = regexp.MustCompile(`^[1-9][0-9]{7,11}$`)
	appidShape       = regexp.MustCompile(`^wx[0-9a-zA-Z]{16}$`)
	serialShape      = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)
	publicKeyIDShape = regexp.MustCompile(`^PUB_KEY_ID_[0-9A-Za-z_]{1,53}$`)
	tillIDShape      = regexp.MustCompile(`^[0-9A-Za-z_-]{1,16}$`)
)

// Ranges of the durations. A code_url lasts 2 hours, so an order may not outlive it.
const (
	minOrderExpiry = time.Minute
	maxOrderExpiry = 2 * time.Hour
	minTimeout     = time.Second
	maxTimeout     = 60 * time.Second
)

// validator collects problems and warnings while it fills a Config.
type validator struct {
	dir      string // the config file's folder: relative paths start here
	problems []Problem
	warnings []string
}

func (v *validator) problem(key, what, fix string) {
	v.problems = append(v.problems, Problem{Key: key, What: what, Fix: fix})
}

// fill reads every known key into c, checking each.
func (v *validator) fill(c *Config, raw map[string]any) {
	m, w, s := table(raw, "merchant"), table(raw, "wechatpay"), table(raw, "store")

	c.Merchant.MchID = v.matching(m, "merchant", "mchid", mchidShape, true,
		"应为 8-12 位数字 / must be 8-12 digits", "从商户平台「账户中心」复制商户号 / copy it from the merchant platform (账户中心)")
	c.Merchant.AppID = v.matching(m, "merchant", "appid", appidShape, true,
		"应为 wx 加 16 位字母数字 / must be wx followed by 16 letters or digits", "复制与商户号绑定的 AppID / copy the AppID bound to the merchant")
	c.Merchant.CertSerial = strings.ToUpper(v.matching(m, "merchant", "cert_serial", serialShape, true,
		"应为 40 位十六进制 / must be 40 hex digits",
		"从商户平台「API安全」复制商户API证书序列号 / copy the merchant API certificate's serial from the merchant platform (API安全)"))
	c.Merchant.PrivateKeyFile = v.path(m, "merchant", "private_key_file", true)
	c.Merchant.APIv3KeyFile = v.path(m, "merchant", "apiv3_key_file", false)

	c.WeChatPay.APIBaseURL = v.baseURL(w)
	c.base, _ = url.Parse(c.WeChatPay.APIBaseURL)
	c.WeChatPay.PublicKeyID = v.matching(w, "wechatpay", "public_key_id", publicKeyIDShape, false,
		"应形如 PUB_KEY_ID_0119… / must look like PUB_KEY_ID_0119…", "从商户平台「API安全」复制微信支付公钥ID / copy the WeChat Pay public key ID from the merchant platform")
	c.WeChatPay.PublicKeyFile = v.path(w, "wechatpay", "public_key_file", false)
	v.checkPublicKeyPair(c)
	c.WeChatPay.NotifyURL = v.notifyURL(w)
	c.WeChatPay.Timeout = v.duration(w, "wechatpay", "timeout", DefaultTimeout, minTimeout, maxTimeout)

	c.Store.Name = v.text(s, "store", "name")
	if c.Store.Name == "" {
		c.Store.Name = DefaultStoreName
	}
	c.Store.TillID = v.matching(s, "store", "till_id", tillIDShape, false,
		"应为 1-16 位字母、数字、_ 或 - / must be 1-16 letters, digits, _ or -", `例如 / for example till_id = "01"`)
	if c.Store.TillID == "" {
		c.Store.TillID = DefaultTillID
	}
	c.Store.OrderExpiry = v.duration(s, "store", "order_expiry", DefaultOrderExpiry, minOrderExpiry, maxOrderExpiry)
}

func table(raw map[string]any, name string) map[string]any {
	t, _ := raw[name].(map[string]any)
	return t
}

func keyName(table, key string) string { return "[" + table + "] " + key }

// text returns a string value, or "" when absent; a value of another type is a problem.
func (v *validator) text(t map[string]any, tableName, key string) string {
	val, ok := t[key]
	if !ok {
		return ""
	}
	s, ok := val.(string)
	if !ok {
		v.problem(keyName(tableName, key), "应为带引号的文本 / must be text in quotes",
			fmt.Sprintf(`写成 / write it as %s = "…"`, key))
		return ""
	}
	return strings.TrimSpace(s)
}

func (v *validator) matching(t map[string]any, tableName, key string, shape *regexp.Regexp, required bool, what, fix string) string {
	s := v.text(t, tableName, key)
	switch {
	case s == "" && required:
		if _, present := t[key]; !present {
			v.problem(keyName(tableName, key), "缺少 / missing", fix)
		} else if _, isText := t[key].(string); isText {
			v.problem(keyName(tableName, key), "为空 / empty", fix)
		}
	case s != "" && !shape.MatchString(s):
		v.problem(keyName(tableName, key), what, fix)
		return ""
	}
	return s
}

// path resolves a file path against the config's folder (existence is checked with the keys).
func (v *validator) path(t map[string]any, tableName, key string, required bool) string {
	s := v.text(t, tableName, key)
	if s == "" {
		if required {
			v.problem(keyName(tableName, key), "缺少 / missing",
				`写上商户私钥文件，例如 / name the merchant private key file, e.g. private_key_file = "apiclient_key.pem"`)
		}
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(v.dir, s)
	}
	return filepath.Clean(s)
}

func (v *validator) checkPublicKeyPair(c *Config) {
	id, file := c.WeChatPay.PublicKeyID, c.WeChatPay.PublicKeyFile
	if id != "" && file == "" {
		v.problem(keyName("wechatpay", "public_key_file"), "有 public_key_id 却缺少公钥文件 / public_key_id is set but public_key_file is missing",
			`写上从商户平台下载的 pub_key.pem / name the pub_key.pem downloaded from the merchant platform`)
	}
	if id == "" && file != "" {
		v.problem(keyName("wechatpay", "public_key_id"), "有 public_key_file 却缺少公钥ID / public_key_file is set but public_key_id is missing",
			"填上公钥ID；若使用平台证书模式，删去 public_key_file / add the key ID, or remove public_key_file to use platform certificates")
	}
}

func (v *validator) baseURL(t map[string]any) string {
	s := v.text(t, "wechatpay", "api_base_url")
	if s == "" {
		return DefaultAPIBaseURL
	}
	s = strings.TrimRight(s, "/")
	if why := checkServerURL(s, false); why != "" {
		v.problem(keyName("wechatpay", "api_base_url"), why,
			"正式环境用 / for real payments use "+DefaultAPIBaseURL+"; 模拟器用 / the sandbox uses http://127.0.0.1:PORT")
		return ""
	}
	return s
}

func (v *validator) notifyURL(t map[string]any) string {
	s := v.text(t, "wechatpay", "notify_url")
	if s == "" {
		return ""
	}
	if why := checkServerURL(s, true); why != "" {
		v.problem(keyName("wechatpay", "notify_url"), why,
			"填写外网可访问的 https 地址，或删去此键 / give a public https URL, or remove the key")
		return ""
	}
	return s
}

// checkServerURL says what is wrong with a URL the till sends secrets or money to: it
// must be https, except plain http on this machine (the sandbox). "" means fine.
func checkServerURL(s string, pathAllowed bool) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "不是有效的网址 / not a valid URL (https://host[:port])"
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "必须用 https（只有本机 127.0.0.1 可用 http）/ must be https (plain http only on loopback)"
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "不能带用户名、查询参数或片段 / may not carry a user, a query or a fragment"
	}
	if !pathAllowed && u.Path != "" {
		return "只写协议、主机和端口，不带路径 / scheme, host and port only, no path"
	}
	return ""
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// duration reads "5m"-style text, or a bare number of seconds, within [lo, hi].
func (v *validator) duration(t map[string]any, tableName, key string, def, lo, hi time.Duration) time.Duration {
	val, ok := t[key]
	if !ok {
		return def
	}
	var d time.Duration
	var err error
	switch x := val.(type) {
	case string:
		d, err = time.ParseDuration(strings.TrimSpace(x))
	case int64:
		if x > int64(hi/time.Second) || x < 0 {
			d = hi + time.Second // out of range, reported below
		} else {
			d = time.Duration(x) * time.Second
		}
	default:
		err = fmt.Errorf("wrong type")
	}
	if err != nil {
		v.problem(keyName(tableName, key), "不是有效的时长 / not a duration",
			fmt.Sprintf(`写成 / write it as %s = "%s"`, key, def))
		return def
	}
	if d < lo || d > hi {
		v.problem(keyName(tableName, key),
			fmt.Sprintf("超出范围 / out of range: %s (允许 / allowed %s..%s)", d, lo, hi),
			fmt.Sprintf(`例如 / for example %s = "%s"`, key, def))
		return def
	}
	return d
}
