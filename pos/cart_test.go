package pos

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var testCatalog = Products{
	{SKU: "A", Name: "可乐", Price: 350, Barcode: "6954767423578", QuickKey: "1"},
	{SKU: "B", Name: "薯片", Price: 750, Barcode: "6924743915848", QuickKey: "2"},
}

func TestCartByBarcodeAndQuickKey(t *testing.T) {
	var c Cart
	if _, err := c.AddBarcode(testCatalog, " 6954767423578 "); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddBarcode(testCatalog, "6954767423578"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddQuickKey(testCatalog, "2"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddBarcode(testCatalog, "000"); !errors.Is(err, ErrUnknownBarcode) {
		t.Errorf("unknown barcode: %v", err)
	}
	if _, err := c.AddQuickKey(testCatalog, "9"); !errors.Is(err, ErrUnknownQuickKey) {
		t.Errorf("unknown quick key: %v", err)
	}
	if len(c.Lines) != 2 || c.Lines[0].Qty != 2 || c.Total() != 1450 || c.Count() != 3 {
		t.Errorf("cart %+v total %s", c.Lines, c.Total())
	}
	if _, ok := testCatalog.BySKU("B"); !ok {
		t.Error("BySKU")
	}
	if _, ok := testCatalog.BySKU(""); ok {
		t.Error("BySKU of empty")
	}
	if _, ok := testCatalog.ByBarcode(""); ok {
		t.Error("empty barcode found a product")
	}
}

func TestCartEditing(t *testing.T) {
	var c Cart
	c.AddProduct(testCatalog[0])
	if err := c.AddAmount("杂项", 1000); err != nil {
		t.Fatal(err)
	}
	if err := c.AddAmount("x", 0); !errors.Is(err, ErrAmountZero) {
		t.Errorf("zero amount line: %v", err)
	}
	tests := []struct {
		name string
		do   func() error
		err  error
	}{
		{"qty 3", func() error { return c.SetQty(0, 3) }, nil},
		{"qty 0", func() error { return c.SetQty(0, 0) }, ErrQty},
		{"qty too big", func() error { return c.SetQty(0, MaxQty+1) }, ErrQty},
		{"qty no line", func() error { return c.SetQty(5, 1) }, ErrNoLine},
		{"discount", func() error { return c.SetDiscount(50) }, nil},
		{"discount all", func() error { return c.SetDiscount(c.Subtotal()) }, ErrDiscountRange},
		{"discount negative", func() error { return c.SetDiscount(-1) }, ErrDiscountRange},
		{"void no line", func() error { return c.Void(-1) }, ErrNoLine},
	}
	for _, tt := range tests {
		if err := tt.do(); !errors.Is(err, tt.err) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
		}
	}
	if c.Subtotal() != 3*350+1000 || c.Total() != 3*350+1000-50 {
		t.Errorf("subtotal %s total %s", c.Subtotal(), c.Total())
	}
	if err := c.SetDiscount(1000); err != nil {
		t.Fatal(err)
	}
	if err := c.Void(0); err != nil { // leaves 1000: the 1000 discount no longer fits
		t.Fatal(err)
	}
	if c.Discount != 0 || c.Total() != 1000 {
		t.Errorf("after void: discount %s total %s", c.Discount, c.Total())
	}
	c.Clear()
	if len(c.Lines) != 0 || c.Total() != 0 {
		t.Error("clear")
	}
}

func TestNewSaleFromCart(t *testing.T) {
	var c Cart
	c.AddProduct(testCatalog[0])
	c.AddProduct(testCatalog[0])
	c.AddProduct(testCatalog[1])
	_ = c.SetDiscount(100)
	s, err := NewSale(c, MethodNative, "T01-1", "小店", 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 1350 || s.Discount != 100 || s.State != StatePending || len(s.Lines) != 2 {
		t.Errorf("sale %+v", s)
	}
	if s.Description != "小店-可乐 等3件" {
		t.Errorf("description %q", s.Description)
	}
	c.Lines[0].Name = "changed" // the sale has its own copy
	if s.Lines[0].Name != "可乐" {
		t.Error("sale shares the cart's lines")
	}
	if _, err := NewSale(Cart{}, MethodCash, "x", "", 0); !errors.Is(err, ErrCartEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := NewSale(cartOf(600), MethodCash, "x", "", 500); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("above ceiling: %v", err)
	}
	bad := Cart{Lines: []Line{{Name: "x", UnitPrice: -5, Qty: 1}}}
	if _, err := NewSale(bad, MethodCash, "x", "", 0); err == nil {
		t.Error("a negative line was accepted")
	}
	huge := Cart{Lines: []Line{{Name: "x", UnitPrice: DefaultCeiling, Qty: MaxQty}}}
	if _, err := NewSale(huge, MethodCash, "x", "", 0); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("huge: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	long := strings.Repeat("长", 60)
	tests := []struct {
		shop  string
		lines []Line
		want  string
	}{
		{"", []Line{{Name: "可乐", Qty: 1}}, "可乐"},
		{"店", []Line{{Name: "可乐", Qty: 2}}, "店-可乐 等2件"},
		{"", []Line{{Name: " ", Qty: 1}}, "商品"},
		{"", nil, "商品"},
	}
	for _, tt := range tests {
		if got := Describe(tt.shop, tt.lines); got != tt.want {
			t.Errorf("Describe(%q, %v) = %q, want %q", tt.shop, tt.lines, got, tt.want)
		}
	}
	got := Describe("店", []Line{{Name: long, Qty: 1}})
	if len(got) > DescriptionLimit || !utf8.ValidString(got) || !strings.HasPrefix(got, "店-长") {
		t.Errorf("long description %q (%d bytes)", got, len(got))
	}
}

func TestValidateProduct(t *testing.T) {
	good := Product{SKU: "A", Name: "可乐", Price: 350}
	if err := ValidateProduct(good, 0); err != nil {
		t.Error(err)
	}
	for _, p := range []Product{{Name: "x", Price: 1}, {SKU: "A", Price: 1}, {SKU: "A", Name: "x"}, {SKU: "A", Name: "x", Price: DefaultCeiling + 1}} {
		if ValidateProduct(p, 0) == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

func TestOutTradeNo(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 5, 0, time.Local)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		no := NewOutTradeNo(cleanTillID("Till 01 (front)…"), at)
		if !ValidOutTradeNo(no) || len(no) > 32 {
			t.Fatalf("%q is not a valid out_trade_no", no)
		}
		if !strings.HasPrefix(no, "Till01fr-20260302093005-") {
			t.Fatalf("%q", no)
		}
		if seen[no] {
			t.Fatalf("%q made twice", no)
		}
		seen[no] = true
	}
	if r := NewOutRefundNo("T1", at); !ValidOutTradeNo(r) || r[0] != 'R' {
		t.Errorf("refund no %q", r)
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 33), "T01-2026 05", "T01/20260302"} {
		if ValidOutTradeNo(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	if cleanTillID("收银台") != "" {
		t.Error("a till id without letters or digits must come out empty")
	}
	if _, err := NewCheckout(Config{Gateway: newFakeGateway(newFakeClock()), Ledger: newFakeLedger(), TillID: "收银台"}); !errors.Is(err, ErrNoTill) {
		t.Errorf("NewCheckout without a usable till id: %v", err)
	}
}

func TestValidAuthCode(t *testing.T) {
	for code, want := range map[string]bool{
		"134567890123456789": true, "104567890123456789": true, "154567890123456789": true,
		"164567890123456789": false, "234567890123456789": false, "13456789012345678": false, "13456789012345678x": false,
	} {
		if got := ValidAuthCode(code); got != want {
			t.Errorf("ValidAuthCode(%q) = %v", code, got)
		}
	}
}

func TestPhaseFinal(t *testing.T) {
	final := map[Phase]bool{PhasePaid: true, PhaseClosed: true, PhaseExpired: true, PhaseFailed: true, PhaseError: true, PhaseStopped: true}
	for _, p := range []Phase{PhaseRecording, PhasePreparing, PhaseAwaiting, PhaseUserPay, PhaseRetrying, PhaseStalled, PhaseClosing, PhasePaid, PhaseClosed, PhaseExpired, PhaseFailed, PhaseError, PhaseStopped} {
		if p.Final() != final[p] {
			t.Errorf("%s.Final() = %v", p, p.Final())
		}
	}
}
