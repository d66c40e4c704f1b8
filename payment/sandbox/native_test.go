package sandbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
)

func prepayRequest(s *Server, outTradeNo string, total int64) native.PrepayRequest {
	cred := s.Credentials()
	return native.PrepayRequest{
		Appid: core.String(cred.AppID), Mchid: core.String(cred.MchID),
		Description: core.String("可口可乐 330ml ×2"), OutTradeNo: core.String(outTradeNo),
		Attach: core.String("till-01"), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
		Amount: &native.Amount{Total: core.Int64(total), Currency: core.String("CNY")},
	}
}

func queryOrder(t *testing.T, svc native.NativeApiService, s *Server, outTradeNo string) *payments.Transaction {
	t.Helper()
	tx, _, err := svc.QueryOrderByOutTradeNo(context.Background(), native.QueryOrderByOutTradeNoRequest{
		OutTradeNo: core.String(outTradeNo), Mchid: core.String(s.Credentials().MchID)})
	if err != nil {
		t.Fatalf("query %s: %v", outTradeNo, err)
	}
	return tx
}

// TestNativeFlow goes prepay → query → pay → query → refund → refund query with the
// real SDK, in both verification modes.
func TestNativeFlow(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, clock := startServer(t)
			c := mode.client(t, s)
			svc := native.NativeApiService{Client: c}
			codeURL := prepayUnpaid(t, s, svc, mode, "T20250310000001")
			clock.Advance(20 * time.Second)
			if err := s.Pay(codeURL); err != nil {
				t.Fatal(err)
			}
			txnID := checkPaid(t, s, svc, "T20250310000001")
			refundFlow(t, clock, c, "T20250310000001", txnID)
			if tx := queryOrder(t, svc, s, "T20250310000001"); *tx.TradeState != "REFUND" {
				t.Fatalf("refunded order is %s", *tx.TradeState)
			}
		})
	}
}

// prepayUnpaid creates a Native order of ¥12.50 and checks how it looks unpaid.
func prepayUnpaid(t *testing.T, s *Server, svc native.NativeApiService, mode clientMode, outTradeNo string) string {
	t.Helper()
	resp, res, err := svc.Prepay(context.Background(), prepayRequest(s, outTradeNo, 1250))
	if err != nil {
		t.Fatalf("prepay: %v", err)
	}
	if got := res.Response.Header.Get("Wechatpay-Serial"); got != mode.serial(s) {
		t.Fatalf("reply signed by %q, want %q", got, mode.serial(s))
	}
	if !strings.HasPrefix(*resp.CodeUrl, "weixin://wxpay/bizpayurl?pr=") {
		t.Fatalf("code_url %q", *resp.CodeUrl)
	}
	tx := queryOrder(t, svc, s, outTradeNo)
	if *tx.TradeState != "NOTPAY" || tx.TransactionId != nil || tx.Attach != nil {
		t.Fatalf("unpaid order: %+v", tx)
	}
	return *resp.CodeUrl
}

// checkPaid checks a paid order by both query APIs and returns its transaction_id.
func checkPaid(t *testing.T, s *Server, svc native.NativeApiService, outTradeNo string) string {
	t.Helper()
	tx := queryOrder(t, svc, s, outTradeNo)
	if *tx.TradeState != "SUCCESS" || *tx.TradeType != "NATIVE" || *tx.Amount.PayerTotal != 1250 ||
		*tx.Attach != "till-01" || *tx.Payer.Openid == "" || !strings.HasSuffix(*tx.SuccessTime, "+08:00") {
		t.Fatalf("paid order: %+v", tx)
	}
	byID, _, err := svc.QueryOrderById(context.Background(), native.QueryOrderByIdRequest{
		TransactionId: tx.TransactionId, Mchid: core.String(s.Credentials().MchID)})
	if err != nil || *byID.OutTradeNo != outTradeNo || len(*byID.TransactionId) != 28 {
		t.Fatalf("query by transaction_id: %+v %v", byID, err)
	}
	return *tx.TransactionId
}

func refundFlow(t *testing.T, clock *fakeClock, c *core.Client, outTradeNo, txnID string) {
	t.Helper()
	ctx := context.Background()
	rs := refunddomestic.RefundsApiService{Client: c}
	req := refunddomestic.CreateRequest{
		OutTradeNo: core.String(outTradeNo), OutRefundNo: core.String("R" + outTradeNo),
		Reason: core.String("顾客退货"),
		Amount: &refunddomestic.AmountReq{Refund: core.Int64(250), Total: core.Int64(1250), Currency: core.String("CNY")},
	}
	r, _, err := rs.Create(ctx, req)
	if err != nil {
		t.Fatalf("refund: %v", err)
	}
	if *r.Status != refunddomestic.STATUS_PROCESSING || *r.Amount.Refund != 250 || *r.TransactionId != txnID {
		t.Fatalf("new refund: %+v", r)
	}
	q, _, err := rs.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R" + outTradeNo)})
	if err != nil || *q.Status != refunddomestic.STATUS_PROCESSING {
		t.Fatalf("refund query before it arrives: %+v %v", q, err)
	}
	clock.Advance(refundDelay)
	q, _, err = rs.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R" + outTradeNo)})
	if err != nil || *q.Status != refunddomestic.STATUS_SUCCESS || q.SuccessTime == nil || *q.RefundId != *r.RefundId {
		t.Fatalf("refund query after it arrives: %+v %v", q, err)
	}
	again, _, err := rs.Create(ctx, req) // the same out_refund_no again is the same refund
	if err != nil || *again.RefundId != *r.RefundId || *again.Status != refunddomestic.STATUS_SUCCESS {
		t.Fatalf("retried refund: %+v %v", again, err)
	}
}

func TestNativePrepayIsIdempotent(t *testing.T) {
	s, _ := startServer(t)
	svc := native.NativeApiService{Client: pubKeyClient(t, s)}
	ctx := context.Background()
	first, _, err := svc.Prepay(ctx, prepayRequest(s, "T-idem-01", 800))
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := svc.Prepay(ctx, prepayRequest(s, "T-idem-01", 800))
	if err != nil || *second.CodeUrl != *first.CodeUrl {
		t.Fatalf("same request again: %v %v", second, err)
	}
	_, _, err = svc.Prepay(ctx, prepayRequest(s, "T-idem-01", 900))
	wantAPIError(t, err, http.StatusForbidden, "OUT_TRADE_NO_USED")
	if err := s.Pay("T-idem-01"); err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.Prepay(ctx, prepayRequest(s, "T-idem-01", 800))
	wantAPIError(t, err, http.StatusBadRequest, "ORDERPAID")
}

func TestNativeClose(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, _ := startServer(t)
			svc := native.NativeApiService{Client: mode.client(t, s)}
			ctx := context.Background()
			mchid := core.String(s.Credentials().MchID)
			for _, no := range []string{"T-close-open", "T-close-paid"} {
				if _, _, err := svc.Prepay(ctx, prepayRequest(s, no, 100)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String("T-close-open"), Mchid: mchid}); err != nil {
				t.Fatalf("close: %v", err)
			}
			if tx := queryOrder(t, svc, s, "T-close-open"); *tx.TradeState != "CLOSED" {
				t.Fatalf("closed order is %s", *tx.TradeState)
			}
			if err := s.Pay("T-close-open"); err == nil {
				t.Fatal("a closed order was paid")
			}
			if err := s.Pay("T-close-paid"); err != nil {
				t.Fatal(err)
			}
			_, err := svc.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String("T-close-paid"), Mchid: mchid})
			wantAPIError(t, err, http.StatusBadRequest, "ORDERPAID")
			_, err = svc.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String("T-nobody"), Mchid: mchid})
			wantAPIError(t, err, http.StatusNotFound, "ORDER_NOT_EXIST")
		})
	}
}

func TestNativeQueryUnknownOrder(t *testing.T) {
	s, _ := startServer(t)
	svc := native.NativeApiService{Client: pubKeyClient(t, s)}
	mchid := core.String(s.Credentials().MchID)
	_, _, err := svc.QueryOrderByOutTradeNo(context.Background(), native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("T-unknown"), Mchid: mchid})
	wantAPIError(t, err, http.StatusNotFound, "ORDER_NOT_EXIST")
	_, _, err = svc.QueryOrderById(context.Background(), native.QueryOrderByIdRequest{TransactionId: core.String("4200000000000000000000000000"), Mchid: mchid})
	wantAPIError(t, err, http.StatusNotFound, "ORDER_NOT_EXIST")
}

// TestNativeExpiry: an order stops being payable at time_expire, a code_url after 2 hours.
func TestNativeExpiry(t *testing.T) {
	s, clock := startServer(t)
	svc := native.NativeApiService{Client: pubKeyClient(t, s)}
	ctx := context.Background()
	short := prepayRequest(s, "T-expire-5m", 100)
	short.TimeExpire = core.Time(testStart.Add(5 * time.Minute))
	if _, _, err := svc.Prepay(ctx, short); err != nil {
		t.Fatal(err)
	}
	long, _, err := svc.Prepay(ctx, prepayRequest(s, "T-expire-7d", 100))
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	if err := s.Pay("T-expire-5m"); err == nil {
		t.Fatal("paid after time_expire")
	}
	if tx := queryOrder(t, svc, s, "T-expire-5m"); *tx.TradeState != "NOTPAY" {
		t.Fatalf("expired order is %s, want NOTPAY until closed", *tx.TradeState)
	}
	clock.Advance(2 * time.Hour)
	if err := s.Pay(*long.CodeUrl); err == nil {
		t.Fatal("paid with a code_url over 2 hours old")
	}
	past := prepayRequest(s, "T-expire-past", 100)
	past.TimeExpire = core.Time(testStart)
	_, _, err = svc.Prepay(ctx, past)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}
