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

// observeDepth reports the outbox depth.
func (w *Worker) observeDepth(ctx context.Context) {
	if w.cfg.Observer == nil {
		return
	}
	n, err := w.store.CountPendingEvents(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Warn("counting pending webhook events failed", slog.String("error", err.Error()))
		}
		return
	}
	w.cfg.Observer.SetOutboxDepth(n)
}
