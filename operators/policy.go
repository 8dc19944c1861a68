package operators

import (
	"errors"
	"fmt"
	"time"
)

// Policy is how the gateway treats one operator, whatever its adapter type:
// how long a call may take, how many calls may be in flight, and when its
// circuit breaker opens and closes.
type Policy struct {
	// Timeout bounds one call. An operator that has not answered by then
	// is answered 504 TIMEOUT and counted as a failure.
	Timeout time.Duration
	// MaxConcurrent caps the calls in flight. A call beyond it is refused
	// at once with 503 UNAVAILABLE; calls are never queued.
	MaxConcurrent int
	// Breaker configures the circuit breaker.
	Breaker BreakerPolicy
}

// BreakerPolicy configures an operator's circuit breaker.
type BreakerPolicy struct {
	// Failures is the number of failed calls in a row that opens the
	// breaker. Timeouts, 5xx answers and transport errors are failures;
	// CAMARA 4xx answers and calls the caller abandoned are not.
	Failures int
	// OpenFor is how long an open breaker refuses calls, without touching
	// the operator, before it lets probe calls through (half-open).
	OpenFor time.Duration
	// HalfOpenCalls is the number of probe calls let through while
	// half-open: that many successes close the breaker, and one failure
	// opens it again.
	HalfOpenCalls int
}

// DefaultPolicy returns the policy of an operator configured without policy
// keys: 5 s timeout, 64 calls in flight, a breaker that opens after 5
// failures in a row for 30 s and closes after 1 successful probe.
func DefaultPolicy() Policy {
	return Policy{
		Timeout:       5 * time.Second,
		MaxConcurrent: 64,
		Breaker:       BreakerPolicy{Failures: 5, OpenFor: 30 * time.Second, HalfOpenCalls: 1},
	}
}

// Validate reports every value of p that is out of range.
func (p Policy) Validate() error {
	var errs []error
	if p.Timeout <= 0 {
		errs = append(errs, errors.New("timeout must be positive"))
	}
	if p.MaxConcurrent < 1 {
		errs = append(errs, errors.New("max concurrent calls must be at least 1"))
	}
	if p.Breaker.Failures < 1 {
		errs = append(errs, errors.New("breaker failures must be at least 1"))
	}
	if p.Breaker.OpenFor <= 0 {
		errs = append(errs, errors.New("breaker open period must be positive"))
	}
	if p.Breaker.HalfOpenCalls < 1 {
		errs = append(errs, errors.New("breaker half-open calls must be at least 1"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("operator policy: %w", errors.Join(errs...))
	}
	return nil
}
