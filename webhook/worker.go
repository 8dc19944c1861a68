package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/kycgate/kycgate/store"
)

// Worker delivers the outbox's due events. Run it once per process; it is
// safe for concurrent use.
type Worker struct {
	store  store.Outbox
	cfg    Config
	client *http.Client
	logger *slog.Logger
	wake   chan struct{}
	random func() float64
	now    func() time.Time
}

// NewWorker returns a worker over st. It does not start delivering until
// Run is called.
func NewWorker(st store.Outbox, cfg Config, logger *slog.Logger) (*Worker, error) {
	if st == nil {
		return nil, errors.New("webhook: a store is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Worker{
		store:  st,
		cfg:    cfg,
		client: NewHTTPClient(cfg.Guard, cfg.Timeout),
		logger: logger.With(slog.String("component", "webhooks")),
		wake:   make(chan struct{}, 1),
		random: rand.Float64,
		now:    time.Now,
	}, nil
}

// Guard returns the worker's target guard, for checking URLs when they are
// configured.
func (w *Worker) Guard() Guard { return w.cfg.Guard }

// NewEvent returns the outbox row for m, due now and retried for the
// configured delivery window, its signing secret sealed when Secrets is
// configured.
func (w *Worker) NewEvent(m Message) store.OutboxEvent {
	at := m.At
	if at.IsZero() {
		at = w.now()
	}
	e := newEvent(m, at, w.cfg.DeliveryWindow)
	e.Secret = w.cfg.Secrets.Seal(e.Secret, secretRecord(e.ID))
	return e
}

// secretRecord names an event as the additional data of its sealed secret,
// so that a sealed secret copied to another event does not open.
func secretRecord(eventID string) string { return "webhook event " + eventID }

// Notify wakes the worker after events were written, so it does not wait
// for the next poll.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Redeliver makes the merchant's event pending again, due now and retried
// for a new delivery window, and wakes the worker. Another merchant's event
// is store.ErrNotFound; an event whose payload was erased after its
// retention is store.ErrPayloadPurged.
func (w *Worker) Redeliver(ctx context.Context, merchantID, eventID string) (store.OutboxEvent, error) {
	now := w.now()
	e, err := w.store.RequeueEvent(ctx, merchantID, eventID, now, now.Add(w.cfg.DeliveryWindow))
	if err != nil {
		return store.OutboxEvent{}, err
	}
	w.Notify()
	return e, nil
}

// Run delivers due events until ctx ends, then waits for the deliveries in
// flight (each bounded by the attempt timeout) so their outcome is
// recorded. With an Observer it reports the outbox depth every poll
// interval. It also erases the payloads
// past their retention: at start, then every purge interval.
func (w *Worker) Run(ctx context.Context) error {
	slots := make(chan struct{}, w.cfg.Concurrency)
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	ticker := time.NewTicker(w.cfg.PollInterval)
	defer ticker.Stop()
	w.observeDepth(ctx)
	nextPurge := w.purgeIfDue(ctx, time.Time{})
	for {
		w.dispatch(ctx, slots, &inFlight)
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-ticker.C:
			w.observeDepth(ctx)
			nextPurge = w.purgeIfDue(ctx, nextPurge)
		}
	}
}

// dispatch claims as many due events as there are free slots and delivers
// each in its own goroutine. A full batch triggers another round at once.
func (w *Worker) dispatch(ctx context.Context, slots chan struct{}, inFlight *sync.WaitGroup) {
	free := cap(slots) - len(slots)
	if free == 0 || ctx.Err() != nil {
		return
	}
	events, err := w.store.ClaimEvents(ctx, w.now(), w.cfg.Lease, free)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("claiming webhook events failed", slog.String("error", err.Error()))
		}
		return
	}
	detached := context.WithoutCancel(ctx)
	for _, e := range events {
		slots <- struct{}{}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			defer func() { <-slots; w.Notify() }()
			w.deliver(detached, e)
		}()
	}
}

// deliver makes one attempt and records it with its outcome.
func (w *Worker) deliver(ctx context.Context, e store.OutboxEvent) {
	start := w.now()
	status, err := w.post(ctx, e)
	attempt := store.DeliveryAttempt{EventID: e.ID, At: start, Duration: w.now().Sub(start), StatusCode: status}
	outcome := store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: start}
	if err != nil {
		attempt.Error = describe(err)
		outcome = w.failure(e, err)
	}
	outcome.DecidedWith = e.DeliverBy
	if rerr := w.store.RecordAttempt(ctx, attempt, outcome); errors.Is(rerr, store.ErrNotFound) {
		// The event was deleted with its resource during the attempt:
		// there is nothing left to record or to retry.
		w.logger.Info("a webhook event was deleted during its attempt", slog.String("event_id", e.ID))
		return
	} else if rerr != nil {
		// The lease runs out and the event is attempted again.
		w.logger.Error("recording a webhook attempt failed", slog.String("event_id", e.ID), slog.String("error", rerr.Error()))
		return
	}
	w.observeAttempt(outcome)
	w.logAttempt(e, attempt, outcome)
}

// failure decides what follows a failed attempt: a retry after the backoff
// while the deadline allows, otherwise (or for a refused target) failed.
func (w *Worker) failure(e store.OutboxEvent, err error) store.AttemptOutcome {
	now := w.now()
	var secretErr errSecret
	if errors.Is(err, ErrForbiddenTarget) || errors.As(err, &secretErr) { // retrying cannot help
		return store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: now}
	}
	next := now.Add(Backoff(e.Attempts+1, w.cfg.InitialBackoff, w.cfg.MaxBackoff, w.random))
	if next.After(e.DeliverBy) {
		return store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: now}
	}
	return store.AttemptOutcome{Status: store.EventPending, NextAttemptAt: next}
}

// logAttempt records the attempt without the payload, the URL or the secret.
func (w *Worker) logAttempt(e store.OutboxEvent, a store.DeliveryAttempt, o store.AttemptOutcome) {
	level := slog.LevelInfo
	if o.Status != store.EventDelivered {
		level = slog.LevelWarn
	}
	w.logger.LogAttrs(context.Background(), level, "webhook attempt",
		slog.String("event_id", e.ID),
		slog.String("event_name", e.EventName),
		slog.String("merchant_id", e.MerchantID),
		slog.Int("attempt", e.Attempts+1),
		slog.Int("status_code", a.StatusCode),
		slog.String("error", a.Error),
		slog.String("outcome", o.Status),
		slog.Duration("duration", a.Duration))
}

// errStatus is a non-2xx answer.
type errStatus int

func (e errStatus) Error() string { return fmt.Sprintf("receiver answered HTTP %d", int(e)) }
