package sandbox

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
)

// TestConcurrentTills: several tills create, pay, query and refund at once while the
// background ticker runs and faults change; under -race this checks the locking.
func TestConcurrentTills(t *testing.T) {
	s, clock := startServer(t)
	c := pubKeyClient(t, s)
	const tills, orders = 4, 8
	var wg sync.WaitGroup
	errs := make(chan error, tills*orders)
	for till := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range orders {
				if err := saleRoundTrip(s, c, fmt.Sprintf("T-conc-%d-%02d", till, i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			s.SetFaults([]Fault{{Kind: FaultLatency, Rate: 0.5, Delay: 1}})
			_ = s.Stats()
			clock.Advance(refundGap)
			s.SetFaults(nil)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.Stats()["POST /v3/pay/transactions/native"]; n != tills*orders {
		t.Fatalf("%d prepays counted, want %d", n, tills*orders)
	}
}

// saleRoundTrip is one till's sale: prepay, pay, query, refund half.
func saleRoundTrip(s *Server, c *core.Client, outTradeNo string) error {
	ctx := context.Background()
	svc := native.NativeApiService{Client: c}
	if _, _, err := svc.Prepay(ctx, prepayRequest(s, outTradeNo, 200)); err != nil {
		return fmt.Errorf("%s prepay: %w", outTradeNo, err)
	}
	if err := s.Pay(outTradeNo); err != nil {
		return fmt.Errorf("%s pay: %w", outTradeNo, err)
	}
	tx, _, err := svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{
		OutTradeNo: core.String(outTradeNo), Mchid: core.String(s.Credentials().MchID)})
	if err != nil || *tx.TradeState != "SUCCESS" {
		return fmt.Errorf("%s query: %v", outTradeNo, err)
	}
	_, err = c.Post(ctx, wechat+"/v3/refund/domestic/refunds", refundReq(outTradeNo, "R"+outTradeNo, 100, 200))
	if err != nil {
		return fmt.Errorf("%s refund: %w", outTradeNo, err)
	}
	return nil
}
