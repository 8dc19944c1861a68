package store

import (
	"context"
	"errors"
	"time"
)

// ErrPayloadPurged refuses to redeliver an event whose payload was erased
// after its retention period.
var ErrPayloadPurged = errors.New("store: the event's payload was purged")

// PurgedPayload is what a purged event's payload becomes: the empty JSON
// object.
var PurgedPayload = []byte(`{}`)

// States of an outbox event.
const (
	// EventPending events wait for a (first or further) delivery attempt.
	EventPending = "pending"
	// EventDelivered events were acknowledged by the receiver with a 2xx.
	EventDelivered = "delivered"
	// EventFailed events were given up after their delivery deadline.
	EventFailed = "failed"
)

// OutboxEvent is a webhook event written in the same transaction as the
// state change it reports, then delivered by the webhook worker.
type OutboxEvent struct {
	// ID is the event id, unique across merchants; receivers deduplicate
	// on it.
	ID string
	// MerchantID owns the event; only that merchant may read it.
	MerchantID string
	// ResourceID is the id of the resource the event reports (a
	// verification id); the events of a resource are delivered in order and
	// deleted with it.
	ResourceID string
	// EventName is the envelope's eventName, e.g. "step_completed".
	EventName string
	// URL is the receiver's endpoint, fixed when the event is written.
	URL string
	// Secret signs the payload (HMAC-SHA256); it is never returned by the
	// API.
	Secret string
	// Payload is the exact JSON body that is delivered.
	Payload []byte
	// Status is EventPending, EventDelivered or EventFailed.
	Status string
	// Attempts counts the delivery attempts made so far.
	Attempts int
	// CreatedAt is when the event was written.
	CreatedAt time.Time
	// NextAttemptAt is when the event is due; while a worker holds the
	// event it is the end of that worker's lease.
	NextAttemptAt time.Time
	// DeliverBy is the deadline after which a failing event is given up.
	DeliverBy time.Time
	// DeliveredAt is when a 2xx was received; zero otherwise.
	DeliveredAt time.Time
	// LastStatusCode is the HTTP status of the last attempt, 0 when there
	// was no response.
	LastStatusCode int
	// LastError describes the last failed attempt, without personal data.
	LastError string
	// PurgedAt is when the payload and the secret were erased (see
	// Outbox.PurgePayloads); zero while they are kept.
	PurgedAt time.Time
}

// DeliveryAttempt is one try to deliver an outbox event.
type DeliveryAttempt struct {
	// EventID is the delivered event.
	EventID string
	// Number is 1 for the first attempt of the event, then 2, 3, ...
	Number int
	// At is when the attempt started.
	At time.Time
	// Duration is how long the attempt took.
	Duration time.Duration
	// StatusCode is the receiver's HTTP status, 0 without a response.
	StatusCode int
	// Error describes a failed attempt; empty on success.
	Error string
}

// AttemptOutcome is what an attempt changes on its event.
type AttemptOutcome struct {
	// Status is the event's new status.
	Status string
	// NextAttemptAt is when a pending event is due again.
	NextAttemptAt time.Time
	// DecidedWith is the event's DeliverBy as the worker read it when it
	// claimed the event. When the event was redelivered during the
	// attempt (its DeliverBy moved), a failed outcome does not stand: the
	// event stays pending, due at NextAttemptAt, as the redelivery asked.
	DecidedWith time.Time
}

// EventQuery filters the events a merchant lists.
type EventQuery struct {
	// ResourceID, when set, keeps the events of one resource.
	ResourceID string
	// Limit caps the number of events; 0 means 100.
	Limit int
}

// Outbox is the durable queue of webhook events and their delivery history.
type Outbox interface {
	// EnqueueEvents writes events in one transaction (status, attempts
	// and times as given). An existing id fails with ErrConflict.
	EnqueueEvents(ctx context.Context, events []OutboxEvent) error
	// ClaimEvents returns up to limit pending events due at now, oldest
	// first, at most one per resource (the oldest pending one, so that the
	// events of a resource are delivered in order), and leases them: their
	// NextAttemptAt becomes now + lease, so another worker (or this one
	// after a crash) takes them again only once the lease has run out.
	ClaimEvents(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxEvent, error)
	// RecordAttempt appends a to the event's history and applies the
	// outcome in one transaction. An unknown event fails with ErrNotFound.
	RecordAttempt(ctx context.Context, a DeliveryAttempt, outcome AttemptOutcome) error
	// GetEvent returns the merchant's event and its attempts, oldest
	// first; another merchant's event is ErrNotFound.
	GetEvent(ctx context.Context, merchantID, eventID string) (OutboxEvent, []DeliveryAttempt, error)
	// ListEvents returns the merchant's events, newest first.
	ListEvents(ctx context.Context, merchantID string, q EventQuery) ([]OutboxEvent, error)
	// RequeueEvent makes the merchant's event pending again, due at now and
	// given up after deliverBy, keeping its history; another merchant's
	// event is ErrNotFound, a purged one ErrPayloadPurged. An event that
	// is pending already keeps its next attempt time (only deliverBy
	// changes): it may be leased by a worker delivering it right now, and
	// making it due again would have a second worker deliver it at once.
	RequeueEvent(ctx context.Context, merchantID, eventID string, now, deliverBy time.Time) (OutboxEvent, error)
	// PurgePayloads erases the payload and the signing secret of up to
	// limit events, oldest first, that finished at or before cutoff and
	// are not purged yet. An event finishes when it is delivered (at
	// DeliveredAt) or given up (failed, at NextAttemptAt). The payload
	// becomes PurgedPayload, the secret empty and PurgedAt now; the id,
	// status, attempts, times and attempt history remain. Each event is
	// purged whole or not at all, and an event requeued meanwhile is left
	// alone. It returns the number of events purged.
	PurgePayloads(ctx context.Context, cutoff, now time.Time, limit int) (int, error)
	// CountPendingEvents returns the number of events waiting for
	// delivery (status pending, due or not, leased or not), across every
	// merchant: the outbox depth.
	CountPendingEvents(ctx context.Context) (int, error)
}

// KeepRedelivery is the outcome a store records when the event's stored
// DeliverBy is deliverBy: a failure decided with an earlier delivery window
// than the stored one (the event was redelivered during the attempt) makes
// the event pending again instead, due at the outcome's NextAttemptAt.
func KeepRedelivery(outcome AttemptOutcome, deliverBy time.Time) AttemptOutcome {
	if outcome.Status == EventFailed && !outcome.DecidedWith.IsZero() && deliverBy.After(outcome.DecidedWith) {
		outcome.Status = EventPending
	}
	return outcome
}
