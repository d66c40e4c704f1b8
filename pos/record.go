package pos

import (
	"errors"
	"fmt"
)

// Building sales from carts and writing them: the only place the checkout writes sales.

// NewSale builds a sale of cart (not yet recorded): lines copied, totals checked.
func NewSale(cart Cart, method Method, outTradeNo, shop string, ceiling Money) (Sale, error) {
	if len(cart.Lines) == 0 {
		return Sale{}, ErrCartEmpty
	}
	total, err := checkedTotal(cart, ceiling)
	if err != nil {
		return Sale{}, err
	}
	return Sale{
		OutTradeNo:  outTradeNo,
		Method:      method,
		State:       StatePending,
		Lines:       append([]Line(nil), cart.Lines...),
		Discount:    cart.Discount,
		Total:       total,
		Description: Describe(shop, cart.Lines),
	}, nil
}

// maxCeiling bounds any configured ceiling (¥10 billion) so sums stay far from overflow.
const maxCeiling Money = 1 << 40

// checkedTotal is the cart's total, checked line by line so that no sum can overflow:
// every line must be a sane positive amount and the total must be within the ceiling.
func checkedTotal(cart Cart, ceiling Money) (Money, error) {
	if ceiling <= 0 {
		ceiling = DefaultCeiling
	}
	ceiling = min(ceiling, maxCeiling)
	var sub Money
	for _, l := range cart.Lines {
		if l.Qty < 1 || l.Qty > MaxQty || l.UnitPrice <= 0 {
			return 0, fmt.Errorf("cart line %q is not valid (price %s, quantity %d)", l.Name, l.UnitPrice, l.Qty)
		}
		if l.UnitPrice > ceiling {
			return 0, fmt.Errorf("%w (%s): line %q", ErrAmountTooLarge, ceiling, l.Name)
		}
		if sub += l.Amount(); sub > ceiling*MaxQty { // far above any legal total, far below overflow
			return 0, fmt.Errorf("%w (%s)", ErrAmountTooLarge, ceiling)
		}
	}
	if cart.Discount < 0 || cart.Discount >= sub {
		return 0, ErrDiscountRange
	}
	total := sub - cart.Discount
	if total > ceiling {
		return 0, fmt.Errorf("%w (%s)", ErrAmountTooLarge, ceiling)
	}
	return total, nil
}

// newSale builds the next sale of this till.
func (c *Checkout) newSale(cart Cart, method Method) (Sale, error) {
	now := c.cfg.Clock.Now()
	s, err := NewSale(cart, method, NewOutTradeNo(c.cfg.TillID, now), c.cfg.Shop, c.cfg.Ceiling)
	if err != nil {
		return Sale{}, err
	}
	s.TillID, s.Cashier = c.cfg.TillID, c.currentCashier()
	s.CreatedAt, s.UpdatedAt = now, now
	return s, nil
}

// createSale records s; on the (astronomically rare) clash of numbers it takes a new one.
func (c *Checkout) createSale(s *Sale, ev Event) error {
	for try := 0; ; try++ {
		err := c.cfg.Ledger.CreateSale(*s, ev)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrDuplicate) || try == 3 {
			return fmt.Errorf("recording the sale failed / 交易记录失败: %w", err)
		}
		s.OutTradeNo = NewOutTradeNo(c.cfg.TillID, s.CreatedAt)
		ev.OutTradeNo = s.OutTradeNo
	}
}

// event describes the change of s from state from (empty for a first record).
func (c *Checkout) event(s Sale, from State, note string) Event {
	actor := s.Cashier
	if actor == "" {
		actor = "cashier"
	}
	return Event{OutTradeNo: s.OutTradeNo, At: c.cfg.Clock.Now(), From: from, To: s.State, Actor: actor, Note: note}
}

// save writes next over prev with an event by actor; on success prev becomes next.
func (c *Checkout) save(prev *Sale, next Sale, actor, note string) error {
	next.UpdatedAt = c.cfg.Clock.Now()
	ev := Event{OutTradeNo: next.OutTradeNo, At: next.UpdatedAt, From: prev.State, To: next.State, Actor: actor, Note: note}
	if err := c.cfg.Ledger.UpdateSale(next, ev); err != nil {
		return fmt.Errorf("saving sale %s failed / 保存交易失败: %w", next.OutTradeNo, err)
	}
	*prev = next
	return nil
}
