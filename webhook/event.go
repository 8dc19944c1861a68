package webhook

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/kycgate/kycgate/store"
)

// Message is an event to write to the outbox.
type Message struct {
	// MerchantID owns the event.
	MerchantID string
	// ResourceID is the id of the resource the event reports.
	ResourceID string
	// EventName is the envelope's eventName.
	EventName string
	// URL and Secret are the receiver's endpoint and signing key.
	URL    string
	Secret string
	// Payload is the JSON body.
	Payload []byte
	// At is when the event happened, sent as x-event-timestamp; the
	// producer passes the time its payload states, so that header and body
	// agree. Zero means the time the event is made.
	At time.Time
}

// newEvent returns the outbox row for m: a fresh event id, pending and due at
// now, to be given up after now + window. Its secret is m's as given:
// Worker.NewEvent, the way events are made, seals it.
func newEvent(m Message, now time.Time, window time.Duration) store.OutboxEvent {
	return store.OutboxEvent{
		ID:            NewEventID(),
		MerchantID:    m.MerchantID,
		ResourceID:    m.ResourceID,
		EventName:     m.EventName,
		URL:           m.URL,
		Secret:        m.Secret,
		Payload:       m.Payload,
		Status:        store.EventPending,
		CreatedAt:     now,
		NextAttemptAt: now,
		DeliverBy:     now.Add(window),
	}
}

// NewEventID returns a random 128-bit id as 32 lower-case hex digits.
func NewEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// FormatTimestamp writes t as the envelopes do: RFC 3339 UTC with
// milliseconds, e.g. 2023-05-26T20:29:16.634Z.
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
