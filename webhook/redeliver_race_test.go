package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// TestARedeliveryDuringTheLastAttemptStands redelivers an event while its
// last attempt within its delivery window is in flight and then fails: the
// event must be delivered, not given up, since the merchant asked again.
func TestARedeliveryDuringTheLastAttemptStands(t *testing.T) {
	st := newStore(t)
	inFlight := make(chan struct{}, 1)
	release := make(chan struct{})
	receiver := &capture{answer: func(n int, r *http.Request) int {
		if n == 0 {
			inFlight <- struct{}{}
			<-release
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	cfg := fastConfig()
	cfg.DeliveryWindow = 500 * time.Millisecond
	cfg.Timeout = 3 * time.Second
	cfg.Lease = 5 * time.Second
	w := newWorker(t, st, cfg)
	runWorker(t, w)
	events := enqueue(t, st, w, server.URL, "ver-1", "verification_completed")
	<-inFlight
	time.Sleep(600 * time.Millisecond) // the attempt outlives its window
	requeued, err := w.Redeliver(context.Background(), testMerchant, events[0].ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventPending, requeued.Status)
	close(release)
	require.Eventually(t, func() bool {
		e, _ := status(t, st, events[0].ID)
		return e.Status == store.EventDelivered
	}, 5*time.Second, 20*time.Millisecond, "the redelivery asked during the failing attempt is carried out")
	_, attempts := status(t, st, events[0].ID)
	assert.Len(t, attempts, 2)
}
