package operators

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

// attemptCount returns the number of attempts the metrics hold for the
// operator and outcome.
func attemptCount(t *testing.T, m *telemetry.Metrics, operator, outcome string) uint64 {
	t.Helper()
	return uint64(telemetrytest.Value(t, m, "kycgate_operator_http_attempt_duration_seconds",
		map[string]string{"operator": operator, "outcome": outcome}))
}

func TestCountAttemptsLabelsEachAttemptWithOperatorAndOutcome(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusOK)
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	t.Cleanup(upstream.Close)
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + refused.Addr().String()
	require.NoError(t, refused.Close())

	metrics := telemetry.NewMetrics()
	client := &http.Client{Transport: DecorateTransport("op-a", http.DefaultTransport, []RoundTripperDecorator{CountAttempts(metrics)})}
	get := func(ctx context.Context, url string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		require.NoError(t, err)
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
		}
	}
	ctx := context.Background()
	get(ctx, upstream.URL+"/ok")
	get(ctx, upstream.URL+"/ok")
	get(ctx, upstream.URL+"/missing")
	get(ctx, upstream.URL+"/broken")
	get(ctx, refusedURL+"/ok")
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	get(short, upstream.URL+"/slow")
	gone, cancelNow := context.WithCancel(ctx)
	cancelNow()
	get(gone, upstream.URL+"/ok")

	assert.Equal(t, uint64(2), attemptCount(t, metrics, "op-a", "2xx"))
	assert.Equal(t, uint64(1), attemptCount(t, metrics, "op-a", "4xx"))
	assert.Equal(t, uint64(1), attemptCount(t, metrics, "op-a", "5xx"))
	assert.Equal(t, uint64(1), attemptCount(t, metrics, "op-a", "error"), "a refused connection")
	assert.Equal(t, uint64(1), attemptCount(t, metrics, "op-a", "timeout"))
	assert.Equal(t, uint64(1), attemptCount(t, metrics, "op-a", "canceled"))
}

func TestCountAttemptsWithoutObserverLeavesTheTransport(t *testing.T) {
	base := http.DefaultTransport
	assert.Same(t, base, CountAttempts(nil)("op", base))
}
