package pos

import "time"

// Sale is one customer's purchase and its payment. OutTradeNo is the key everywhere:
// in the ledger, in WeChat Pay, on the receipt.
type Sale struct {
	OutTradeNo string `json:"out_trade_no"` // made and recorded before any network call
	TillID     string `json:"till_id"`
	Cashier    string `json:"cashier,omitempty"`
	Method     Method `json:"method"`
	State      State  `json:"state"`

	Lines       []Line `json:"lines"`
	Discount    Money  `json:"discount"` // whole-cart discount, already taken off Total
	Total       Money  `json:"total"`    // what the customer pays, fen
	Description string `json:"description"`

	CodeURL       string    `json:"code_url,omitempty"`       // Native: what the QR encodes
	ExpiresAt     time.Time `json:"expires_at,omitempty"`     // Native: time_expire sent to WeChat
	TransactionID string    `json:"transaction_id,omitempty"` // WeChat's number once paid
	PaidAt        time.Time `json:"paid_at,omitempty"`
	Refunded      Money     `json:"refunded"`           // sum of successful refunds
	Tendered      Money     `json:"tendered,omitempty"` // cash handed over (change = Tendered - Total)

	// CloseWanted marks a WeChat order the till gave up on (cancel, expiry, switch to cash)
	// that WeChat has not yet confirmed closed; recovery keeps closing it.
	CloseWanted bool   `json:"close_wanted,omitempty"`
	LastError   string `json:"last_error,omitempty"` // the latest gateway trouble, for people
	// Flag marks a sale the owner must look at (FlagPaidTwice); empty when all is well.
	Flag string `json:"flag,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FlagPaidTwice: WeChat reported the sale paid after the cashier took cash for it. The
// WeChat payment is kept on the sale (TransactionID, PaidAt) so it is never lost; the
// owner refunds one of the two.
const FlagPaidTwice = "paid_twice"

// NeedsRecovery reports whether recovery must still look at the sale: its payment is not
// settled, or a WeChat order it gave up on (CloseWanted) is not yet confirmed closed.
func (s Sale) NeedsRecovery() bool { return !s.State.Settled() || s.CloseWanted }

// WeChatMethod is the kind of WeChat order behind s (Native or payment code), also after
// a switch to cash: a Native sale has its expiry recorded before the prepay, a
// payment-code sale never has one. It is meaningful only for a sale that had a WeChat
// order: the books count a paid-twice sale's WeChat payment under it.
func (s Sale) WeChatMethod() Method {
	if s.Method != MethodCash {
		return s.Method
	}
	if !s.ExpiresAt.IsZero() || s.CodeURL != "" {
		return MethodNative
	}
	return MethodCode
}

// Change is the cash to hand back on a cash sale (0 when none).
func (s Sale) Change() Money {
	if s.Method != MethodCash || s.Tendered <= s.Total {
		return 0
	}
	return s.Tendered - s.Total
}

// clone copies s so that its Lines are not shared with the caller's copy.
func (s Sale) clone() Sale {
	s.Lines = append([]Line(nil), s.Lines...)
	return s
}

// Line is one row of a sale: a catalog item or a custom amount.
type Line struct {
	SKU       string `json:"sku,omitempty"` // empty for a custom amount
	Name      string `json:"name"`
	UnitPrice Money  `json:"unit_price"`
	Qty       int    `json:"qty"`
}

// Amount is the line's total.
func (l Line) Amount() Money { return l.UnitPrice * Money(l.Qty) }

// Event records one change of a sale: which transition, who made it, when, and why.
type Event struct {
	OutTradeNo string    `json:"out_trade_no"`
	At         time.Time `json:"at"`
	From       State     `json:"from,omitempty"` // empty for the sale's first record
	To         State     `json:"to"`
	Actor      string    `json:"actor"` // "cashier", "recovery", "owner", "charge", ...
	Note       string    `json:"note,omitempty"`
}

// RefundState is where a refund stands. PENDING is ours (recorded, not yet accepted by
// WeChat); the others are WeChat's.
type RefundState string

const (
	RefundPending    RefundState = "PENDING"
	RefundProcessing RefundState = "PROCESSING"
	RefundSuccess    RefundState = "SUCCESS"
	RefundClosed     RefundState = "CLOSED"
	RefundAbnormal   RefundState = "ABNORMAL"
)

// Settled reports whether the refund needs no more asking.
func (s RefundState) Settled() bool {
	return s == RefundSuccess || s == RefundClosed || s == RefundAbnormal
}

// Refund is money given back on a paid sale, full or part.
type Refund struct {
	OutRefundNo string `json:"out_refund_no"` // made and recorded before the call
	OutTradeNo  string `json:"out_trade_no"`
	RefundID    string `json:"refund_id,omitempty"` // WeChat's number
	Amount      Money  `json:"amount"`
	// Method is how the money goes back: MethodCash (handed back from the drawer) or the
	// WeChat order's method. Empty in records made before it was kept: the sale's method.
	Method      Method      `json:"method,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	State       RefundState `json:"state"`
	Actor       string      `json:"actor"`
	LastError   string      `json:"last_error,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	SucceededAt time.Time   `json:"succeeded_at,omitempty"`
}

// Product is an item of the shop's catalog.
type Product struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Price    Money  `json:"price"`
	Barcode  string `json:"barcode,omitempty"`
	Category string `json:"category,omitempty"`
	QuickKey string `json:"quick_key,omitempty"` // e.g. "1" for the first quick-key button
}
