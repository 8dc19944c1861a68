package operators

import (
	"context"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
)

// answer is one operator's reply during fan-out.
type answer struct {
	route int
	resp  kycmatch.Response
	err   error
}

// fanOut asks the candidate routes concurrently, at most Width at a time,
// and returns the first answer that shows the operator holds the number
// (see holdsNumber); the calls still running are cancelled. Without such
// an answer it returns 404 IDENTIFIER_NOT_FOUND when every operator said
// so, and 503 UNAVAILABLE when at least one could not answer.
func (d *Dispatcher) fanOut(ctx context.Context, call Call, candidates []int) (answer, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make(chan answer, len(candidates))
	next, inFlight := 0, 0
	defer func() { d.observer.ObserveFanout(next) }()
	var failures []error
	for next < len(candidates) || inFlight > 0 {
		for ; inFlight < d.opts.Width && next < len(candidates); next, inFlight = next+1, inFlight+1 {
			go d.askInto(ctx, candidates[next], call, answers)
		}
		select {
		case a := <-answers:
			inFlight--
			switch {
			case holdsNumber(a.err):
				return a, nil
			case !errors.Is(a.err, camara.ErrIdentifierNotFound):
				failures = append(failures, a.err)
			}
		case <-ctx.Done():
			return answer{}, callerGone(ctx, ctx.Err())
		}
	}
	if len(failures) > 0 {
		return answer{}, errOperatorUnavailable.WithCause(
			fmt.Errorf("discovery: %d of %d operators could not answer: %w", len(failures), len(candidates), errors.Join(failures...)))
	}
	return answer{}, camara.ErrIdentifierNotFound
}

// askInto calls route i and sends its answer. A panicking adapter becomes
// an INTERNAL answer: the panic must not take the process down from a
// goroutine the request's recovery does not cover.
func (d *Dispatcher) askInto(ctx context.Context, i int, call Call, answers chan<- answer) {
	defer func() {
		if v := recover(); v != nil {
			answers <- answer{route: i, err: camara.ErrInternal.WithCause(
				fmt.Errorf("operator %q panicked during discovery: %v", d.router.routes[i].Name, v))}
		}
	}()
	resp, err := d.router.routes[i].Adapter.Match(ctx, call)
	answers <- answer{route: i, resp: resp, err: err}
}

// holdsNumber reports whether an operator's answer settles the call: a
// match result, or a CAMARA 4xx error other than IDENTIFIER_NOT_FOUND and
// TOO_MANY_REQUESTS (such as an idDocument error or
// SERVICE_NOT_APPLICABLE), which the operator only gives for its own
// subscribers. Failures to answer (5xx, timeouts) settle nothing.
func holdsNumber(err error) bool {
	if err == nil {
		return true
	}
	var e *camara.Error
	if !errors.As(err, &e) || e.Status >= 500 {
		return false
	}
	return !errors.Is(e, camara.ErrIdentifierNotFound) && !errors.Is(e, camara.ErrTooManyRequests)
}
