package sandbox

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
)

func codepayBody(s *Server, outTradeNo, authCode string, total int64) map[string]any {
	cred := s.Credentials()
	return map[string]any{
		"appid": cred.AppID, "mchid": cred.MchID, "description": "便利店消费", "out_trade_no": outTradeNo,
		"attach": "till-01", "payer": map[string]any{"auth_code": authCode},
		"amount":     map[string]any{"total": total, "currency": "CNY"},
		"scene_info": map[string]any{"device_ip": "127.0.0.1", "store_info": map[string]any{"out_id": "01"}},
	}
}

// codepayTxn is the part of a codepay or query reply the tests look at.
type codepayTxn struct {
	Code          string `json:"code"`
	TradeState    string `json:"trade_state"`
	TradeType     string `json:"trade_type"`
	TransactionID string `json:"transaction_id"`
	Amount        struct {
		Total      int64 `json:"total"`
		PayerTotal int64 `json:"payer_total"`
	} `json:"amount"`
}

func postCodepay(t *testing.T, c *core.Client, body map[string]any) (*core.APIResult, codepayTxn, error) {
	t.Helper()
	res, err := c.Post(context.Background(), wechat+"/v3/pay/transactions/codepay", body)
	var txn codepayTxn
	if err == nil {
		decodeResult(t, res, &txn)
	}
	return res, txn, err
}

func queryState(t *testing.T, c *core.Client, s *Server, outTradeNo string) string {
	t.Helper()
	return *queryOrder(t, native.NativeApiService{Client: c}, s, outTradeNo).TradeState
}

func reverseOrder(c *core.Client, s *Server, outTradeNo string) error {
	cred := s.Credentials()
	_, err := c.Post(context.Background(), wechat+"/v3/pay/transactions/out-trade-no/"+outTradeNo+"/reverse",
		map[string]string{"appid": cred.AppID, "mchid": cred.MchID})
	return err
}

// TestCodepayTestCodes runs each documented test code through the real SDK's core client.
func TestCodepayTestCodes(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, clock := startServer(t)
			c := mode.client(t, s)
			res, txn, err := postCodepay(t, c, codepayBody(s, "C-paynow-01", CodePayNow, 500))
			if err != nil || res.Response.StatusCode != 200 || txn.TradeState != "SUCCESS" || txn.TradeType != "MICROPAY" ||
				txn.Amount.PayerTotal != 500 || len(txn.TransactionID) != 28 {
				t.Fatalf("CodePayNow: %+v %v", txn, err)
			}
			userPaying(t, s, clock, c)
			_, _, err = postCodepay(t, c, codepayBody(s, "C-fail-01", CodeFail, 300))
			wantAPIError(t, err, http.StatusForbidden, "TRADE_ERROR")
			if got := queryState(t, c, s, "C-fail-01"); got != "PAYERROR" {
				t.Fatalf("refused code: %s", got)
			}
			_, _, err = postCodepay(t, c, codepayBody(s, "C-poor-01", CodeNotEnough, 300))
			wantAPIError(t, err, http.StatusForbidden, "NOTENOUGH")
			_, txn, err = postCodepay(t, c, codepayBody(s, "C-other-01", "101234567890123456", 100))
			if err != nil || txn.TradeState != "SUCCESS" {
				t.Fatalf("another valid code: %+v %v", txn, err)
			}
		})
	}
}

// userPaying: CodeUserPaying answers 202 USERPAYING, and is SUCCESS 5 s later.
func userPaying(t *testing.T, s *Server, clock *fakeClock, c *core.Client) {
	t.Helper()
	res, txn, err := postCodepay(t, c, codepayBody(s, "C-paying-01", CodeUserPaying, 700))
	if err != nil || res.Response.StatusCode != http.StatusAccepted || txn.Code != "USERPAYING" || txn.TradeState != "USERPAYING" {
		t.Fatalf("CodeUserPaying: %+v %v", txn, err)
	}
	if got := queryState(t, c, s, "C-paying-01"); got != "USERPAYING" {
		t.Fatalf("while typing the password: %s", got)
	}
	clock.Advance(passwordDelay)
	if got := queryState(t, c, s, "C-paying-01"); got != "SUCCESS" {
		t.Fatalf("after the password: %s", got)
	}
}

func TestCodepayRetryAndValidation(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	_, first, err := postCodepay(t, c, codepayBody(s, "C-retry-01", CodePayNow, 500))
	if err != nil {
		t.Fatal(err)
	}
	_, again, err := postCodepay(t, c, codepayBody(s, "C-retry-01", CodePayNow, 500))
	if err != nil || again.TransactionID != first.TransactionID || again.TradeState != "SUCCESS" {
		t.Fatalf("retried codepay: %+v %v", again, err)
	}
	_, _, err = postCodepay(t, c, codepayBody(s, "C-retry-01", CodePayNow, 600))
	wantAPIError(t, err, http.StatusForbidden, "OUT_TRADE_NO_USED")
	_, _, _ = postCodepay(t, c, codepayBody(s, "C-retry-02", CodeFail, 500))
	_, _, err = postCodepay(t, c, codepayBody(s, "C-retry-02", CodeFail, 500))
	wantAPIError(t, err, http.StatusForbidden, "TRADE_ERROR")

	noStore := codepayBody(s, "C-bad-01", CodePayNow, 1)
	noStore["scene_info"] = map[string]any{"device_ip": "127.0.0.1"}
	for name, body := range map[string]map[string]any{
		"short code":      codepayBody(s, "C-bad-01", "13400000000000001", 1),
		"prefix 16":       codepayBody(s, "C-bad-01", "164000000000000001", 1),
		"letters":         codepayBody(s, "C-bad-01", "13400000000000000a", 1),
		"no store out_id": noStore,
	} {
		_, _, err := postCodepay(t, c, body)
		if ae := asAPIError(t, err); ae.StatusCode != 400 || ae.Code != "PARAM_ERROR" {
			t.Errorf("%s: %d %s", name, ae.StatusCode, ae.Code)
		}
	}
}

func TestReverse(t *testing.T) {
	for _, mode := range bothModes {
		t.Run(mode.name, func(t *testing.T) {
			s, clock := startServer(t)
			c := mode.client(t, s)
			_, _, _ = postCodepay(t, c, codepayBody(s, "C-rev-paid", CodePayNow, 500))
			_, _, _ = postCodepay(t, c, codepayBody(s, "C-rev-paying", CodeUserPaying, 500))
			for _, no := range []string{"C-rev-paid", "C-rev-paying", "C-rev-paid"} {
				if err := reverseOrder(c, s, no); err != nil {
					t.Fatalf("reverse %s: %v", no, err)
				}
			}
			clock.Advance(time.Minute) // the password would have been typed by now
			for _, no := range []string{"C-rev-paid", "C-rev-paying"} {
				if got := queryState(t, c, s, no); got != "REVOKED" {
					t.Fatalf("%s after reverse: %s", no, got)
				}
			}
			if _, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), prepayRequest(s, "T-rev-native", 100)); err != nil {
				t.Fatal(err)
			}
			wantAPIError(t, reverseOrder(c, s, "T-rev-native"), http.StatusBadRequest, "INVALID_REQUEST")
			wantAPIError(t, reverseOrder(c, s, "C-rev-nobody"), http.StatusNotFound, "ORDER_NOT_EXIST")
		})
	}
}

// TestPayAndFailControls: the customer finishing or abandoning the password.
func TestPayAndFailControls(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	_, _, _ = postCodepay(t, c, codepayBody(s, "C-ctl-pay", CodeUserPaying, 100))
	_, _, _ = postCodepay(t, c, codepayBody(s, "C-ctl-fail", CodeUserPaying, 100))
	if err := s.Pay("C-ctl-pay"); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail("C-ctl-fail"); err != nil {
		t.Fatal(err)
	}
	if a, b := queryState(t, c, s, "C-ctl-pay"), queryState(t, c, s, "C-ctl-fail"); a != "SUCCESS" || b != "PAYERROR" {
		t.Fatalf("pay → %s, fail → %s", a, b)
	}
	if err := s.Fail("C-ctl-pay"); !errors.Is(err, ErrNotPayable) {
		t.Fatalf("failing a paid order: %v", err)
	}
	if err := s.Pay("C-ctl-fail"); !errors.Is(err, ErrNotPayable) {
		t.Fatalf("paying a failed order: %v", err)
	}
	if err := s.Pay("C-nobody"); !errors.Is(err, ErrNoSuchOrder) {
		t.Fatalf("paying an unknown order: %v", err)
	}
}
