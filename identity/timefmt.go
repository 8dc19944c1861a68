package identity

import (
	"time"

	"github.com/kycgate/kycgate/webhook"
)

// formatTime writes t as the API does (RFC 3339 UTC with milliseconds), or
// "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return webhook.FormatTimestamp(t)
}
