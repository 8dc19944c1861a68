package webhook_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

func TestDeliversSignedEventsWithTheirHeaders(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	w := newWorker(t, st, fastConfig())
	runWorker(t, w)

	events := enqueue(t, st, w, server.URL+"/hooks", "ver-1", "verification_started", "step_completed", "verification_completed")
	eventually(t, func() bool { return allDelivered(t, st, events) }, "every event is delivered")

	got := receiver.all()
	require.Len(t, got, 3)
	for i, d := range got {
		e := events[i]
		assert.Equal(t, e.Payload, d.body, "events of a resource arrive in order")
		assert.Equal(t, hmacHex(testSecret, d.body), d.header.Get("X-Signature"))
		assert.Equal(t, e.ID, d.header.Get("X-Event-Id"))
		assert.Equal(t, e.EventName, d.header.Get("X-Event-Name"))
		assert.Equal(t, "1", d.header.Get("X-Delivery-Attempt"))
		assert.Equal(t, "application/json", d.header.Get("Content-Type"))
		ts, err := time.Parse(time.RFC3339Nano, d.header.Get("X-Event-Timestamp"))
		require.NoError(t, err)
		assert.WithinDuration(t, e.CreatedAt, ts, time.Millisecond)

		stored, attempts := status(t, st, e.ID)
		assert.Equal(t, 1, stored.Attempts)
		require.Len(t, attempts, 1)
		assert.Equal(t, http.StatusNoContent, attempts[0].StatusCode)
		assert.Empty(t, attempts[0].Error)
	}
}

// reservedAddress returns a loopback address nothing listens on yet.
func reservedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestReceiverDownThenUpGetsEachEventOnce(t *testing.T) {
	st := newStore(t)
	addr := reservedAddress(t)
	w := newWorker(t, st, fastConfig())
	runWorker(t, w)

	first := enqueue(t, st, w, "http://"+addr+"/hooks", "ver-1", "verification_started", "step_completed")
	second := enqueue(t, st, w, "http://"+addr+"/hooks", "ver-2", "verification_started")
	events := append(first, second...)
	eventually(t, func() bool {
		e, _ := status(t, st, first[0].ID)
		return e.Attempts >= 3
	}, "attempts go on while the receiver is down")
	_, attempts := status(t, st, first[0].ID)
	assert.Equal(t, "connection refused", attempts[0].Error)
	assert.Zero(t, attempts[0].StatusCode)
	later, _ := status(t, st, first[1].ID)
	assert.Zero(t, later.Attempts, "a resource's later event waits for the earlier one")

	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "the receiver comes back on the same address")
	receiver := &capture{answer: func(n int, _ *http.Request) int {
		if n == 0 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}}
	server := &httptest.Server{Listener: ln, Config: &http.Server{Handler: receiver}}
	server.Start()
	t.Cleanup(server.Close)

	eventually(t, func() bool { return allDelivered(t, st, events) }, "delivered once the receiver is up")
	for _, e := range events {
		assert.Equal(t, 1, receiver.acceptedPerEvent()[e.ID], "event %s accepted exactly once", e.EventName)
	}
	var order []string
	for _, d := range receiver.all() {
		if d.status == http.StatusOK && d.header.Get("X-Event-Id") != second[0].ID {
			order = append(order, d.header.Get("X-Event-Id"))
		}
	}
	assert.Equal(t, []string{first[0].ID, first[1].ID}, order, "in order within the resource")
	delivered, history := status(t, st, first[0].ID)
	assert.Equal(t, len(history), delivered.Attempts)
	assert.Equal(t, strconv.Itoa(delivered.Attempts), lastAttemptHeader(receiver, first[0].ID))
}

// lastAttemptHeader returns the x-delivery-attempt of the event's last
// request.
func lastAttemptHeader(c *capture, eventID string) string {
	last := ""
	for _, d := range c.all() {
		if d.header.Get(webhook.HeaderEventID) == eventID {
			last = d.header.Get(webhook.HeaderAttempt)
		}
	}
	return last
}

func TestSlowReceiverTimesOutAndIsRetriedWithoutBlockingOthers(t *testing.T) {
	st := newStore(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	receiver := &capture{answer: func(n int, r *http.Request) int {
		if r.Header.Get(webhook.HeaderEventName) == "slow" && r.Header.Get(webhook.HeaderAttempt) == "1" {
			select {
			case <-release:
			case <-time.After(2 * time.Second):
			}
		}
		return http.StatusOK
	}}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	w := newWorker(t, st, fastConfig())
	runWorker(t, w)

	slow := enqueue(t, st, w, server.URL, "ver-slow", "slow")
	fast := enqueue(t, st, w, server.URL, "ver-fast", "fast")
	eventually(t, func() bool { return allDelivered(t, st, fast) }, "another resource's event is not held up")
	eventually(t, func() bool { return allDelivered(t, st, slow) }, "the slow event is delivered on a later attempt")

	_, attempts := status(t, st, slow[0].ID)
	require.GreaterOrEqual(t, len(attempts), 2)
	assert.Contains(t, attempts[0].Error, "timeout")
	assert.Less(t, attempts[0].Duration, time.Second, "the attempt was cut at the timeout")
	assert.Equal(t, http.StatusOK, attempts[len(attempts)-1].StatusCode)
}

func TestNothingIsLostAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kycgate.db")
	addr := reservedAddress(t)
	url := "http://" + addr + "/hooks"
	cfg := fastConfig()
	cfg.Lease = 400 * time.Millisecond

	// First run: the receiver is down, so attempts fail; a crashed worker
	// also holds a lease on another resource's events without delivering.
	first := openStore(t, path)
	w1 := newWorker(t, first, cfg)
	stop := runWorker(t, w1)
	failing := enqueue(t, first, w1, url, "ver-1", "verification_started", "verification_completed")
	eventually(t, func() bool {
		e, _ := status(t, first, failing[0].ID)
		return e.Attempts >= 1
	}, "a failed attempt before the crash")
	stop()
	held := enqueue(t, first, w1, url, "ver-2", "verification_started")
	claimed, err := first.ClaimEvents(context.Background(), time.Now(), cfg.Lease, 10)
	require.NoError(t, err)
	require.NotEmpty(t, claimed, "a worker leased events and died before delivering")
	require.NoError(t, first.Close())

	// Restart on the same file with the receiver up.
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	receiver := &capture{}
	server := &httptest.Server{Listener: ln, Config: &http.Server{Handler: receiver}}
	server.Start()
	t.Cleanup(server.Close)
	second := openStore(t, path)
	w2 := newWorker(t, second, cfg)
	runWorker(t, w2)

	events := append(failing, held...)
	eventually(t, func() bool { return allDelivered(t, second, events) }, "every event survives the restart")
	for _, e := range events {
		assert.Equal(t, 1, receiver.acceptedPerEvent()[e.ID], "event %s delivered once", e.EventName)
	}
}

func TestGivesUpAfterTheDeliveryWindow(t *testing.T) {
	st := newStore(t)
	receiver := &capture{answer: func(int, *http.Request) int { return http.StatusInternalServerError }}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	cfg := fastConfig()
	cfg.DeliveryWindow = 250 * time.Millisecond
	w := newWorker(t, st, cfg)
	runWorker(t, w)

	events := enqueue(t, st, w, server.URL, "ver-1", "step_completed")
	eventually(t, func() bool {
		e, _ := status(t, st, events[0].ID)
		return e.Status == store.EventFailed
	}, "the event is marked failed")
	e, attempts := status(t, st, events[0].ID)
	assert.GreaterOrEqual(t, e.Attempts, 2, "retried before giving up")
	assert.Equal(t, "receiver answered HTTP 500", attempts[0].Error)
	assert.Equal(t, http.StatusInternalServerError, e.LastStatusCode)
	n := len(receiver.all())
	time.Sleep(100 * time.Millisecond)
	assert.Len(t, receiver.all(), n, "no attempt after giving up")
}

func TestRedeliverSendsADeliveredEventAgain(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	w := newWorker(t, st, fastConfig())
	runWorker(t, w)

	events := enqueue(t, st, w, server.URL, "ver-1", "verification_completed")
	eventually(t, func() bool { return allDelivered(t, st, events) }, "first delivery")

	_, err := w.Redeliver(context.Background(), "another-merchant", events[0].ID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant cannot redeliver the event")
	requeued, err := w.Redeliver(context.Background(), testMerchant, events[0].ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventPending, requeued.Status)
	eventually(t, func() bool {
		e, _ := status(t, st, events[0].ID)
		return e.Status == store.EventDelivered && e.Attempts == 2
	}, "delivered again")
	got := receiver.all()
	require.Len(t, got, 2)
	assert.Equal(t, got[0].body, got[1].body, "the same body")
	assert.Equal(t, got[0].header.Get("X-Event-Id"), got[1].header.Get("X-Event-Id"), "the same event id")
	assert.Equal(t, "2", got[1].header.Get("X-Delivery-Attempt"))
}

func TestRefusedTargetsAreNeverContacted(t *testing.T) {
	receiver, server := newCaptureServer(t)
	_, port, err := net.SplitHostPort(server.Listener.Addr().String())
	require.NoError(t, err)

	tests := []struct {
		name   string
		guard  webhook.Guard
		url    string
		reason string
	}{
		{"loopback IP over http", webhook.Guard{AllowHTTP: true}, server.URL, "loopback"},
		{"name resolved to loopback at connect time", webhook.Guard{AllowHTTP: true}, "http://" + net.JoinHostPort(loopbackName(t), port), "loopback"},
		{"http when only https is allowed", webhook.Guard{AllowPrivateNetworks: true}, server.URL, "only https"},
		{"metadata even with private networks", webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true}, "http://169.254.169.254/latest/meta-data", "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			cfg := fastConfig()
			cfg.Guard = tt.guard
			w := newWorker(t, st, cfg)
			runWorker(t, w)
			events := enqueue(t, st, w, tt.url, "ver-1", "step_completed")
			eventually(t, func() bool {
				e, _ := status(t, st, events[0].ID)
				return e.Status == store.EventFailed
			}, "a refused target fails at once")
			e, attempts := status(t, st, events[0].ID)
			assert.Equal(t, 1, e.Attempts, "a refused target is not retried")
			assert.Contains(t, attempts[0].Error, tt.reason)
			assert.Empty(t, receiver.all(), "the target was never contacted")
		})
	}
}

// loopbackName returns a host name other than "localhost" that resolves to
// a loopback address: the machine's name when it does, else a name from
// /etc/hosts' usual entries.
func loopbackName(t *testing.T) string {
	t.Helper()
	candidates := []string{"ip6-localhost", "ip6-loopback", "localhost.localdomain"}
	if h, err := os.Hostname(); err == nil {
		candidates = append([]string{h}, candidates...)
	}
	for _, name := range candidates {
		addrs, err := net.LookupHost(name)
		if err == nil && len(addrs) > 0 && net.ParseIP(addrs[0]).IsLoopback() {
			return name
		}
	}
	t.Skip("SKIPPED — no host name other than localhost resolves to loopback on this machine")
	return ""
}

func TestHTTPClientChecksTheResolvedAddress(t *testing.T) {
	receiver, server := newCaptureServer(t)
	_, port, err := net.SplitHostPort(server.Listener.Addr().String())
	require.NoError(t, err)

	strict := webhook.NewHTTPClient(webhook.Guard{AllowHTTP: true}, time.Second)
	for _, host := range []string{"localhost", "127.0.0.1", "::1", loopbackName(t)} {
		res, err := strict.Get("http://" + net.JoinHostPort(host, port))
		if res != nil {
			_ = res.Body.Close()
		}
		require.ErrorIs(t, err, webhook.ErrForbiddenTarget, host)
	}
	assert.Empty(t, receiver.all())

	allowed := webhook.NewHTTPClient(webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true}, time.Second)
	res, err := allowed.Get("http://" + net.JoinHostPort("localhost", port))
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Len(t, receiver.all(), 1, "allowed when the operator allows private networks")
}
