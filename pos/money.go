package pos

import (
	"errors"
	"strconv"
	"strings"
)

// Money is an amount in fen (分, 1/100 yuan). Every amount in wxtill is Money; no float
// ever holds one. Parse what people type with ParseAmount; show it with String.
type Money int64

// DefaultCeiling is the largest amount ParseAmount accepts when the till sets no other:
// ¥100,000.00, far above a corner shop's sale yet far below int64 overflow.
const DefaultCeiling Money = 100_000_00

// Errors of ParseAmount. Each says what is wrong; the UI maps them to its own words.
var (
	ErrAmountEmpty     = errors.New("金额为空 / amount is empty: type an amount such as 12.50")
	ErrAmountSyntax    = errors.New("金额格式不对 / amount is not a number: use digits and at most one decimal point, such as 12.50")
	ErrAmountPrecision = errors.New("金额最多两位小数 / amount has more than two decimal places: the smallest unit is 0.01 (one fen)")
	ErrAmountNegative  = errors.New("金额不能为负 / amount is negative: type a positive amount")
	ErrAmountZero      = errors.New("金额必须大于 0 / amount is zero: type an amount above 0.00")
	ErrAmountTooLarge  = errors.New("金额超过上限 / amount is above this till's ceiling")
)

// ParseAmount reads an amount as a cashier types it: "12", "12.5", "12.50", "¥12.50",
// "￥12.50", with full-width digits and point accepted. It rejects empty text, anything
// that is not a plain decimal, more than two decimals, negatives, zero and amounts above
// ceiling (DefaultCeiling when ceiling <= 0).
func ParseAmount(text string, ceiling Money) (Money, error) {
	if ceiling <= 0 {
		ceiling = DefaultCeiling
	}
	ceiling = min(ceiling, maxCeiling)
	whole, frac, err := splitAmount(text)
	if err != nil {
		return 0, err
	}
	var fen Money
	for _, c := range whole + (frac + "00")[:2] {
		fen = fen*10 + Money(c-'0')
		if fen > ceiling*100 { // stop long before int64 could overflow
			return 0, tooLarge(ceiling)
		}
	}
	if fen == 0 {
		return 0, ErrAmountZero
	}
	if fen > ceiling {
		return 0, tooLarge(ceiling)
	}
	return fen, nil
}

// splitAmount checks the typed text's shape and returns its digits before and after
// the point (at most two after).
func splitAmount(text string) (whole, frac string, err error) {
	s := strings.TrimSpace(toHalfWidth(text))
	s = strings.TrimSpace(strings.TrimPrefix(s, "¥"))
	if s == "" {
		return "", "", ErrAmountEmpty
	}
	if s[0] == '-' {
		return "", "", ErrAmountNegative
	}
	whole, frac, hasPoint := strings.Cut(strings.TrimPrefix(s, "+"), ".")
	switch {
	case hasPoint && frac == "": // "12." is most likely a slip of the finger; "." is nothing
		return "", "", ErrAmountSyntax
	case whole == "" && !hasPoint, !allDigits(whole) || !allDigits(frac):
		return "", "", ErrAmountSyntax
	case len(frac) > 2:
		return "", "", ErrAmountPrecision
	}
	return whole, frac, nil
}

func tooLarge(ceiling Money) error {
	return &ceilingError{ceiling}
}

// ceilingError says which ceiling was passed and still matches ErrAmountTooLarge.
type ceilingError struct{ ceiling Money }

func (e *ceilingError) Error() string {
	return ErrAmountTooLarge.Error() + " (" + e.ceiling.String() + ")"
}
func (e *ceilingError) Unwrap() error { return ErrAmountTooLarge }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// toHalfWidth turns full-width digits, point, plus, minus and yen sign (common with
// Chinese input methods) into their ASCII forms.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '＋':
			return '+'
		case r == '－' || r == '−':
			return '-'
		case r == '￥':
			return '¥'
		}
		return r
	}, s)
}

// String formats m for people: "¥12.50", "-¥0.05".
func (m Money) String() string {
	y := m.Yuan()
	if m < 0 {
		return "-¥" + y[1:] // Yuan has the sign; -m would overflow for the smallest int64
	}
	return "¥" + y
}

// Yuan formats m as a plain decimal with two places, "12.50", for files and JSON.
func (m Money) Yuan() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign, u = "-", uint64(-m)
	}
	cents := strconv.FormatUint(u%100, 10)
	if len(cents) == 1 {
		cents = "0" + cents
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + cents
}
