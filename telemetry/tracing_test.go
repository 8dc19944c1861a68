package telemetry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// restoreGlobals puts the global tracer provider and propagator back after a
// test that installs its own.
func restoreGlobals(t *testing.T) {
	t.Helper()
	tp, prop := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() {
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
	})
}

func TestSetupTracingIsOffUnlessOTLPIsChosen(t *testing.T) {
	for _, value := range []string{"", "none"} {
		t.Run("exporter="+value, func(t *testing.T) {
			restoreGlobals(t)
			t.Setenv("OTEL_TRACES_EXPORTER", value)
			shutdown, enabled, err := SetupTracing(context.Background(), "test")
			require.NoError(t, err)
			assert.False(t, enabled)
			assert.NoError(t, shutdown(context.Background()))
		})
	}
}

func TestSetupTracingRefusesAnUnknownExporter(t *testing.T) {
	restoreGlobals(t)
	t.Setenv("OTEL_TRACES_EXPORTER", "zipkin")
	_, enabled, err := SetupTracing(context.Background(), "test")
	require.Error(t, err)
	assert.False(t, enabled)
	assert.Contains(t, err.Error(), "OTEL_TRACES_EXPORTER")
}

// otlpCollector is an OTLP/HTTP receiver on loopback that records the
// requests the exporter sends it.
type otlpCollector struct {
	mu       sync.Mutex
	paths    []string
	types    []string
	received int
}

func (c *otlpCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.types = append(c.types, r.Header.Get("Content-Type"))
	c.received += len(body)
	c.mu.Unlock()
	// An empty ExportTraceServiceResponse is an empty protobuf message.
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func TestSetupTracingExportsSpansOverOTLPHTTP(t *testing.T) {
	restoreGlobals(t)
	collector := &otlpCollector{}
	srv := httptest.NewServer(collector)
	defer srv.Close()
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")

	shutdown, enabled, err := SetupTracing(context.Background(), "test")
	require.NoError(t, err)
	require.True(t, enabled)

	_, span := Tracer().Start(context.Background(), "kycgate.test")
	span.End()
	require.NoError(t, shutdown(context.Background()), "shutdown flushes the batch")

	collector.mu.Lock()
	defer collector.mu.Unlock()
	require.NotEmpty(t, collector.paths, "the exporter posted the span")
	assert.Equal(t, "/v1/traces", collector.paths[0])
	assert.Equal(t, "application/x-protobuf", collector.types[0])
	assert.Positive(t, collector.received)
}

func TestTransportPropagatesTraceparent(t *testing.T) {
	restoreGlobals(t)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	collector := &otlpCollector{}
	sink := httptest.NewServer(collector)
	defer sink.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", sink.URL)
	shutdown, _, err := SetupTracing(context.Background(), "test")
	require.NoError(t, err)
	defer func() { _ = shutdown(context.Background()) }()

	got := make(chan string, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("traceparent")
	}))
	defer upstream.Close()

	ctx, span := Tracer().Start(context.Background(), "kycgate.parent")
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, upstream.URL, nil)
	require.NoError(t, err)
	res, err := (&http.Client{Transport: Transport(http.DefaultTransport)}).Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()

	traceparent := <-got
	require.NotEmpty(t, traceparent)
	assert.Contains(t, traceparent, span.SpanContext().TraceID().String(),
		"the upstream sees the caller's trace id")
}

func TestTracingResourceNamesTheServiceUnlessTheEnvironmentDoes(t *testing.T) {
	cases := []struct {
		name, serviceName, attributes, want string
	}{
		{"default", "", "", "kycgate"},
		{"OTEL_SERVICE_NAME", "edge-gateway", "", "edge-gateway"},
		{"OTEL_RESOURCE_ATTRIBUTES", "", "service.name=eu-gateway,deployment.environment=prod", "eu-gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_SERVICE_NAME", tc.serviceName)
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", tc.attributes)
			res, err := tracingResource(context.Background(), "1.2.3")
			require.NoError(t, err)
			attrs := map[string]string{}
			for _, kv := range res.Attributes() {
				attrs[string(kv.Key)] = kv.Value.Emit()
			}
			assert.Equal(t, tc.want, attrs["service.name"])
			assert.Equal(t, "1.2.3", attrs["service.version"])
		})
	}
}
