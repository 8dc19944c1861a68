package operators

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

func TestGuardCallIsASpanWithOperatorAndOutcome(t *testing.T) {
	exporter := telemetrytest.Tracing(t)
	tests := []struct {
		name    string
		err     error
		outcome string
		failed  bool
	}{
		{"answered", nil, "OK", false},
		{"a CAMARA 4xx is an answer", camara.ErrIdentifierNotFound, "IDENTIFIER_NOT_FOUND", false},
		{"unavailable", camara.ErrUnavailable, "UNAVAILABLE", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inner trace.SpanContext
			a := script(func(ctx context.Context, _ Call) (kycmatch.Response, error) {
				inner = trace.SpanContextFromContext(ctx)
				return found, tt.err
			})
			g, err := NewGuard("op-span", a, testPolicy(), Deps{})
			require.NoError(t, err)
			ctx, parent := otel.Tracer("test").Start(context.Background(), "caller")
			_, _ = g.Match(ctx, callFor(kycmatch.V04, number))
			parent.End()

			var span *tracetest.SpanStub
			for _, s := range telemetrytest.Spans(exporter, CallSpanName) {
				if s.SpanContext.SpanID() == inner.SpanID() {
					span = &s
				}
			}
			require.NotNil(t, span, "the adapter runs in the context of the call's span")
			assert.Equal(t, parent.SpanContext().SpanID(), span.Parent.SpanID(), "a child of the caller's span")
			attrs := map[attribute.Key]string{}
			for _, kv := range span.Attributes {
				attrs[kv.Key] = kv.Value.Emit()
			}
			assert.Equal(t, map[attribute.Key]string{SpanAttrOperator: "op-span", SpanAttrOutcome: tt.outcome}, attrs,
				"operator and outcome, nothing of the request")
			if tt.failed {
				assert.Equal(t, codes.Error, span.Status.Code)
			} else {
				assert.Equal(t, codes.Unset, span.Status.Code)
			}
		})
	}
}
