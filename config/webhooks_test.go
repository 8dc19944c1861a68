package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookPayloadRetention(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    time.Duration
		wantErr string
	}{
		{"default", "", 72 * time.Hour, ""},
		{"set", "webhooks: {payload_retention: 1h}", time.Hour, ""},
		{"zero", "webhooks: {payload_retention: 0s}", 0, "webhooks.payload_retention: must be positive"},
		{"negative", "webhooks: {payload_retention: -1h}", 0, "webhooks.payload_retention: must be positive"},
		{"not a duration", "webhooks: {payload_retention: 3}", 0, "duration must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.yaml), noEnv)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Webhooks.PayloadRetention.D())
		})
	}
}
