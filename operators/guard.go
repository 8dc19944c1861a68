package operators

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
)

// Guard applies an operator's Policy around its adapter: a bound on calls
// in flight, a circuit breaker and a per-call timeout. It is itself an
// Adapter and a BreakerReporter, and is safe for concurrent use.
type Guard struct {
	name     string
	next     Adapter
	policy   Policy
	slots    chan struct{}
	breaker  *gobreaker.CircuitBreaker[kycmatch.Response]
	openedAt atomic.Int64 // UnixNano of the last change to open
	logger   *slog.Logger
	observer Observer
}

var (
	_ Adapter         = (*Guard)(nil)
	_ BreakerReporter = (*Guard)(nil)
)

// errOperatorUnavailable is what the caller sees when the operator cannot
// be reached, whatever the reason: the reason goes to the log only.
var errOperatorUnavailable = camara.ErrUnavailable.WithMessage("The operator serving this phone number is unavailable; retry later")

// errOperatorTimeout is the cause of a call context whose per-operator
// timeout passed.
var errOperatorTimeout = errors.New("operator timeout")

// NewGuard wraps next, the adapter of the operator called name, in policy
// p. Breaker state changes are logged to deps.Logger and reported to
// deps.Observer.
func NewGuard(name string, next Adapter, p Policy, deps Deps) (*Guard, error) {
	if next == nil {
		return nil, errors.New("operator guard: an adapter is required")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	g := &Guard{
		name:     name,
		next:     next,
		policy:   p,
		slots:    make(chan struct{}, p.MaxConcurrent),
		logger:   logger.With(slog.String("component", "operators")),
		observer: observerOrNop(deps.Observer),
	}
	g.breaker = g.newBreaker()
	return g, nil
}

// Name returns the operator's name.
func (g *Guard) Name() string { return g.name }

// BreakerState returns the breaker's current state.
func (g *Guard) BreakerState() BreakerState { return BreakerState(g.breaker.State()) }

// Match calls the operator within its policy. A call beyond the concurrency
// limit, or refused by an open breaker, is answered at once with 503
// UNAVAILABLE and Retry-After, without touching the operator. A call that
// outlives the timeout is answered 504 TIMEOUT. Each call is a span (see
// startCallSpan) in whose context the adapter runs, so that its HTTP
// exchanges carry the trace to the operator.
func (g *Guard) Match(ctx context.Context, call Call) (kycmatch.Response, error) {
	start := time.Now()
	ctx, span := g.startCallSpan(ctx)
	resp, err := g.match(ctx, call)
	result := outcome(err)
	endCallSpan(span, result, err)
	g.observer.ObserveOperatorCall(g.name, result, time.Since(start))
	return resp, err
}

// match is Match without the observation.
func (g *Guard) match(ctx context.Context, call Call) (kycmatch.Response, error) {
	if !g.acquire() {
		return nil, errOperatorUnavailable.WithRetryAfter(1).WithCause(&guardError{
			operator: g.name, what: fmt.Sprintf("%d calls already in flight", g.policy.MaxConcurrent)})
	}
	defer g.release()
	resp, err := g.breaker.Execute(func() (kycmatch.Response, error) { return g.call(ctx, call) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, g.refusal(err)
	}
	return resp, err
}

// call runs the adapter under the per-operator timeout and classifies its
// failure: the caller's own cancellation or deadline is marked with
// errCallerGone, the operator's timeout becomes 504 TIMEOUT.
func (g *Guard) call(ctx context.Context, call Call) (kycmatch.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, callerGone(ctx, err)
	}
	callCtx, cancel := context.WithTimeoutCause(ctx, g.policy.Timeout, errOperatorTimeout)
	defer cancel()
	resp, err := g.next.Match(callCtx, call)
	switch {
	case err == nil:
		return resp, nil
	case ctx.Err() != nil:
		return nil, callerGone(ctx, err)
	case errors.Is(context.Cause(callCtx), errOperatorTimeout):
		return nil, camara.ErrTimeout.WithMessage("The operator serving this phone number did not answer in time").
			WithCause(&guardError{operator: g.name, what: fmt.Sprintf("no answer within %s", g.policy.Timeout), err: err})
	}
	return nil, err
}

// callerGone is the error of a call whose caller stopped waiting: TIMEOUT
// when the caller's deadline passed, UNAVAILABLE when it cancelled. Its
// cause wraps errCallerGone so that the breaker leaves it out.
func callerGone(ctx context.Context, err error) error {
	cause := fmt.Errorf("%w: %w", errCallerGone, err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return camara.ErrTimeout.WithCause(cause)
	}
	return camara.ErrUnavailable.WithCause(cause)
}

// acquire takes a call slot without waiting.
func (g *Guard) acquire() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release returns a call slot.
func (g *Guard) release() { <-g.slots }

// outcome names the outcome of a call for the observer: "OK" or the CAMARA
// code answered.
func outcome(err error) string {
	if err == nil {
		return "OK"
	}
	return camara.From(err).Code
}

// guardError is the internal cause of an answer the guard gives for an
// operator; it names the operator for the log.
type guardError struct {
	operator string
	what     string
	err      error
}

// Error names the operator and what happened.
func (e *guardError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("operator %q: %s", e.operator, e.what)
	}
	return fmt.Sprintf("operator %q: %s: %v", e.operator, e.what, e.err)
}

// Unwrap returns the underlying error.
func (e *guardError) Unwrap() error { return e.err }
