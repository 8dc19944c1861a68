package operators

import (
	"context"
	"sync/atomic"

	"github.com/kycgate/kycgate/kycmatch"
)

// answerFunc is a scripted adapter's behaviour.
type answerFunc func(ctx context.Context, call Call) (kycmatch.Response, error)

// scripted is an adapter whose answer a test chooses and may change while
// calls run; it counts its calls.
type scripted struct {
	answer atomic.Pointer[answerFunc]
	calls  atomic.Int64
}

// script returns a scripted adapter with behaviour f.
func script(f answerFunc) *scripted {
	s := &scripted{}
	s.set(f)
	return s
}

// set replaces the behaviour.
func (s *scripted) set(f answerFunc) { s.answer.Store(&f) }

// Match counts the call and gives the scripted answer.
func (s *scripted) Match(ctx context.Context, call Call) (kycmatch.Response, error) {
	s.calls.Add(1)
	return (*s.answer.Load())(ctx, call)
}

// always returns the behaviour that gives resp and err.
func always(resp kycmatch.Response, err error) answerFunc {
	return func(context.Context, Call) (kycmatch.Response, error) { return resp, err }
}

// answers returns a scripted adapter that always gives resp and err.
func answers(resp kycmatch.Response, err error) *scripted { return script(always(resp, err)) }

// waitsForCancel returns a scripted adapter that answers only when its
// context ends, and closes cancelled then.
func waitsForCancel(cancelled chan<- struct{}) *scripted {
	return script(func(ctx context.Context, _ Call) (kycmatch.Response, error) {
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	})
}

// found is a match answer.
var found = kycmatch.Response{"givenName": {Result: kycmatch.True}}
