package operators

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/telemetry"
)

// Span attributes of an operator call. Neither carries personal data.
const (
	// SpanAttrOperator is the configured operator name.
	SpanAttrOperator = "kycgate.operator"
	// SpanAttrOutcome is "OK" or the CAMARA code answered.
	SpanAttrOutcome = "kycgate.operator.outcome"
)

// CallSpanName is the name of the span of one guarded operator call.
const CallSpanName = "operator match"

// startCallSpan starts the span of one guarded call to the operator, a
// child of the caller's span in ctx, from the global tracer provider.
func (g *Guard) startCallSpan(ctx context.Context) (context.Context, trace.Span) {
	return telemetry.Tracer().Start(ctx, CallSpanName,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attribute.String(SpanAttrOperator, g.name)))
}

// endCallSpan records the call's outcome and ends its span. An answer the
// operator could not give (a 5xx CAMARA error: unavailable, timeout) marks
// the span as failed; a CAMARA 4xx is the operator's answer, not a failure.
// Only the CAMARA code is recorded, never a message or a cause.
func endCallSpan(span trace.Span, outcome string, err error) {
	span.SetAttributes(attribute.String(SpanAttrOutcome, outcome))
	if err != nil && camara.From(err).Status >= 500 {
		span.SetStatus(codes.Error, outcome)
	}
	span.End()
}
