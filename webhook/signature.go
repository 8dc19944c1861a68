package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Header names of a delivery.
const (
	// HeaderSignature carries the hex HMAC-SHA256 of the body.
	HeaderSignature = "x-signature"
	// HeaderEventID carries the event id, the deduplication key.
	HeaderEventID = "x-event-id"
	// HeaderEventName carries the envelope's eventName.
	HeaderEventName = "x-event-name"
	// HeaderEventTimestamp carries when the event was written.
	HeaderEventTimestamp = "x-event-timestamp"
	// HeaderAttempt carries the attempt number, starting at 1.
	HeaderAttempt = "x-delivery-attempt"
)

// Sign returns the lower-case hex HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether signature (hex, either case) is the
// HMAC-SHA256 of body keyed with secret. It compares in constant time.
func VerifySignature(secret string, body []byte, signature string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
