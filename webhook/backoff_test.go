package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kycgate/kycgate/webhook"
)

func TestBackoffDoublesWithEqualJitterUpToTheCap(t *testing.T) {
	low := func() float64 { return 0 }
	high := func() float64 { return 0.999999 }
	tests := []struct {
		attempt   int
		min, max  time.Duration
		wantFloor time.Duration
	}{
		{attempt: 0, wantFloor: 500 * time.Millisecond},
		{attempt: 1, wantFloor: 500 * time.Millisecond},
		{attempt: 2, wantFloor: time.Second},
		{attempt: 3, wantFloor: 2 * time.Second},
		{attempt: 5, wantFloor: 5 * time.Second},
		{attempt: 80, wantFloor: 5 * time.Second},
	}
	for _, tt := range tests {
		floor := webhook.Backoff(tt.attempt, time.Second, 10*time.Second, low)
		ceiling := webhook.Backoff(tt.attempt, time.Second, 10*time.Second, high)
		assert.Equal(t, tt.wantFloor, floor, "attempt %d floor", tt.attempt)
		assert.InDelta(t, float64(2*tt.wantFloor), float64(ceiling), float64(time.Millisecond), "attempt %d ceiling", tt.attempt)
	}
}
