package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/webhook"
)

const (
	testMerchant = "merchant-a"
	testSecret   = "whsec-test-0123456789"
)

// openStore opens a SQLite store at path, closed when the test ends.
func openStore(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// newStore opens a fresh store in a temporary folder.
func newStore(t *testing.T) *sqlite.Store {
	return openStore(t, filepath.Join(t.TempDir(), "kycgate.db"))
}

// fastConfig retries quickly and allows loopback http receivers.
func fastConfig() webhook.Config {
	return webhook.Config{
		Guard:          webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true},
		Timeout:        300 * time.Millisecond,
		InitialBackoff: 20 * time.Millisecond,
		MaxBackoff:     80 * time.Millisecond,
		DeliveryWindow: time.Minute,
		PollInterval:   20 * time.Millisecond,
		Concurrency:    4,
		Lease:          time.Second,
	}
}

// runWorker starts w until the returned stop function is called (or the
// test ends); stop waits for Run to return.
func runWorker(t *testing.T, w *webhook.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return stop
}

// newWorker builds a worker over st with cfg.
func newWorker(t *testing.T, st store.Outbox, cfg webhook.Config) *webhook.Worker {
	t.Helper()
	w, err := webhook.NewWorker(st, cfg, nil)
	require.NoError(t, err)
	return w
}

// delivery is one request seen by a capture receiver.
type delivery struct {
	header http.Header
	body   []byte
	status int
}

// capture is a loopback receiver whose answers the test controls.
type capture struct {
	mu         sync.Mutex
	deliveries []delivery
	// answer decides the status of the n-th request (0-based); nil is 204.
	answer func(n int, r *http.Request) int
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	n := len(c.deliveries)
	answer := c.answer
	c.mu.Unlock()
	status := http.StatusNoContent
	if answer != nil {
		status = answer(n, r)
	}
	c.mu.Lock()
	c.deliveries = append(c.deliveries, delivery{header: r.Header.Clone(), body: body, status: status})
	c.mu.Unlock()
	w.WriteHeader(status)
}

// newCaptureServer serves a new capture on loopback until the test ends.
func newCaptureServer(t *testing.T) (*capture, *httptest.Server) {
	t.Helper()
	c := &capture{}
	server := httptest.NewServer(c)
	t.Cleanup(server.Close)
	return c, server
}

// all returns a copy of the requests seen.
func (c *capture) all() []delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]delivery{}, c.deliveries...)
}

// acceptedPerEvent counts the 2xx answers per event id.
func (c *capture) acceptedPerEvent() map[string]int {
	out := map[string]int{}
	for _, d := range c.all() {
		if d.status >= 200 && d.status < 300 {
			out[d.header.Get(webhook.HeaderEventID)]++
		}
	}
	return out
}

// hmacHex computes the expected signature independently of the package.
func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// enqueue writes events for url, one resource each unless resource is set.
func enqueue(t *testing.T, st store.Outbox, w *webhook.Worker, url, resource string, names ...string) []store.OutboxEvent {
	t.Helper()
	var events []store.OutboxEvent
	for _, name := range names {
		e := w.NewEvent(webhook.Message{
			MerchantID: testMerchant, ResourceID: resource, EventName: name, URL: url, Secret: testSecret,
			Payload: []byte(`{"eventName":"` + name + `","resource":"` + resource + `"}`),
		})
		events = append(events, e)
	}
	require.NoError(t, st.EnqueueEvents(context.Background(), events))
	w.Notify()
	return events
}

// eventually waits for cond, polling the store rather than sleeping fixed
// times.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 15*time.Second, 10*time.Millisecond, msg)
}

// status returns the stored event and its attempts.
func status(t *testing.T, st store.Outbox, id string) (store.OutboxEvent, []store.DeliveryAttempt) {
	t.Helper()
	e, attempts, err := st.GetEvent(context.Background(), testMerchant, id)
	require.NoError(t, err)
	return e, attempts
}

// allDelivered reports whether every event is delivered.
func allDelivered(t *testing.T, st store.Outbox, events []store.OutboxEvent) bool {
	for _, e := range events {
		if got, _ := status(t, st, e.ID); got.Status != store.EventDelivered {
			return false
		}
	}
	return true
}
