package payment

import (
	"math"
	"regexp"
	"strings"
	"unicode"

	"wxtill/pos"
)

// WeChat's limits, in UTF-8 bytes (not characters: 42 Chinese characters fill 127 bytes).
const (
	maxDescriptionBytes = 127
	maxAttachBytes      = 128
	maxReasonBytes      = 80
	maxTotal            = pos.Money(math.MaxInt32) // amount.total is a 32-bit int at WeChat
)

// Shapes WeChat accepts; checking them here turns a slip into a clear refusal before any
// network call (and keeps odd characters out of request paths).
var (
	outRefundNoShape = regexp.MustCompile(`^[0-9A-Za-z_*|@-]{1,64}$`)
)

// fieldText makes s fit a WeChat text field of max bytes: valid UTF-8, control
// characters as spaces, no characters beyond the Basic Multilingual Plane (APIv3 takes
// only 1-3 byte UTF-8: an emoji in a product name would get the order refused), trimmed,
// and cut on a character boundary.
func fieldText(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r > 0xFFFF:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(pos.CutUTF8(strings.TrimSpace(s), max))
}

// description is the order description WeChat shows the customer; never empty.
func (g *Gateway) description(s string) string {
	if d := fieldText(s, maxDescriptionBytes); d != "" {
		return d
	}
	return fieldText(g.cfg.Store.Name, maxDescriptionBytes)
}

// attach carries the till id when the caller gives nothing else.
func (g *Gateway) attach(s string) string {
	if a := fieldText(s, maxAttachBytes); a != "" {
		return a
	}
	return g.cfg.Store.TillID
}

// invalid is a request the gateway refuses before sending: fix it, don't retry.
func invalid(what string) *pos.GatewayError {
	return &pos.GatewayError{Class: pos.ClassRejected, Code: "INVALID_REQUEST", Message: what}
}

func checkTradeNo(no string) error {
	if !pos.ValidOutTradeNo(no) {
		return invalid("商户订单号应为 6-32 位字母、数字、_-|* / out_trade_no must be 6-32 letters, digits or _-|*")
	}
	return nil
}

func checkTotal(total pos.Money) error {
	if total <= 0 || total > maxTotal {
		return invalid("金额超出范围 / amount out of range: " + total.String())
	}
	return nil
}
