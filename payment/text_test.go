package payment

import (
	"strings"
	"testing"
	"unicode/utf8"

	"wxtill/pos"
)

func TestFieldTextCutsOnCharacterBoundary(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short stays", "可乐", 127, "可乐"},
		{"42 Chinese characters fit 126 bytes", strings.Repeat("饮", 42), 127, strings.Repeat("饮", 42)},
		{"43rd character would split", strings.Repeat("饮", 43), 127, strings.Repeat("饮", 42)},
		{"ASCII cut exactly", strings.Repeat("a", 130), 127, strings.Repeat("a", 127)},
		{"mixed: cut before a 3-byte rune", strings.Repeat("a", 125) + "茶", 127, strings.Repeat("a", 125)},
		{"4-byte emoji dropped (APIv3 takes 1-3 byte UTF-8 only)", "可乐🥤 薯片😀", 127, "可乐 薯片"},
		{"only emoji: empty", "🥤🥤", 127, ""},
		{"4-byte CJK extension B dropped", "𠀀茶", 127, "茶"},
		{"control characters become spaces", "可乐\n薯片\t", 127, "可乐 薯片"},
		{"invalid UTF-8 dropped", "ab\xffcd", 127, "abcd"},
		{"spaces trimmed", "  茶  ", 127, "茶"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fieldText(tc.in, tc.max)
			if got != tc.want {
				t.Fatalf("got %q (%d bytes), want %q", got, len(got), tc.want)
			}
			if len(got) > tc.max || !utf8.ValidString(got) {
				t.Fatalf("%q: %d bytes or invalid UTF-8", got, len(got))
			}
		})
	}
}

func TestDescriptionAndAttachFallBack(t *testing.T) {
	g := &Gateway{cfg: &Config{Store: StoreConfig{Name: "示例便利店", TillID: "07"}}}
	if got := g.description(" \n "); got != "示例便利店" {
		t.Errorf("empty description → %q, want the store name", got)
	}
	if got := g.attach(""); got != "07" {
		t.Errorf("empty attach → %q, want the till id", got)
	}
	long := strings.Repeat("鲜", 50)
	if got := g.attach(long); len(got) > maxAttachBytes || !utf8.ValidString(got) {
		t.Errorf("attach not cut: %d bytes", len(got))
	}
}

func TestLocalChecksRefuseBeforeSending(t *testing.T) {
	cases := []struct {
		name string
		err  error
	}{
		{"trade no too short", checkTradeNo("12345")},
		{"trade no with slash", checkTradeNo("abc/../def")},
		{"trade no too long", checkTradeNo(strings.Repeat("1", 33))},
		{"zero total", checkTotal(0)},
		{"negative total", checkTotal(-1)},
		{"total beyond WeChat's int", checkTotal(pos.Money(1) << 40)},
		{"refund no with space", checkRefundNo("R 1")},
	}
	for _, tc := range cases {
		if pos.ClassOf(tc.err) != pos.ClassRejected || pos.CodeOf(tc.err) != "INVALID_REQUEST" {
			t.Errorf("%s: got %v, want a rejected INVALID_REQUEST", tc.name, tc.err)
		}
	}
	for _, ok := range []error{checkTradeNo("T01-20250101-000001"), checkTradeNo("T01|a*b_c"), checkTotal(1), checkTotal(maxTotal), checkRefundNo("R1")} {
		if ok != nil {
			t.Errorf("a valid value was refused: %v", ok)
		}
	}
}
