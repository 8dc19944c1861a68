package operators

import "time"

// Observer receives what the gateway's metrics record about operators. Its
// methods are called on the request path: they must be cheap and safe for
// concurrent use. No argument ever carries personal data.
//
// The method set matches *telemetry.Metrics, so that the metrics registry
// can be passed as is.
type Observer interface {
	// ObserveOperatorCall records one guarded call to an operator: its
	// outcome ("OK" or the CAMARA code answered, e.g. "IDENTIFIER_NOT_FOUND",
	// "UNAVAILABLE", "TIMEOUT") and duration.
	ObserveOperatorCall(operator, outcome string, d time.Duration)
	// SetBreakerState records a breaker state: 0 closed, 1 half-open, 2
	// open (the values of BreakerState).
	SetBreakerState(operator string, state int)
	// ObserveFanout records how many operators one discovery asked.
	ObserveFanout(width int)
}

// nopObserver records nothing.
type nopObserver struct{}

func (nopObserver) ObserveOperatorCall(string, string, time.Duration) {}
func (nopObserver) SetBreakerState(string, int)                       {}
func (nopObserver) ObserveFanout(int)                                 {}

// observerOrNop returns o, or an observer that records nothing when o is
// nil.
func observerOrNop(o Observer) Observer {
	if o == nil {
		return nopObserver{}
	}
	return o
}
