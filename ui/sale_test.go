package ui

import (
	"image"
	"os"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"wxtill/pos"
)

// decodeQR reads the QR code in a picture of the screen, as a phone camera would.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("no QR code could be read from the screen: %v", err)
	}
	return res.GetText()
}

// A whole sale by keyboard: type an amount, Enter charges by WeChat QR, the customer
// display shows a QR that decodes to WeChat's code_url, the customer pays, the cashier
// sees "paid" and the receipt, and Enter starts the next sale.
func TestKeyboardSaleByQR(t *testing.T) {
	r := newRig(t)
	r.typ("12.5")
	r.press(fyne.KeyReturn)
	u := r.phase(pos.PhaseAwaiting)
	if u.Sale.CodeURL == "" || u.Sale.Total != 1250 {
		t.Fatalf("awaiting update without a code_url or with the wrong total: %+v", u.Sale)
	}
	contains(t, "status", r.till.status.headline.Text, "等待顾客扫码")
	contains(t, "customer headline", r.till.customer.headline.Text, "请使用微信扫一扫")
	contains(t, "customer amount", r.till.customer.amount.Text, "¥12.50")
	if !regexp.MustCompile(`(10:00|9:[0-5][0-9]) 后失效`).MatchString(r.till.customer.countdown.Text) {
		t.Errorf("countdown %q, want about 10 minutes left", r.till.customer.countdown.Text)
	}
	if got := decodeQR(t, r.till.w.Canvas().Capture()); got != u.Sale.CodeURL {
		t.Fatalf("the QR on the customer display says %q, WeChat's code_url is %q", got, u.Sale.CodeURL)
	}

	if err := r.sb.Pay(u.Sale.OutTradeNo); err != nil { // the customer scans and pays
		t.Fatal(err)
	}
	r.waitFor("the receipt", func() bool { return r.till.mode == modeReceipt })
	s := r.sale(u.Sale.OutTradeNo)
	if s.State != pos.StatePaid || s.Method != pos.MethodNative || s.TransactionID == "" {
		t.Fatalf("ledger has %s %s %q, want PAID by WeChat QR with a transaction id", s.State, s.Method, s.TransactionID)
	}
	contains(t, "receipt headline", r.till.receipt.headline.Text, "收款成功 ¥12.50")
	for _, want := range []string{"测试小店", s.OutTradeNo, s.TransactionID, "¥12.50", "微信扫码", "自定义金额"} {
		contains(t, "receipt", r.till.receipt.text, want)
	}
	contains(t, "customer display", r.till.customer.headline.Text, "支付成功")
	if len(r.till.cashier.cart.Lines) != 0 {
		t.Errorf("the cart should be empty after a paid sale: %+v", r.till.cashier.cart.Lines)
	}

	r.press(fyne.KeyReturn) // next sale
	if r.till.mode != modeCart || r.till.w.Canvas().Focused() != r.till.cashier.entry {
		t.Fatalf("Enter on the receipt should start the next sale with the entry focused; mode %d", r.till.mode)
	}
	r.typ("3")
	r.press(fyne.KeyF3) // cash for the next one, to show the till goes on
	if r.till.mode != modeCash {
		t.Fatalf("F3 should open the cash panel, mode %d", r.till.mode)
	}
}

// Ctrl+S on the receipt saves it as text and PNG, named by the order number.
func TestReceiptSavedAsTextAndPNG(t *testing.T) {
	r := newRig(t)
	r.typ("2")
	r.press(fyne.KeyF3)
	r.typ("5")
	r.press(fyne.KeyReturn)
	if r.till.mode != modeReceipt {
		t.Fatalf("a cash sale should end on the receipt, mode %d, message %q", r.till.mode, r.till.cash.message.Text)
	}
	r.till.saveReceipt()
	no := r.till.receipt.sale.OutTradeNo
	txt, err := os.ReadFile(r.dir + "/receipts/" + no + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{no, "¥2.00", "¥5.00", "¥3.00", "现金"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("receipt text lacks %q:\n%s", want, txt)
		}
	}
	f, err := os.Open(r.dir + "/receipts/" + no + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("receipt PNG does not decode: %v", err)
	}
	if img.Bounds().Dx() < 300 || img.Bounds().Dy() < 300 {
		t.Errorf("receipt PNG is %v, too small to print", img.Bounds())
	}
	contains(t, "saved note", r.till.receipt.message.Text, no+".png")
}
