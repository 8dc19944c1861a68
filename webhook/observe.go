package webhook

import (
	"context"
	"log/slog"

	"github.com/kycgate/kycgate/store"
)

// Outcomes of a delivery attempt, as reported to the Observer.
const (
	// OutcomeDelivered is an attempt answered with a 2xx.
	OutcomeDelivered = "delivered"
	// OutcomeRetry is a failed attempt that will be retried.
	OutcomeRetry = "retry"
	// OutcomeFailed is a failed attempt after which the event is given up
	// (deadline passed or target refused).
	OutcomeFailed = "failed"
)

// Observer receives the worker's measurements; *telemetry.Metrics
// implements it.
type Observer interface {
	// CountWebhookDelivery records one recorded attempt's outcome:
	// OutcomeDelivered, OutcomeRetry or OutcomeFailed.
	CountWebhookDelivery(outcome string)
	// SetOutboxDepth records the number of events waiting for delivery.
	SetOutboxDepth(n int)
}

// PendingCounter is an optional capability of an outbox store: counting
// the events waiting for delivery (status pending, due or not, leased or
// not), across every merchant and replica. When the worker's store has it
// and an Observer is configured, the worker reports the outbox depth at
// start and then every poll interval.
type PendingCounter interface {
	// CountPendingEvents returns the number of pending events.
	CountPendingEvents(ctx context.Context) (int, error)
}

// outcomeOf maps an attempt's recorded outcome to the Observer's label.
func outcomeOf(o store.AttemptOutcome) string {
	switch o.Status {
	case store.EventDelivered:
		return OutcomeDelivered
	case store.EventPending:
		return OutcomeRetry
	default:
		return OutcomeFailed
	}
}

// observeAttempt reports a recorded attempt's outcome.
func (w *Worker) observeAttempt(o store.AttemptOutcome) {
	if w.cfg.Observer != nil {
		w.cfg.Observer.CountWebhookDelivery(outcomeOf(o))
	}
}

// observeDepth reports the outbox depth when the store can count it.
func (w *Worker) observeDepth(ctx context.Context) {
	counter, ok := w.store.(PendingCounter)
	if w.cfg.Observer == nil || !ok {
		return
	}
	n, err := counter.CountPendingEvents(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Warn("counting pending webhook events failed", slog.String("error", err.Error()))
		}
		return
	}
	w.cfg.Observer.SetOutboxDepth(n)
}
