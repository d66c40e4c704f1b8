package pos

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		ceiling Money
		want    Money
		err     error
	}{
		{"12", 0, 1200, nil},
		{"12.5", 0, 1250, nil},
		{"12.50", 0, 1250, nil},
		{"¥12.50", 0, 1250, nil},
		{"￥12.50", 0, 1250, nil},
		{" ¥ 12.50 ", 0, 1250, nil},
		{"１２．５０", 0, 1250, nil},
		{"0.01", 0, 1, nil},
		{".5", 0, 50, nil},
		{"+3", 0, 300, nil},
		{"007.10", 0, 710, nil},
		{"100000", 0, DefaultCeiling, nil},
		{"12.345", 0, 0, ErrAmountPrecision},
		{"-1", 0, 0, ErrAmountNegative},
		{"－1", 0, 0, ErrAmountNegative},
		{"abc", 0, 0, ErrAmountSyntax},
		{"12.", 0, 0, ErrAmountSyntax},
		{"1,000", 0, 0, ErrAmountSyntax},
		{"1e3", 0, 0, ErrAmountSyntax},
		{"1.2.3", 0, 0, ErrAmountSyntax},
		{".", 0, 0, ErrAmountSyntax},
		{"", 0, 0, ErrAmountEmpty},
		{"  ", 0, 0, ErrAmountEmpty},
		{"¥", 0, 0, ErrAmountEmpty},
		{"0", 0, 0, ErrAmountZero},
		{"0.00", 0, 0, ErrAmountZero},
		{"100000.01", 0, 0, ErrAmountTooLarge},
		{"50.01", 5000, 0, ErrAmountTooLarge},
		{"50", 5000, 5000, nil},
		{"5", Money(1 << 62), 500, nil}, // a silly ceiling must not overflow
		{"99999999999999999999999999", 0, 0, ErrAmountTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.ceiling)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseAmount(%q, %d) = %d, %v; want %d, %v", tt.in, tt.ceiling, got, err, tt.want, tt.err)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		m          Money
		str, plain string
	}{
		{0, "¥0.00", "0.00"}, {1, "¥0.01", "0.01"}, {1250, "¥12.50", "12.50"}, {100, "¥1.00", "1.00"},
		{-5, "-¥0.05", "-0.05"}, {-123456, "-¥1234.56", "-1234.56"},
		{Money(-1 << 63), "-¥92233720368547758.08", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.str {
			t.Errorf("%d.String() = %q, want %q", int64(tt.m), got, tt.str)
		}
		if got := tt.m.Yuan(); got != tt.plain {
			t.Errorf("%d.Yuan() = %q, want %q", int64(tt.m), got, tt.plain)
		}
	}
}

// FuzzParseAmount: whatever is typed, ParseAmount does not panic, accepts only amounts
// within (0, ceiling], and what it accepts survives a round trip through Yuan.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12", "12.5", "¥12.50", "１２．５", "-1", "1e3", "", ".", "0.001", "99999999999999999999"} {
		f.Add(s, int64(0))
	}
	f.Add("5", int64(300))
	f.Fuzz(func(t *testing.T, s string, ceiling int64) {
		m, err := ParseAmount(s, Money(ceiling))
		limit := Money(ceiling)
		if limit <= 0 {
			limit = DefaultCeiling
		}
		if err != nil {
			if m != 0 {
				t.Fatalf("error %v with amount %d", err, m)
			}
			return
		}
		if m <= 0 || m > limit {
			t.Fatalf("ParseAmount(%q, %d) = %d, outside (0, %d]", s, ceiling, m, limit)
		}
		back, err := ParseAmount(m.Yuan(), Money(ceiling))
		if err != nil || back != m {
			t.Fatalf("round trip of %q: %s → %d, %v", s, m.Yuan(), back, err)
		}
		if strings.Contains(m.String(), "-") {
			t.Fatalf("accepted a negative: %q", s)
		}
	})
}
