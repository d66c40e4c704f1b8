package sandbox

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	outTradeNoPattern  = regexp.MustCompile(`^[0-9A-Za-z_\-|*]{6,32}$`)
	outRefundNoPattern = regexp.MustCompile(`^[0-9A-Za-z_\-|*@]{1,64}$`)
	authCodePattern    = regexp.MustCompile(`^1[0-5][0-9]{16}$`)
)

// maxTotal bounds amounts (fen) so sums over a day cannot overflow: ¥100,000,000.
const maxTotal = 10_000_000_000

func checkOutTradeNo(v string) *apiError {
	if !outTradeNoPattern.MatchString(v) {
		return paramError("out_trade_no 须为6-32位数字、字母或 _-|* / out_trade_no must be 6-32 of [0-9A-Za-z_-|*]")
	}
	return nil
}

// checkText checks a UTF-8 text field whose limit WeChat counts in bytes.
func checkText(name, v string, required bool, maxBytes int) *apiError {
	switch {
	case required && v == "":
		return paramError("缺少 %s / %s is required", name, name)
	case !utf8.ValidString(v):
		return paramError("%s 不是合法的 UTF-8 / %s is not valid UTF-8", name, name)
	case len(v) > maxBytes:
		return paramError("%s 超过 %d 字节 / %s is over %d bytes (UTF-8)", name, maxBytes, name, maxBytes)
	case hasFourByteRune(v):
		return paramError("%s 含有不支持的字符（如表情符号）/ %s has characters APIv3 does not take (4-byte UTF-8, e.g. emoji)", name, name)
	}
	return nil
}

// hasFourByteRune reports characters outside the Basic Multilingual Plane: APIv3 takes
// only characters of one to three UTF-8 bytes.
func hasFourByteRune(v string) bool {
	for _, r := range v {
		if r > 0xFFFF {
			return true
		}
	}
	return false
}

// checkAmount checks amount.total (fen) and amount.currency.
func checkAmount(total *int64, currency string) *apiError {
	switch {
	case total == nil:
		return paramError("缺少 amount.total / amount.total is required")
	case *total <= 0:
		return paramError("amount.total 须大于0分 / amount.total must be more than 0 fen")
	case *total > maxTotal:
		return paramError("amount.total 超过上限 / amount.total is over %d fen", int64(maxTotal))
	case currency != "" && currency != "CNY":
		return paramError("amount.currency 只支持 CNY / only CNY is supported")
	}
	return nil
}

// checkNotifyURL accepts https URLs, and plain http only for loopback hosts (so tests and
// a till on the same machine can receive notifications). WeChat forbids query strings.
func checkNotifyURL(raw string, required bool) *apiError {
	if raw == "" {
		if required {
			return paramError("缺少 notify_url / notify_url is required")
		}
		return nil
	}
	if len(raw) > 255 {
		return paramError("notify_url 超过255字符 / notify_url is over 255 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return paramError("notify_url 不是合法的 URL / notify_url is not a valid absolute URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return paramError("notify_url 不能携带参数 / notify_url must not carry a query")
	}
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return nil
	}
	return paramError("notify_url 须为 https（回环地址可用 http）/ notify_url must be https (http only for loopback)")
}

// isLoopbackHost is true for localhost and loopback IP literals; no DNS lookups.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseTimeExpire reads an RFC3339 time_expire; "" means the default expiry.
func parseTimeExpire(v string, now time.Time) (time.Time, *apiError) {
	if v == "" {
		return now.Add(defaultExpiry), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, paramError("time_expire 须为 RFC3339 格式，如 2018-06-08T10:34:56+08:00 / time_expire is not RFC3339")
	}
	if !t.After(now) {
		return time.Time{}, invalidRequest("time_expire 早于当前时间 / time_expire is already past")
	}
	return t, nil
}
