package webhook

import (
	"context"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/telemetry"
)

// deliverySpanName names the client span of one delivery attempt.
const deliverySpanName = "POST webhook"

// startDelivery opens the client span of one attempt of e. It carries the
// event's id, name and attempt number; the URL is left out, since its path
// and query are the merchant's choice and may hold tokens or identifiers.
func startDelivery(ctx context.Context, e store.OutboxEvent) (context.Context, trace.Span) {
	return telemetry.Tracer().Start(ctx, deliverySpanName,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("http.request.method", http.MethodPost),
			attribute.String("kycgate.webhook.event_id", e.ID),
			attribute.String("kycgate.webhook.event_name", e.EventName),
			attribute.Int("kycgate.webhook.attempt", e.Attempts+1),
		))
}

// propagate records the receiver's host on the span and adds the W3C
// traceparent (and tracestate) of ctx to req.
func propagate(ctx context.Context, span trace.Span, req *http.Request) {
	attrs := []attribute.KeyValue{attribute.String("server.address", req.URL.Hostname())}
	if port, err := strconv.Atoi(req.URL.Port()); err == nil {
		attrs = append(attrs, attribute.Int("server.port", port))
	}
	span.SetAttributes(attrs...)
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(req.Header))
}

// endDelivery closes the span with the receiver's status and, for a failed
// attempt, the same short reason as the delivery history.
func endDelivery(span trace.Span, status int, err error) {
	if status != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	if err != nil {
		span.SetStatus(codes.Error, describe(err))
	}
	span.End()
}
