package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// WeChat's trade_state values and the trade types that own them: a Native order is only
// NOTPAY, SUCCESS, CLOSED or REFUND; USERPAYING, PAYERROR and REVOKED are payment-code ones.
const (
	stateNotPay     = "NOTPAY"
	stateSuccess    = "SUCCESS"
	stateClosed     = "CLOSED"
	stateRefund     = "REFUND"
	stateUserPaying = "USERPAYING"
	statePayError   = "PAYERROR"
	stateRevoked    = "REVOKED"

	tradeNative   = "NATIVE"
	tradeMicropay = "MICROPAY"
)

var stateDesc = map[string]string{
	stateNotPay:     "订单未支付",
	stateSuccess:    "支付成功",
	stateClosed:     "订单已关闭",
	stateRefund:     "转入退款",
	stateUserPaying: "需要用户输入支付密码",
	statePayError:   "支付失败，请重新下单支付",
	stateRevoked:    "已撤销",
}

// Timings of the simulated world, in Options.Clock time.
const (
	codeURLLifetime   = 2 * time.Hour      // a Native code_url can be scanned this long
	defaultExpiry     = 7 * 24 * time.Hour // time_expire when the merchant gives none
	passwordDelay     = 5 * time.Second    // CodeUserPaying: the customer types the password
	refundDelay       = 3 * time.Second    // PROCESSING → SUCCESS
	refundGap         = time.Minute        // WeChat: partial refunds of an order a minute apart
	maxRefundsAnOrder = 50
)

// cst is China Standard Time, the zone of every time WeChat writes.
var cst = time.FixedZone("CST", 8*3600)

// order is one transaction in the book.
type order struct {
	tradeType     string
	appid, mchid  string
	description   string
	outTradeNo    string
	attach        string
	notifyURL     string
	total         int64
	transactionID string
	codeURL       string // Native only
	openid        string
	authCode      string // payment-code orders
	created       time.Time
	expires       time.Time // time_expire (Native)
	payingUntil   time.Time // USERPAYING becomes SUCCESS at this time
	successTime   time.Time
	state         string
	revokedAt     time.Time // when a payment-code order was reversed
	revokedPaid   bool      // it had been paid, so reversing gave the money back
	fingerprint   string    // the canonical request, to tell a retry from a clash
	acceptSerial  string    // Wechatpay-Serial of the creating request: signs its notifications
	refunds       []*refund
}

// refunded is the sum of the order's refunds (in the sandbox every refund succeeds).
func (o *order) refunded() int64 {
	var sum int64
	for _, r := range o.refunds {
		sum += r.amount
	}
	return sum
}

func (o *order) paid() bool { return o.state == stateSuccess || o.state == stateRefund }

// book is the in-memory order book; every method runs with Server.mu held.
type book struct {
	orders   map[string]*order  // by out_trade_no
	byTxn    map[string]*order  // by transaction_id
	byCode   map[string]*order  // by code_url
	refunds  map[string]*refund // by out_refund_no
	paying   map[*order]bool    // USERPAYING orders waiting for the password
	pending  map[*refund]bool   // PROCESSING refunds
	bills    map[string]billFile
	seq      int64
	idPrefix string // random digits keeping ids unique across sandbox restarts
}

func newBook() *book {
	return &book{
		orders: map[string]*order{}, byTxn: map[string]*order{}, byCode: map[string]*order{},
		refunds: map[string]*refund{}, paying: map[*order]bool{}, pending: map[*refund]bool{},
		bills: map[string]billFile{}, idPrefix: randomDigits(6),
	}
}

// newTransactionID makes a 28-digit id like WeChat's 4200001234202301011234567890.
func (b *book) newTransactionID(now time.Time) string {
	b.seq++
	return fmt.Sprintf("4200%s%s%010d", b.idPrefix, now.In(cst).Format("20060102"), b.seq)
}

// newRefundID makes a 29-digit id like WeChat's 50000000382019052709732678859.
func (b *book) newRefundID(now time.Time) string {
	b.seq++
	return fmt.Sprintf("5030%s%s%011d", b.idPrefix[:5], now.In(cst).Format("20060102"), b.seq)
}

func (b *book) newCodeURL() string {
	for {
		u := "weixin://wxpay/bizpayurl?pr=" + randomString(7, apiV3Chars)
		if b.byCode[u] == nil {
			return u
		}
	}
}

func newOpenID() string {
	return "oSandbox" + randomString(20, apiV3Chars)
}

func (b *book) add(o *order) {
	b.orders[o.outTradeNo] = o
	if o.transactionID != "" {
		b.byTxn[o.transactionID] = o
	}
	if o.codeURL != "" {
		b.byCode[o.codeURL] = o
	}
}

// find looks an order up by out_trade_no or by code_url.
func (b *book) find(key string) *order {
	if strings.HasPrefix(key, "weixin://") {
		return b.byCode[key]
	}
	return b.orders[key]
}

// settle marks an order paid now.
func (b *book) settle(o *order, now time.Time) {
	o.state = stateSuccess
	o.successTime = now
	if o.transactionID == "" {
		o.transactionID = b.newTransactionID(now)
		b.byTxn[o.transactionID] = o
	}
	if o.openid == "" {
		o.openid = newOpenID()
	}
	delete(b.paying, o)
}

// pay is the customer paying: a Native order by scanning, a payment-code order by
// finishing the password. It returns the notification to send, if any.
func (b *book) pay(key string, now time.Time, s *Server) (*notice, error) {
	o := b.find(key)
	if o == nil {
		return nil, ErrNoSuchOrder
	}
	switch {
	case o.tradeType == tradeMicropay && o.state == stateUserPaying:
		b.settle(o, now)
		return nil, nil // payment-code orders have no notify_url
	case o.tradeType != tradeNative || o.state != stateNotPay:
		return nil, fmt.Errorf("%w: %s is %s", ErrNotPayable, o.outTradeNo, o.state)
	case !now.Before(o.expires):
		return nil, fmt.Errorf("%w: %s expired at %s (time_expire)", ErrNotPayable, o.outTradeNo, o.expires.In(cst).Format(time.RFC3339))
	case !now.Before(o.created.Add(codeURLLifetime)):
		return nil, fmt.Errorf("%w: 二维码已过期 / the code_url of %s is over 2 hours old", ErrNotPayable, o.outTradeNo)
	}
	b.settle(o, now)
	return s.transactionNotice(o, now), nil
}

// fail is the customer giving up the password of a payment-code order.
func (b *book) fail(key string) error {
	o := b.find(key)
	if o == nil {
		return ErrNoSuchOrder
	}
	if o.tradeType != tradeMicropay || o.state != stateUserPaying {
		return fmt.Errorf("%w: only a payment-code order waiting for the password can fail; %s is %s %s",
			ErrNotPayable, o.outTradeNo, o.tradeType, o.state)
	}
	o.state = statePayError
	delete(b.paying, o)
	return nil
}

// advance applies what time has done since the last look: passwords entered, refunds
// arrived. It returns the notifications that became due. Called with s.mu held.
func (s *Server) advance() []notice {
	now := s.now()
	b := s.book
	var notes []notice
	for o := range b.paying {
		if !now.Before(o.payingUntil) {
			b.settle(o, o.payingUntil)
		}
	}
	for r := range b.pending {
		if !now.Before(r.due) {
			r.status = refundSuccess
			r.successTime = r.due
			delete(b.pending, r)
			if n := s.refundNotice(r, now); n != nil {
				notes = append(notes, *n)
			}
		}
	}
	return notes
}

// transaction is the order as the query APIs, codepay and notifications show it.
type transaction struct {
	AppID          string     `json:"appid"`
	MchID          string     `json:"mchid"`
	OutTradeNo     string     `json:"out_trade_no"`
	TransactionID  string     `json:"transaction_id,omitempty"`
	TradeType      string     `json:"trade_type,omitempty"`
	TradeState     string     `json:"trade_state"`
	TradeStateDesc string     `json:"trade_state_desc"`
	BankType       string     `json:"bank_type,omitempty"`
	Attach         string     `json:"attach,omitempty"`
	SuccessTime    string     `json:"success_time,omitempty"`
	Payer          *payerInfo `json:"payer,omitempty"`
	Amount         txnAmount  `json:"amount"`
}

type payerInfo struct {
	OpenID string `json:"openid"`
}

type txnAmount struct {
	Total         int64  `json:"total"`
	PayerTotal    *int64 `json:"payer_total,omitempty"`
	Currency      string `json:"currency"`
	PayerCurrency string `json:"payer_currency"`
}

// view renders an order. Fields that exist only once money moved (transaction_id of a
// Native order, payer, success_time, attach) appear only then, as at WeChat.
func (o *order) view() transaction {
	t := transaction{
		AppID: o.appid, MchID: o.mchid, OutTradeNo: o.outTradeNo,
		TransactionID: o.transactionID, TradeState: o.state, TradeStateDesc: stateDesc[o.state],
		Amount: txnAmount{Total: o.total, Currency: "CNY", PayerCurrency: "CNY"},
	}
	if o.transactionID != "" {
		t.TradeType = o.tradeType
	}
	if !o.successTime.IsZero() {
		total := o.total
		t.Amount.PayerTotal = &total
		t.BankType = "OTHERS"
		t.SuccessTime = o.successTime.In(cst).Format(time.RFC3339)
		t.Payer = &payerInfo{OpenID: o.openid}
	}
	if o.paid() {
		t.Attach = o.attach
	}
	return t
}
