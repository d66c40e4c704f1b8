package pos

import (
	"context"
	"errors"
)

// Refund gives back amount (all or part of what is left) of a paid sale. The refund is
// recorded (PENDING) before WeChat is asked, then saved with WeChat's answer
// (PROCESSING or SUCCESS); a refund whose answer was lost stays PENDING and is settled
// by Recover, which asks again with the same out_refund_no. A cash sale's refund is
// recorded SUCCESS at once (the cashier hands the cash back). The sale's Refunded and
// state change when a refund succeeds.
func (c *Checkout) Refund(ctx context.Context, outTradeNo string, amount Money, reason string) (Refund, error) {
	_, _, _, _ = ctx, outTradeNo, amount, reason
	return Refund{}, errors.New("not implemented yet")
}
