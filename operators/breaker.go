package operators

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
)

// BreakerState is the state of an operator's circuit breaker. Its values
// are those of gobreaker and of Observer.SetBreakerState.
type BreakerState int

// The breaker states.
const (
	// BreakerClosed lets every call through.
	BreakerClosed BreakerState = BreakerState(gobreaker.StateClosed)
	// BreakerHalfOpen lets a few probe calls through.
	BreakerHalfOpen BreakerState = BreakerState(gobreaker.StateHalfOpen)
	// BreakerOpen refuses every call without touching the operator.
	BreakerOpen BreakerState = BreakerState(gobreaker.StateOpen)
)

// String returns "closed", "half-open" or "open".
func (s BreakerState) String() string { return gobreaker.State(s).String() }

// BreakerReporter is implemented by adapters that sit behind a circuit
// breaker, such as Guard. The health endpoint reports their state.
type BreakerReporter interface {
	BreakerState() BreakerState
}

// errCallerGone marks a call whose caller stopped waiting (the request was
// cancelled, or fan-out found the number elsewhere). Such calls say nothing
// about the operator's health and are left out of the breaker's counts.
var errCallerGone = errors.New("the caller no longer waits for the answer")

// newBreaker builds the breaker of a guard from its policy.
func (g *Guard) newBreaker() *gobreaker.CircuitBreaker[kycmatch.Response] {
	failures := uint32(g.policy.Breaker.Failures)
	return gobreaker.NewCircuitBreaker[kycmatch.Response](gobreaker.Settings{
		Name:        g.name,
		MaxRequests: uint32(g.policy.Breaker.HalfOpenCalls),
		Timeout:     g.policy.Breaker.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= failures
		},
		OnStateChange: g.stateChanged,
		IsSuccessful:  countsAsSuccess,
		IsExcluded:    func(err error) bool { return errors.Is(err, errCallerGone) },
	})
}

// countsAsSuccess reports whether an outcome shows a healthy operator: an
// answer, or a CAMARA 4xx error (the operator answered properly about the
// request). Timeouts, 5xx and every other error are failures.
func countsAsSuccess(err error) bool {
	if err == nil {
		return true
	}
	var e *camara.Error
	return errors.As(err, &e) && e.Status < 500
}

// stateChanged records a state change: the time the breaker opened, for
// Retry-After, one log line, and the observer's gauge. It runs under the
// breaker's lock and must not call the breaker.
func (g *Guard) stateChanged(name string, from, to gobreaker.State) {
	if to == gobreaker.StateOpen {
		g.openedAt.Store(time.Now().UnixNano())
	}
	level := slog.LevelInfo
	if to == gobreaker.StateOpen {
		level = slog.LevelWarn
	}
	g.logger.LogAttrs(context.Background(), level, "operator breaker state changed",
		slog.String("operator", name),
		slog.String("from", from.String()),
		slog.String("to", to.String()))
	g.observer.SetBreakerState(name, int(to))
}

// refusal is the answer of a breaker that lets no call through: 503
// UNAVAILABLE with Retry-After, the seconds left until the breaker lets a
// probe through (at least 1).
func (g *Guard) refusal(err error) *camara.Error {
	retryAfter := 1
	if errors.Is(err, gobreaker.ErrOpenState) {
		retryAfter = g.secondsUntilHalfOpen(time.Now())
	}
	return errOperatorUnavailable.WithRetryAfter(retryAfter).
		WithCause(&guardError{operator: g.name, what: "circuit breaker refused the call", err: err})
}

// secondsUntilHalfOpen returns the whole seconds, rounded up and at least
// 1, until an open breaker lets a probe through.
func (g *Guard) secondsUntilHalfOpen(now time.Time) int {
	halfOpenAt := time.Unix(0, g.openedAt.Load()).Add(g.policy.Breaker.OpenFor)
	left := halfOpenAt.Sub(now)
	seconds := int((left + time.Second - 1) / time.Second)
	return max(seconds, 1)
}
