package telemetrytest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel"

	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

func TestValueReadsOneSample(t *testing.T) {
	m := telemetry.NewMetrics()
	m.CountWebhookDelivery("retry")
	m.CountWebhookDelivery("retry")
	m.SetOutboxDepth(7)
	m.ObserveHTTP("/v2/verifications", "POST", "201", "v2", time.Millisecond)

	tests := []struct {
		name   string
		family string
		labels map[string]string
		want   float64
	}{
		{"counter", "kycgate_webhook_deliveries_total", map[string]string{"outcome": "retry"}, 2},
		{"declared at zero", "kycgate_webhook_deliveries_total", map[string]string{"outcome": "failed"}, 0},
		{"gauge without labels", "kycgate_webhook_outbox_depth", nil, 7},
		{"histogram count", "kycgate_http_request_duration_seconds", map[string]string{"route": "/v2/verifications", "method": "POST", "api_version": "v2"}, 1},
		{"labels must match exactly", "kycgate_http_request_duration_seconds", map[string]string{"route": "/v2/verifications"}, 0},
		{"unknown family", "kycgate_nothing", nil, 0},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, telemetrytest.Value(t, m, tc.family, tc.labels), tc.name)
	}
}

func TestTracingRecordsSpansAndRestoresTheGlobals(t *testing.T) {
	before := otel.GetTracerProvider()
	t.Run("installed", func(t *testing.T) {
		exporter := telemetrytest.Tracing(t)
		_, span := telemetry.Tracer().Start(context.Background(), "work")
		span.End()
		assert.Len(t, telemetrytest.Spans(exporter, "work"), 1)
		assert.Empty(t, telemetrytest.Spans(exporter, "other"))
		assert.NotSame(t, before, otel.GetTracerProvider())
	})
	assert.Equal(t, before, otel.GetTracerProvider(), "the previous provider is back")
}
