package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
)

// sundayTrades fills Sunday 2025-03-09 with a Native sale partly refunded, a payment-code
// sale, and a payment-code sale reversed after payment; then it is Monday 11:00 again.
func sundayTrades(t *testing.T, s *Server, clock *fakeClock, c *core.Client) {
	t.Helper()
	clock.Advance(-21 * time.Hour) // Sunday 14:00
	paidOrder(t, s, c, "T-bill-native", 1250)
	if _, _, err := postCodepay(t, c, codepayBody(s, "C-bill-code", CodePayNow, 500)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := postCodepay(t, c, codepayBody(s, "C-bill-rev", CodePayNow, 300)); err != nil {
		t.Fatal(err)
	}
	if err := reverseOrder(c, s, "C-bill-rev"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := (&refunddomestic.RefundsApiService{Client: c}).Create(context.Background(),
		refundReq("T-bill-native", "R-bill-1", 250, 1250)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(21 * time.Hour)
}

type billAnswer struct {
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	DownloadURL string `json:"download_url"`
}

// fetchBill asks for a bill with the validating client and downloads the file with an
// unvalidating one, checking the SHA1 as a client must: of the bill itself, after gunzip
// for tar_type=GZIP ("原始账单（gzip需要解压缩）的摘要值").
func fetchBill(t *testing.T, s *Server, c *core.Client, query string) []byte {
	t.Helper()
	res, err := c.Get(context.Background(), wechat+"/v3/bill/tradebill?"+query)
	if err != nil {
		t.Fatalf("tradebill %s: %v", query, err)
	}
	var a billAnswer
	decodeResult(t, res, &a)
	if a.HashType != "SHA1" || a.DownloadURL == "" {
		t.Fatalf("tradebill answer %+v", a)
	}
	file, err := unvalidatedClient(t, s).Get(context.Background(), a.DownloadURL)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	if file.Response.Header.Get("Wechatpay-Signature") != "" {
		t.Fatal("the bill file is signed; WeChat's is not")
	}
	data := readAll(t, file.Response.Body)
	plain := data
	if strings.Contains(query, "tar_type=GZIP") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("GZIP bill: %v", err)
		}
		plain = readAll(t, zr)
		if sum := sha1.Sum(data); hex.EncodeToString(sum[:]) == a.HashValue {
			t.Fatal("hash_value is of the gzip bytes; WeChat's is of the bill inside")
		}
	}
	if sum := sha1.Sum(plain); hex.EncodeToString(sum[:]) != a.HashValue {
		t.Fatal("bill does not match hash_value")
	}
	return data
}

func TestTradeBill(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, clock := startServer(t)
			c := mode.client(t, s)
			sundayTrades(t, s, clock, c)
			all := string(fetchBill(t, s, c, "bill_date=2025-03-09&bill_type=ALL"))
			lines := strings.Split(strings.TrimRight(all, "\r\n"), "\r\n")
			if len(lines) != 8 || !strings.HasPrefix(lines[0], "交易时间,公众账号ID,商户号") || !strings.HasPrefix(lines[6], "总交易单数") {
				t.Fatalf("ALL bill:\n%s", all)
			}
			// 3 payments (12.50 + 5.00 + 3.00), a refund of 2.50 and a reversal of 3.00.
			if lines[7] != "`5,`20.50,`5.50,`0.00,`0.09,`20.50,`5.50" {
				t.Fatalf("summary %q", lines[7])
			}
			if !strings.Contains(all, "`T-bill-native,") || !strings.Contains(all, "`R-bill-1,`2.50,") || !strings.Contains(all, "`REVOKED,") {
				t.Fatalf("rows:\n%s", all)
			}
			success := string(fetchBill(t, s, c, "bill_date=2025-03-09&bill_type=SUCCESS"))
			refunds := string(fetchBill(t, s, c, "bill_date=2025-03-09&bill_type=REFUND"))
			if n, m := strings.Count(success, "\r\n"), strings.Count(refunds, "\r\n"); n != 6 || m != 5 {
				t.Fatalf("SUCCESS has %d lines, REFUND %d", n, m)
			}
			zipped := fetchBill(t, s, c, "bill_date=2025-03-09&tar_type=GZIP")
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			if plain := readAll(t, zr); string(plain) != all {
				t.Fatal("GZIP bill differs from the plain one")
			}
		})
	}
}

func TestTradeBillCalendar(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	sundayTrades(t, s, clock, c)
	cases := []struct {
		query, code string
	}{
		{"bill_date=2025-03-10", "PARAM_ERROR"},             // today
		{"bill_date=2025-03-11", "PARAM_ERROR"},             // the future
		{"bill_date=2025-03-08", "NO_STATEMENT_EXIST"},      // no trades on Saturday
		{"bill_date=2024-11-01", "PARAM_ERROR"},             // over three months ago
		{"bill_date=20250309", "PARAM_ERROR"},               // format
		{"bill_date=2025-03-09&bill_type=X", "PARAM_ERROR"}, // type
		{"bill_date=2025-03-09&tar_type=ZIP", "PARAM_ERROR"},
	}
	for _, tc := range cases {
		_, err := c.Get(context.Background(), wechat+"/v3/bill/tradebill?"+tc.query)
		if ae := asAPIError(t, err); ae.StatusCode != 400 || ae.Code != tc.code {
			t.Errorf("%s: got %d %s, want 400 %s", tc.query, ae.StatusCode, ae.Code, tc.code)
		}
	}
	clock.Advance(22 * time.Hour) // Tuesday 09:00: Monday's bill is still being made
	paidOrder(t, s, c, "T-bill-tuesday", 100)
	_, err := c.Get(context.Background(), wechat+"/v3/bill/tradebill?bill_date=2025-03-10")
	wantAPIError(t, err, http.StatusBadRequest, "STATEMENT_CREATING")
}

// TestBillLink: the download_url lasts 5 minutes and, like every API, wants a signature.
func TestBillLink(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	sundayTrades(t, s, clock, c)
	res, err := c.Get(context.Background(), wechat+"/v3/bill/tradebill?bill_date=2025-03-09")
	if err != nil {
		t.Fatal(err)
	}
	var a billAnswer
	decodeResult(t, res, &a)
	get, err := http.NewRequest(http.MethodGet, a.DownloadURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	get.Header.Set("Accept", "application/json")
	unsigned, err := http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, unsigned.Body)
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned download: %d", unsigned.StatusCode)
	}
	clock.Advance(billLinkLifetime - time.Second)
	if _, err := unvalidatedClient(t, s).Get(context.Background(), a.DownloadURL); err != nil {
		t.Fatalf("download within the link's life: %v", err)
	}
	clock.Advance(time.Second)
	_, err = unvalidatedClient(t, s).Get(context.Background(), a.DownloadURL)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}

func TestDownloadURLFollowsTheHost(t *testing.T) {
	s, _ := startServer(t)
	if got := s.downloadURL("api.mch.weixin.qq.com", "tok"); got != "https://api.mch.weixin.qq.com/v3/billdownload/file?token=tok" {
		t.Fatal(got)
	}
	if got := s.downloadURL("127.0.0.1:9", "tok"); got != "http://127.0.0.1:9/v3/billdownload/file?token=tok" {
		t.Fatal(got)
	}
	if got := s.downloadURL("", "tok"); got != s.URL()+"/v3/billdownload/file?token=tok" {
		t.Fatal(got)
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 1250: "12.50", -9: "-0.09", 10000000000: "100000000.00"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %s, want %s", fen, got, want)
		}
	}
}
