package pos

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The interfaces pos needs from the world. pos declares them; payment, storage and the
// tests' fakes implement them. Nothing here knows about wechatpay-go, bbolt or Fyne.

// Gateway is WeChat Pay as the till needs it. Implemented by payment.Gateway.
// Every error it returns for a call that reached (or tried to reach) WeChat is a
// *GatewayError, so callers can tell "retry" from "refused".
type Gateway interface {
	// PrepayNative creates a Native order and returns the code_url for the QR.
	// Repeating it with the same OutTradeNo and the same order returns the same code_url.
	PrepayNative(ctx context.Context, o NativeOrder) (codeURL string, err error)
	// Query asks for the order's state by out_trade_no.
	Query(ctx context.Context, outTradeNo string) (OrderStatus, error)
	// Close closes an unpaid order. A paid order gives a GatewayError of class ClassSettled
	// with code ORDERPAID.
	Close(ctx context.Context, outTradeNo string) error
	// PayCode charges the customer's payment code (付款码). The answer's state may be
	// SUCCESS, USERPAYING (customer entering the password: query later) or a failure.
	PayCode(ctx context.Context, o CodeOrder) (OrderStatus, error)
	// Reverse cancels a payment-code order, refunding it if it was paid.
	Reverse(ctx context.Context, outTradeNo string) error
	// Refund asks for a refund; repeating it with the same OutRefundNo is the same refund.
	Refund(ctx context.Context, r RefundRequest) (RefundStatus, error)
	// QueryRefund asks for a refund's state.
	QueryRefund(ctx context.Context, outRefundNo string) (RefundStatus, error)
}

// NativeOrder is what a Native prepay needs.
type NativeOrder struct {
	OutTradeNo  string
	Description string // the gateway cuts it to WeChat's byte limit
	Total       Money
	ExpiresAt   time.Time
	Attach      string // returned by WeChat untouched; the till puts its till id here
}

// CodeOrder is what a payment-code charge needs.
type CodeOrder struct {
	OutTradeNo  string
	Description string
	Total       Money
	AuthCode    string // the 18 digits read from the customer's phone
	Attach      string
}

// TradeState is WeChat's trade_state.
type TradeState string

const (
	TradeSuccess    TradeState = "SUCCESS"
	TradeNotPay     TradeState = "NOTPAY"
	TradeClosed     TradeState = "CLOSED"
	TradeRefund     TradeState = "REFUND" // paid, then (part) refunded
	TradeUserPaying TradeState = "USERPAYING"
	TradePayError   TradeState = "PAYERROR"
	TradeRevoked    TradeState = "REVOKED"
)

// OrderStatus is WeChat's answer about an order.
type OrderStatus struct {
	OutTradeNo    string
	TransactionID string
	State         TradeState
	StateDesc     string // trade_state_desc, WeChat's words for people
	Total         Money
	PayerTotal    Money
	SuccessTime   time.Time
}

// RefundRequest asks for Amount back out of an order of Total.
type RefundRequest struct {
	OutTradeNo  string
	OutRefundNo string
	Amount      Money
	Total       Money
	Reason      string
}

// RefundStatus is WeChat's answer about a refund.
type RefundStatus struct {
	OutRefundNo string
	RefundID    string
	State       RefundState
	Amount      Money
	SuccessTime time.Time
}

// ErrorClass sorts gateway errors by what the caller should do.
type ErrorClass int

const (
	ClassRetry    ErrorClass = iota + 1 // network, timeout, SYSTEMERROR, FREQUENCY_LIMITED, 5xx, bad signature
	ClassSettled                        // ORDERPAID, ORDER_CLOSED: the order is already final; query it
	ClassNotFound                       // ORDERNOTEXIST, ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS
	ClassRejected                       // PARAM_ERROR, SIGN_ERROR, INVALID_REQUEST, ...: fix, don't retry
)

func (c ErrorClass) String() string {
	switch c {
	case ClassRetry:
		return "retry"
	case ClassSettled:
		return "settled"
	case ClassNotFound:
		return "not_found"
	case ClassRejected:
		return "rejected"
	}
	return "unknown"
}

// GatewayError is a failed gateway call, with WeChat's code and message when it answered.
type GatewayError struct {
	Class      ErrorClass
	Code       string // WeChat's code (ORDERPAID, SYSTEMERROR, ...) or ours (NETWORK, TIMEOUT, BAD_SIGNATURE)
	Message    string // WeChat's message, for people
	HTTPStatus int    // 0 when no answer arrived
	Err        error  // the cause
}

func (e *GatewayError) Error() string {
	msg := fmt.Sprintf("wechat pay: %s", e.Class)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil && e.Message == "" {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *GatewayError) Unwrap() error { return e.Err }

// ClassOf returns err's class. An error that is not a *GatewayError (a bug, a cancelled
// context) counts as ClassRetry: an unknown outcome must be asked about again, never assumed.
func ClassOf(err error) ErrorClass {
	var ge *GatewayError
	if errors.As(err, &ge) {
		return ge.Class
	}
	return ClassRetry
}

// CodeOf returns WeChat's (or the gateway's) error code, or "".
func CodeOf(err error) string {
	var ge *GatewayError
	if errors.As(err, &ge) {
		return ge.Code
	}
	return ""
}

// Ledger is the till's book. Implemented by storage.Ledger. Every write is durable when
// it returns, validated against CanTransition, and done with its event in one transaction.
type Ledger interface {
	// CreateSale records a new sale (State PENDING, or PAID for a cash sale) with its
	// first event. A sale with a number already recorded is an error (ErrDuplicate)
	// unless it is byte-for-byte the same record, which is a no-op.
	CreateSale(s Sale, ev Event) error
	// UpdateSale replaces the stored sale of the same number with s and appends ev, in one
	// transaction. An illegal state change is an error (ErrIllegalTransition) and changes
	// nothing; writing what is already stored is a no-op.
	UpdateSale(s Sale, ev Event) error
	// Sale returns the sale with that number, or ErrNotFound.
	Sale(outTradeNo string) (Sale, error)
	// UnsettledSales returns every sale for which NeedsRecovery is true (state not
	// Settled, or CloseWanted set, e.g. a cash sale whose WeChat order is still to be
	// closed), oldest first.
	UnsettledSales() ([]Sale, error)
	// Events returns a sale's events in order.
	Events(outTradeNo string) ([]Event, error)

	// SaveRefund creates or updates a refund; when sale is not nil, it is updated (with ev)
	// in the same transaction, as when a refund succeeds.
	SaveRefund(r Refund, sale *Sale, ev Event) error
	// Refunds returns a sale's refunds, oldest first.
	Refunds(outTradeNo string) ([]Refund, error)
	// UnsettledRefunds returns every refund not yet Settled.
	UnsettledRefunds() ([]Refund, error)
}

// Catalog is the shop's products. Implemented by storage.Ledger.
type Catalog interface {
	Products() ([]Product, error)
	PutProduct(p Product) error
	DeleteProduct(sku string) error
}

// Ledger errors, shared by every implementation.
var (
	ErrNotFound          = errors.New("not found")
	ErrDuplicate         = errors.New("already recorded with different content")
	ErrIllegalTransition = errors.New("illegal state transition")
)

// Clock is time as pos sees it, so tests can run hours of polling in milliseconds.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time                         { return time.Now() }
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
