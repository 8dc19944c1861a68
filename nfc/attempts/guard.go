package attempts

import (
	"context"
	"time"

	"github.com/kycgate/kycgate/store"
)

// BlockedError means the client's address or the code reached its limit of
// failed attempts.
type BlockedError struct {
	// RetryAfter is how long until the next attempt may be made.
	RetryAfter time.Duration
}

// Error describes the block without naming the address or the code.
func (e *BlockedError) Error() string {
	return "too many failed attempts; retry in " + e.RetryAfter.Round(time.Second).String()
}

// Guard limits the failed attempts at a secret code twice: per client
// address (AddressKey) and per code value, each limit on its own.
type Guard struct {
	byAddress *Limiter
	byCode    *Limiter
}

// NewGuard returns a guard whose counts, named after name, live in
// counters: at most perAddress failures from one address and perCode
// failures naming one code within window.
func NewGuard(counters store.Counters, name string, perAddress, perCode int, window time.Duration) (*Guard, error) {
	byAddress, err := New(counters, name+".address", perAddress, window)
	if err != nil {
		return nil, err
	}
	byCode, err := New(counters, name+".code", perCode, window)
	if err != nil {
		return nil, err
	}
	return &Guard{byAddress: byAddress, byCode: byCode}, nil
}

// Do runs try for an attempt from addr naming code at now, unless the
// address or the code is blocked, in which case it returns a
// *BlockedError without running try. The attempt counts as a failure of
// both when failed(try's error) is true; otherwise it leaves no trace.
// Do returns try's error as it is.
func (g *Guard) Do(ctx context.Context, addr, code string, now time.Time, try func() error, failed func(error) bool) error {
	addrSlot, wait, err := g.byAddress.Reserve(ctx, AddressKey(addr), now)
	if err != nil || wait > 0 {
		return blockedOr(wait, err)
	}
	codeSlot, wait, err := g.byCode.Reserve(ctx, code, now)
	if err != nil || wait > 0 {
		_ = addrSlot.Release(ctx)
		return blockedOr(wait, err)
	}
	tryErr := try()
	if tryErr == nil || !failed(tryErr) {
		// A slot that cannot be given back stays counted as a failure:
		// the limit errs on the safe side and the attempt's own answer
		// is not lost.
		_ = addrSlot.Release(ctx)
		_ = codeSlot.Release(ctx)
	}
	return tryErr
}

// blockedOr returns err, or a *BlockedError for wait when err is nil.
func blockedOr(wait time.Duration, err error) error {
	if err != nil {
		return err
	}
	return &BlockedError{RetryAfter: wait}
}
