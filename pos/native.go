package pos

import (
	"context"
	"errors"
)

// runNative is the goroutine of a Native charge.
func (ch *Charge) runNative(ctx context.Context, sale Sale) {
	defer ch.finish()
	_ = ctx
	ch.emit(Update{Phase: PhaseError, Sale: sale, Err: errors.New("not implemented yet")})
}
