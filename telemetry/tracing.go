package telemetry

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// TracerName is the instrumentation scope of kycgate's own spans.
const TracerName = "github.com/kycgate/kycgate"

// Tracer returns kycgate's tracer from the global provider.
func Tracer() trace.Tracer { return otel.Tracer(TracerName) }

// SetupTracing installs the global tracer provider and the W3C trace-context
// propagator. Tracing is off unless the standard variable
// OTEL_TRACES_EXPORTER is "otlp"; the exporter then reads the standard
// OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout) and
// OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES name the service. The returned
// function flushes and stops the exporter.
func SetupTracing(ctx context.Context, version string) (shutdown func(context.Context) error, enabled bool, err error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	switch exporter := os.Getenv("OTEL_TRACES_EXPORTER"); exporter {
	case "", "none":
		return func(context.Context) error { return nil }, false, nil
	case "otlp":
	default:
		return nil, false, fmt.Errorf("telemetry: OTEL_TRACES_EXPORTER=%q is not supported (use otlp or none)", exporter)
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("telemetry: OTLP exporter: %w", err)
	}
	res, err := tracingResource(ctx, version)
	if err != nil {
		return nil, false, fmt.Errorf("telemetry: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, true, nil
}

// tracingResource describes this process in exported spans: service name
// "kycgate" and the binary's version unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES say otherwise (the environment is read last, so
// it wins), plus the SDK's own attributes.
func tracingResource(ctx context.Context, version string) (*resource.Resource, error) {
	return resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName("kycgate"), semconv.ServiceVersion(version)),
		resource.WithFromEnv(),
	)
}

// Transport decorates an outbound RoundTripper with a client span per call
// and W3C traceparent propagation to the upstream (operators, webhooks).
func Transport(base http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(base)
}
