package webhook_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
	"github.com/kycgate/kycgate/webhook"
)

// deliveries reads kycgate_webhook_deliveries_total for outcome.
func deliveries(t *testing.T, m *telemetry.Metrics, outcome string) float64 {
	return telemetrytest.Value(t, m, "kycgate_webhook_deliveries_total", map[string]string{"outcome": outcome})
}

func TestDeliveryOutcomesAreCounted(t *testing.T) {
	receiver := &capture{answer: func(n int, r *http.Request) int {
		if r.Header.Get(webhook.HeaderEventName) == "flaky" && n == 0 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	}}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	st := newStore(t)
	metrics := telemetry.NewMetrics()
	cfg := fastConfig()
	cfg.Observer = metrics
	w := newWorker(t, st, cfg)
	runWorker(t, w)

	flaky := enqueue(t, st, w, server.URL, "ver-1", "flaky")
	eventually(t, func() bool { return allDelivered(t, st, flaky) }, "delivered on the second attempt")
	refused := enqueue(t, st, w, "http://169.254.169.254/latest", "ver-2", "refused")
	eventually(t, func() bool {
		e, _ := status(t, st, refused[0].ID)
		return e.Status == store.EventFailed
	}, "a refused target fails")

	eventually(t, func() bool { return deliveries(t, metrics, webhook.OutcomeFailed) == 1 }, "the failure is counted")
	assert.Equal(t, 1.0, deliveries(t, metrics, webhook.OutcomeRetry), "the 503 is a retry")
	assert.Equal(t, 1.0, deliveries(t, metrics, webhook.OutcomeDelivered))
}

func TestOutboxDepthFollowsThePendingEvents(t *testing.T) {
	st := newStore(t)
	addr := reservedAddress(t)
	metrics := telemetry.NewMetrics()
	cfg := fastConfig()
	cfg.Observer = metrics
	w := newWorker(t, st, cfg)
	runWorker(t, w)
	depth := func() float64 { return telemetrytest.Value(t, metrics, "kycgate_webhook_outbox_depth", nil) }

	events := enqueue(t, st, w, "http://"+addr+"/hooks", "ver-1", "verification_started", "step_completed")
	events = append(events, enqueue(t, st, w, "http://"+addr+"/hooks", "ver-2", "verification_started")...)
	eventually(t, func() bool { return depth() == 3 }, "three events wait while the receiver is down")

	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	server := &httptest.Server{Listener: ln, Config: &http.Server{Handler: &capture{}}}
	server.Start()
	t.Cleanup(server.Close)
	eventually(t, func() bool { return allDelivered(t, st, events) }, "delivered once the receiver is up")
	eventually(t, func() bool { return depth() == 0 }, "the outbox drains")
}

// TestDeliveryIsTracedWithoutTheURL installs the global tracer provider,
// so it must not run in parallel with other tests.
func TestDeliveryIsTracedWithoutTheURL(t *testing.T) {
	exporter := telemetrytest.Tracing(t)
	receiver := &capture{answer: func(n int, _ *http.Request) int {
		if n == 0 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	st := newStore(t)
	w := newWorker(t, st, fastConfig())
	runWorker(t, w)

	const secretPath = "/hooks/customer-4711?token=merchant-token"
	events := enqueue(t, st, w, server.URL+secretPath, "ver-1", "step_completed")
	eventually(t, func() bool { return allDelivered(t, st, events) }, "delivered on the second attempt")
	eventually(t, func() bool { return len(telemetrytest.Spans(exporter, "POST webhook")) == 2 }, "a span per attempt")

	spans := telemetrytest.Spans(exporter, "POST webhook")
	got := receiver.all()
	require.Len(t, got, 2)
	for i, span := range spans {
		sc := span.SpanContext
		assert.Equal(t, "00-"+sc.TraceID().String()+"-"+sc.SpanID().String()+"-01", got[i].header.Get("traceparent"),
			"attempt %d carries its span's W3C traceparent", i+1)
		attrs := map[string]string{}
		for _, a := range span.Attributes {
			attrs[string(a.Key)] = a.Value.Emit()
			assert.NotContains(t, a.Value.Emit(), "customer-4711", "no path in %s", a.Key)
			assert.NotContains(t, a.Value.Emit(), "merchant-token", "no query in %s", a.Key)
		}
		assert.Equal(t, "127.0.0.1", attrs["server.address"])
		assert.Equal(t, events[0].ID, attrs["kycgate.webhook.event_id"])
		assert.Equal(t, "step_completed", attrs["kycgate.webhook.event_name"])
	}
	assert.Equal(t, codes.Error, spans[0].Status.Code, "the 500 marks the first attempt failed")
	assert.Equal(t, "receiver answered HTTP 500", spans[0].Status.Description)
	assert.Equal(t, codes.Unset, spans[1].Status.Code)
	assert.NotEqual(t, spans[0].SpanContext.TraceID(), spans[1].SpanContext.TraceID(), "each attempt is its own trace")
}
