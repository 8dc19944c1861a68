package identity

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/kycgate/kycgate/store"
)

// DeliveryView is a webhook event and its delivery state, as the merchant
// reads it. The signing secret is never shown.
type DeliveryView struct {
	// ID is the event id, sent as x-event-id.
	ID string `json:"id"`
	// EventName is the envelope's eventName.
	EventName string `json:"eventName"`
	// VerificationID is the verification the event reports.
	VerificationID string `json:"verificationId,omitempty"`
	// URL is where the event is delivered.
	URL string `json:"url"`
	// Status is pending, delivered or failed.
	Status string `json:"status"`
	// Attempts counts the delivery attempts.
	Attempts int `json:"attempts"`
	// CreatedAt, NextAttemptAt (while pending) and DeliveredAt are RFC 3339
	// UTC with milliseconds.
	CreatedAt     string `json:"createdAt"`
	NextAttemptAt string `json:"nextAttemptAt,omitempty"`
	DeliveredAt   string `json:"deliveredAt,omitempty"`
	// LastStatusCode and LastError describe the last failed attempt.
	LastStatusCode int    `json:"lastStatusCode,omitempty"`
	LastError      string `json:"lastError,omitempty"`
	// Payload is the delivered body (in GetDelivery only); {} once purged.
	Payload json.RawMessage `json:"payload,omitempty"`
	// PayloadPurgedAt is when the payload was erased after the retention
	// period.
	PayloadPurgedAt string `json:"payloadPurgedAt,omitempty"`
	// History lists the attempts (in GetDelivery only).
	History []AttemptView `json:"history,omitempty"`
}

// AttemptView is one delivery attempt.
type AttemptView struct {
	// Number is 1 for the first attempt.
	Number int `json:"number"`
	// At is when the attempt started.
	At string `json:"at"`
	// DurationMs is how long it took.
	DurationMs float64 `json:"durationMs"`
	// StatusCode is the receiver's answer, absent without one.
	StatusCode int `json:"statusCode,omitempty"`
	// Error describes a failed attempt.
	Error string `json:"error,omitempty"`
}

func deliveryView(e store.OutboxEvent) DeliveryView {
	v := DeliveryView{
		ID: e.ID, EventName: e.EventName, VerificationID: e.ResourceID, URL: e.URL, Status: e.Status,
		Attempts: e.Attempts, CreatedAt: formatTime(e.CreatedAt), DeliveredAt: formatTime(e.DeliveredAt),
		LastStatusCode: e.LastStatusCode, LastError: e.LastError, PayloadPurgedAt: formatTime(e.PurgedAt),
	}
	if e.Status == store.EventPending {
		v.NextAttemptAt = formatTime(e.NextAttemptAt)
	}
	return v
}

// ListDeliveries returns the merchant's webhook events, newest first,
// optionally those of one verification.
func (s *Service) ListDeliveries(ctx context.Context, merchantID, verificationID string, limit int) ([]DeliveryView, error) {
	events, err := s.store.ListEvents(ctx, merchantID, store.EventQuery{ResourceID: verificationID, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]DeliveryView, 0, len(events))
	for _, e := range events {
		out = append(out, deliveryView(e))
	}
	return out, nil
}

// GetDelivery returns one of the merchant's events with its payload and
// attempt history.
func (s *Service) GetDelivery(ctx context.Context, merchantID, eventID string) (DeliveryView, error) {
	e, attempts, err := s.store.GetEvent(ctx, merchantID, eventID)
	if errors.Is(err, store.ErrNotFound) {
		return DeliveryView{}, notFound("webhook event")
	}
	if err != nil {
		return DeliveryView{}, err
	}
	v := deliveryView(e)
	v.Payload = e.Payload
	for _, a := range attempts {
		v.History = append(v.History, AttemptView{
			Number: a.Number, At: formatTime(a.At), DurationMs: float64(a.Duration.Microseconds()) / 1000,
			StatusCode: a.StatusCode, Error: a.Error,
		})
	}
	return v, nil
}

// Redeliver sends one of the merchant's events again, keeping its id.
func (s *Service) Redeliver(ctx context.Context, merchantID, eventID string) (DeliveryView, error) {
	e, err := s.webhooks.Redeliver(ctx, merchantID, eventID)
	if errors.Is(err, store.ErrNotFound) {
		return DeliveryView{}, notFound("webhook event")
	}
	if errors.Is(err, store.ErrPayloadPurged) {
		return DeliveryView{}, ErrPayloadPurged
	}
	if err != nil {
		return DeliveryView{}, err
	}
	return deliveryView(e), nil
}
