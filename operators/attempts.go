package operators

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// AttemptObserver receives one observation per HTTP attempt an adapter
// makes to its operator (a retry is a second attempt). Its method is called
// on the request path: it must be cheap and safe for concurrent use. The
// arguments never carry personal data. *telemetry.Metrics implements it.
type AttemptObserver interface {
	// ObserveOperatorAttempt records one attempt: the operator's configured
	// name, the outcome (see AttemptOutcome) and the attempt's duration up
	// to the response headers or the error.
	ObserveOperatorAttempt(operator, outcome string, d time.Duration)
}

// CountAttempts is a RoundTripperDecorator that reports every HTTP attempt
// to o, labelled with the operator and the attempt's outcome. Nothing of the
// request (URL, headers, body) is reported.
func CountAttempts(o AttemptObserver) RoundTripperDecorator {
	return func(operator string, next http.RoundTripper) http.RoundTripper {
		if o == nil {
			return next
		}
		return &attemptCounter{operator: operator, next: next, observer: o}
	}
}

// attemptCounter is the RoundTripper of CountAttempts.
type attemptCounter struct {
	operator string
	next     http.RoundTripper
	observer AttemptObserver
}

// RoundTrip forwards the request and reports its outcome.
func (c *attemptCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := c.next.RoundTrip(req)
	c.observer.ObserveOperatorAttempt(c.operator, AttemptOutcome(req.Context(), res, err), time.Since(start))
	return res, err
}

// AttemptOutcome names the outcome of one HTTP attempt, from a small fixed
// set: the status class ("2xx", "3xx", "4xx", "5xx") when the operator
// answered, "timeout" when the attempt's deadline passed, "canceled" when
// its context was cancelled, and "error" for any other transport failure
// (refused or reset connection, TLS failure, malformed response).
func AttemptOutcome(ctx context.Context, res *http.Response, err error) string {
	switch {
	case err == nil && res != nil:
		return strconv.Itoa(res.StatusCode/100) + "xx"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return "canceled"
	}
	return "error"
}
