// Package telemetrytest lets tests see kycgate's spans and metrics: it
// installs an in-memory span exporter as the global tracer provider and
// reads single samples from a Metrics registry.
package telemetrytest

import (
	"context"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kycgate/kycgate/telemetry"
)

// Tracing installs a synchronous in-memory exporter as the global tracer
// provider, and the W3C trace-context propagator, until the test ends; the
// previous provider and propagator are then put back. It changes process
// globals, so a test using it must not run in parallel with others.
func Tracing(t testing.TB) *tracetest.InMemoryExporter {
	t.Helper()
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		otel.SetTracerProvider(prevTP)
		otel.SetTextMapPropagator(prevProp)
	})
	return exporter
}

// Spans returns the ended spans named name.
func Spans(exporter *tracetest.InMemoryExporter, name string) tracetest.SpanStubs {
	var out tracetest.SpanStubs
	for _, s := range exporter.GetSpans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// Value returns the sample of family in m whose labels are exactly labels
// (nil for none): a counter's or gauge's value, or a histogram's count of
// observations. A sample that was never recorded is 0.
func Value(t testing.TB, m *telemetry.Metrics, family string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != family {
			continue
		}
		for _, s := range f.GetMetric() {
			if sameLabels(s.GetLabel(), labels) {
				return sampleValue(s)
			}
		}
	}
	return 0
}

// sameLabels reports whether pairs are exactly want.
func sameLabels(pairs []*dto.LabelPair, want map[string]string) bool {
	if len(pairs) != len(want) {
		return false
	}
	for _, p := range pairs {
		if v, ok := want[p.GetName()]; !ok || v != p.GetValue() {
			return false
		}
	}
	return true
}

// sampleValue reads a counter, gauge or histogram sample.
func sampleValue(s *dto.Metric) float64 {
	switch {
	case s.Counter != nil:
		return s.GetCounter().GetValue()
	case s.Gauge != nil:
		return s.GetGauge().GetValue()
	case s.Histogram != nil:
		return float64(s.GetHistogram().GetSampleCount())
	default:
		return 0
	}
}
