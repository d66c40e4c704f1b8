package payment

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/consts"

	"wxtill/pos"
)

// TradeBill is WeChat's record of one day's trades (China time), for reconciliation.
type TradeBill struct {
	Date    string // "2006-01-02"
	Rows    []BillRow
	Summary BillSummary
	SHA1    string // of the file as downloaded, checked against WeChat's hash_value
}

// BillRow is one line of the bill: a payment, or a refund of one.
type BillRow struct {
	TradeTime       time.Time
	AppID           string
	MchID           string
	TransactionID   string
	OutTradeNo      string
	TradeType       string // NATIVE, MICROPAY, ...
	TradeState      string // SUCCESS, REFUND, REVOKED, ...
	Bank            string
	Settlement      pos.Money // 应结订单金额
	Coupon          pos.Money // 代金券金额
	RefundID        string
	OutRefundNo     string
	Refund          pos.Money // 退款金额
	CouponRefund    pos.Money // 充值券退款金额
	RefundType      string
	RefundState     string
	Description     string    // 商品名称
	Attach          string    // 商户数据包: the till id
	Fee             pos.Money // 手续费, to the nearest fen (FeeText has WeChat's figure)
	FeeText         string
	Rate            string    // 费率, e.g. "0.60%"
	Total           pos.Money // 订单金额
	RefundRequested pos.Money // 申请退款金额
}

// BillSummary is the bill's closing totals.
type BillSummary struct {
	Count           int       // 总交易单数
	Settlement      pos.Money // 应结订单总金额
	Refund          pos.Money // 退款总金额
	CouponRefund    pos.Money // 充值券退款总金额
	Fees            pos.Money // 手续费总金额
	Total           pos.Money // 订单总金额
	RefundRequested pos.Money // 申请退款总金额
}

type billInfo struct {
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	DownloadURL string `json:"download_url"`
}

// TradeBill downloads the trade bill (all trades) of day's date in China time, checks
// its SHA1 against the hash WeChat gave in the signed reply, and parses it. WeChat makes
// a day's bill after 10:00 the next day; before that it answers STATEMENT_CREATING
// (ClassRetry), and for a day without trades NO_STATEMENT_EXIST (ClassNotFound).
func (g *Gateway) TradeBill(ctx context.Context, day time.Time) (*TradeBill, error) {
	if err := g.ready(ctx); err != nil {
		return nil, err
	}
	date := day.In(chinaTime).Format("2006-01-02")
	q := url.Values{"bill_date": {date}, "bill_type": {"ALL"}}
	result, err := g.client.Get(ctx, consts.WechatPayAPIServer+"/v3/bill/tradebill?"+q.Encode())
	if err != nil {
		return nil, classify(err, result)
	}
	var info billInfo
	if err := core.UnMarshalResponse(result.Response, &info); err != nil {
		return nil, badResponse(statusOf(result), err)
	}
	if !strings.EqualFold(info.HashType, "SHA1") || len(info.HashValue) != sha1.Size*2 {
		return nil, badResponse(statusOf(result), fmt.Errorf("unsupported bill hash %q", info.HashType))
	}
	if err := g.checkDownloadURL(info.DownloadURL); err != nil {
		return nil, badResponse(statusOf(result), err)
	}
	// The file itself is unsigned: billClient does not verify, the hash does.
	file, err := g.billClient.Get(ctx, info.DownloadURL)
	if err != nil {
		return nil, classify(err, file)
	}
	data, err := io.ReadAll(file.Response.Body)
	if err != nil {
		return nil, classify(err, nil)
	}
	sum := sha1.Sum(data)
	got := hex.EncodeToString(sum[:])
	if !strings.EqualFold(got, info.HashValue) {
		return nil, &pos.GatewayError{Class: pos.ClassRetry, Code: CodeBillHash, HTTPStatus: statusOf(file),
			Message: "账单文件校验失败（下载不完整或被篡改）/ the bill file does not match its SHA1 (incomplete or altered download)",
			Err:     fmt.Errorf("sha1 %s, expected %s", got, strings.ToLower(info.HashValue))}
	}
	bill, err := ParseTradeBill(data)
	if err != nil {
		return nil, badResponse(statusOf(file), err)
	}
	bill.Date, bill.SHA1 = date, got
	return bill, nil
}

// checkDownloadURL keeps the signed download request on WeChat's hosts or the configured
// server: a download_url elsewhere would send our Authorization header to a stranger.
func (g *Gateway) checkDownloadURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("download_url %q is not a URL", raw)
	}
	base := g.cfg.base
	switch {
	case wechatHosts[u.Host] && u.Scheme == "https":
		return nil
	case u.Host == base.Host && u.Scheme == base.Scheme:
		return nil
	case u.Scheme == base.Scheme && u.Port() == base.Port() && isLoopback(u.Hostname()) && isLoopback(base.Hostname()):
		return nil // a local test server naming itself localhost rather than 127.0.0.1
	}
	return fmt.Errorf("download_url points to %s://%s, not to WeChat Pay", u.Scheme, u.Host)
}
