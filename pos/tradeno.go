package pos

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"
)

// Order numbers. WeChat allows 6–32 characters of [0-9A-Za-z_-|*] and wants them unique
// per merchant. Several tills share a merchant id and a till restarts, so a number is
// TILL-YYYYMMDDhhmmss-RRRRRRR: the till id (at most 8 letters/digits), local time to the
// second, and 7 random base-32 characters (2^35 per second and till). A collision would
// still be caught by the ledger (ErrDuplicate) before any network call: a cash sale takes
// a new number, a charge ends with PhaseError.

const (
	maxTillIDLen = 8
	suffixLen    = 7
	suffixChars  = "0123456789abcdefghjkmnpqrstvwxyz" // no i, l, o, u: easy to read aloud
)

// cleanTillID keeps the letters and digits of id, at most 8 of them.
func cleanTillID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if b.Len() == maxTillIDLen {
			break
		}
		if r < utf8.RuneSelf && isAlnum(byte(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// NewOutTradeNo makes an order number for till (already clean) at t.
func NewOutTradeNo(till string, t time.Time) string {
	return till + "-" + t.Format("20060102150405") + "-" + randomSuffix(suffixLen)
}

// NewOutRefundNo makes a refund number: "R" and the same shape.
func NewOutRefundNo(till string, t time.Time) string {
	return "R" + NewOutTradeNo(till, t)
}

func randomSuffix(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	for i, b := range buf {
		buf[i] = suffixChars[int(b)%len(suffixChars)]
	}
	return string(buf)
}

// ValidOutTradeNo reports whether s is a number WeChat accepts.
func ValidOutTradeNo(s string) bool {
	if len(s) < 6 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("_-|*", rune(c)) {
			return false
		}
	}
	return true
}

// ValidAuthCode reports whether s looks like a WeChat payment code: 18 digits starting
// with 10 to 15.
func ValidAuthCode(s string) bool {
	if len(s) != 18 || s[0] != '1' || s[1] < '0' || s[1] > '5' {
		return false
	}
	return allDigits(s)
}
