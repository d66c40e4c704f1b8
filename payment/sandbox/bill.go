package sandbox

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// billFile is a generated bill waiting for its download.
type billFile struct {
	data    []byte
	expires time.Time
}

const (
	billLinkLifetime = 5 * time.Minute // download_url: 5 min in WeChat's 2024 docs (30 s in older ones)
	billReadyHour    = 10              // yesterday's bill exists from 10:00 (China time)
	billMaxAgeMonths = 3
)

// tradeBill is GET /v3/bill/tradebill?bill_date=YYYY-MM-DD[&bill_type=ALL|SUCCESS|REFUND][&tar_type=GZIP].
// It answers {"hash_type":"SHA1","hash_value":...,"download_url":...}; hash_value is the
// SHA1 of the bill as rendered, "gzip需要解压缩" when tar_type=GZIP.
func (s *Server) tradeBill(c *call) reply {
	q := c.r.URL.Query()
	day, err := time.ParseInLocation("2006-01-02", q.Get("bill_date"), cst)
	if err != nil {
		return errorReply(paramError("bill_date 须为 yyyy-MM-DD / bill_date must be YYYY-MM-DD"))
	}
	billType := q.Get("bill_type")
	if billType == "" {
		billType = "ALL"
	}
	if billColumns[billType] == nil {
		return errorReply(paramError("bill_type 须为 ALL、SUCCESS 或 REFUND / bill_type must be ALL, SUCCESS or REFUND"))
	}
	tarType := q.Get("tar_type")
	if tarType != "" && tarType != "GZIP" {
		return errorReply(paramError("tar_type 只能为 GZIP / tar_type can only be GZIP"))
	}
	if e := billDateReady(day, c.now); e != nil {
		return errorReply(e)
	}
	rows := s.book.billRows(day, billType)
	if len(rows) == 0 {
		return errorReply(newError(http.StatusBadRequest, "NO_STATEMENT_EXIST",
			"该日期没有交易，账单不存在 / no trades that day, so no bill"))
	}
	data := renderBill(rows, billType)
	sum := sha1.Sum(data) // of the bill itself, before any gzip, as WeChat's hash_value
	if tarType == "GZIP" {
		data = gzipBytes(data)
	}
	s.book.purgeBills(c.now)
	token := randomString(32, apiV3Chars)
	s.book.bills[token] = billFile{data: data, expires: c.now.Add(billLinkLifetime)}
	return jsonReply(http.StatusOK, map[string]string{
		"hash_type": "SHA1", "hash_value": hex.EncodeToString(sum[:]), "download_url": s.downloadURL(c.host, token),
	})
}

// billDateReady applies WeChat's calendar: a day's bill exists from 10:00 the next day
// and for three months.
func billDateReady(day, now time.Time) *apiError {
	now = now.In(cst)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, cst)
	switch {
	case !day.Before(today):
		return paramError("bill_date 须早于今天 / bill_date must be before today")
	case day.Before(today.AddDate(0, -billMaxAgeMonths, 0)):
		return paramError("仅支持三个月内的账单 / only bills of the last three months")
	case day.Equal(today.AddDate(0, 0, -1)) && now.Hour() < billReadyHour:
		return newError(http.StatusBadRequest, "STATEMENT_CREATING",
			"账单生成中，请在10点后下载 / the bill is being made: ask after 10:00")
	}
	return nil
}

// downloadURL points back at whoever asked: WeChat's own host when the client's transport
// rewrites it (so the same transport reaches the file), else the sandbox's address.
func (s *Server) downloadURL(host, token string) string {
	path := "/v3/billdownload/file?token=" + url.QueryEscape(token)
	h := strings.ToLower(host)
	if h == "api.mch.weixin.qq.com" || h == "api2.mch.weixin.qq.com" {
		return "https://api.mch.weixin.qq.com" + path
	}
	if host == "" {
		return s.URL() + path
	}
	return "http://" + host + path
}

// downloadBill is GET /v3/billdownload/file?token=...: the file, unsigned, as at WeChat.
func (s *Server) downloadBill(c *call) reply {
	f, ok := s.book.bills[c.r.URL.Query().Get("token")]
	if !ok || !c.now.Before(f.expires) {
		return errorReply(invalidRequest("下载链接无效或已过期（30秒）/ download_url unknown or expired (30 s): ask for the bill again"))
	}
	return reply{status: http.StatusOK, body: f.data, file: true}
}

func (b *book) purgeBills(now time.Time) {
	for token, f := range b.bills {
		if !now.Before(f.expires) {
			delete(b.bills, token)
		}
	}
}

// gzipBytes compresses without a name or time, so the same bill gives the same bytes.
func gzipBytes(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data) // writes to memory do not fail
	_ = zw.Close()
	return buf.Bytes()
}
