package webhook

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// maxReceivedBytes caps a body accepted by the Receiver.
const maxReceivedBytes = 1 << 20

// Received is one delivery seen by a Receiver.
type Received struct {
	// EventID, EventName and Attempt are the delivery's headers.
	EventID   string `json:"eventId"`
	EventName string `json:"eventName"`
	Attempt   int    `json:"attempt"`
	// SignatureValid says whether x-signature matched the body.
	SignatureValid bool `json:"signatureValid"`
	// ReceivedAt is when the delivery arrived.
	ReceivedAt time.Time `json:"receivedAt"`
	// Body is the delivered JSON.
	Body json.RawMessage `json:"body"`
}

// Receiver is a small webhook endpoint for local development (the demo
// mounts one): POST checks the signature with its secret, keeps the last
// deliveries in memory (one per event id) and answers 204, or 401 for a bad
// signature; GET lists what was kept as JSON, oldest first.
type Receiver struct {
	secret   string
	capacity int

	mu       sync.Mutex
	received []Received
	seen     map[string]bool
}

// NewReceiver returns a receiver that verifies with secret and keeps up to
// capacity deliveries.
func NewReceiver(secret string, capacity int) *Receiver {
	return &Receiver{secret: secret, capacity: max(1, capacity), seen: map[string]bool{}}
}

// ServeHTTP implements http.Handler.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.Method {
	case http.MethodPost:
		r.receive(w, req)
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(r.Deliveries())
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (r *Receiver) receive(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxReceivedBytes))
	if err != nil || !json.Valid(body) {
		http.Error(w, "body must be JSON of at most 1 MiB", http.StatusBadRequest)
		return
	}
	attempt, _ := strconv.Atoi(req.Header.Get(HeaderAttempt))
	rec := Received{
		EventID:        req.Header.Get(HeaderEventID),
		EventName:      req.Header.Get(HeaderEventName),
		Attempt:        attempt,
		SignatureValid: VerifySignature(r.secret, body, req.Header.Get(HeaderSignature)),
		ReceivedAt:     time.Now().UTC(),
		Body:           body,
	}
	if !rec.SignatureValid {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	r.keep(rec)
	w.WriteHeader(http.StatusNoContent)
}

// keep stores rec unless its event id was already received.
func (r *Receiver) keep(rec Received) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[rec.EventID] {
		return
	}
	r.seen[rec.EventID] = true
	r.received = append(r.received, rec)
	if len(r.received) > r.capacity {
		delete(r.seen, r.received[0].EventID)
		r.received = r.received[1:]
	}
}

// Deliveries returns a copy of the kept deliveries, oldest first.
func (r *Receiver) Deliveries() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received{}, r.received...)
}
