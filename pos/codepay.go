package pos

import (
	"context"
	"errors"
)

// runCode is the goroutine of a payment-code charge.
func (ch *Charge) runCode(ctx context.Context, sale Sale, authCode string) {
	defer ch.finish()
	_, _ = ctx, authCode
	ch.emit(Update{Phase: PhaseError, Sale: sale, Err: errors.New("not implemented yet")})
}
