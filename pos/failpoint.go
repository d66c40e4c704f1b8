package pos

import (
	"os"
	"sync/atomic"
	"time"
)

// Failpoints are named step boundaries of the checkout where a crash test stops the
// process (docs/CHECKOUT.md, "Crash points"). In production no hook is set and a
// failpoint costs one atomic load.
const (
	FailAfterRecord   = "after-record"    // sale recorded PENDING, prepay not sent
	FailAfterPrepay   = "after-prepay"    // prepay (or codepay) answered, answer not saved
	FailAwaiting      = "awaiting"        // AWAITING saved, first query answered NOTPAY
	FailAfterSuccess  = "after-success"   // query said SUCCESS, PAID not saved
	FailBeforeClose   = "before-close"    // CloseWanted saved, close not sent
	FailDuringClose   = "during-close"    // close answered, CLOSED not saved
	FailRefundRecord  = "refund-recorded" // refund recorded PENDING, not sent
	FailDuringRefund  = "during-refund"   // refund answered, answer not saved
	FailpointEnv      = "WXTILL_FAILPOINT"
	failpointDisarmed = ""
)

var failHook atomic.Pointer[func(name string)]

// SetFailpointHook makes every failpoint call f with its name; nil removes the hook.
func SetFailpointHook(f func(name string)) {
	if f == nil {
		failHook.Store(nil)
		return
	}
	failHook.Store(&f)
}

// ArmFailpointFromEnv reads WXTILL_FAILPOINT; when it names a failpoint, the process
// kills itself (SIGKILL on Unix: no deferred code, no flush) when it gets there. It
// returns the armed name, "" when none.
func ArmFailpointFromEnv() string {
	name := os.Getenv(FailpointEnv)
	if name == failpointDisarmed {
		return ""
	}
	SetFailpointHook(func(hit string) {
		if hit != name {
			return
		}
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			_ = p.Kill()
			time.Sleep(time.Hour) // the signal is on its way: go no further
		}
	})
	return name
}

// failpoint marks a step boundary.
func failpoint(name string) {
	if f := failHook.Load(); f != nil {
		(*f)(name)
	}
}
