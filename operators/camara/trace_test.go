package camara_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
	"github.com/kycgate/kycgate/operators/operatorstest"
	"github.com/kycgate/kycgate/telemetry"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

// traceparents keeps the traceparent header of every match request an
// upstream gateway receives.
type traceparents struct {
	mu   sync.Mutex
	seen []string
}

// wrap is a camaratest.Options.Wrap.
func (p *traceparents) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/kyc-match/v0.4/match" {
			p.mu.Lock()
			p.seen = append(p.seen, r.Header.Get("traceparent"))
			p.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// TestUpstreamOperatorReceivesTheTrace installs an SDK tracer provider and
// the W3C propagator globally, so it must not run in parallel. A guarded
// camara adapter, with the transport decorators kycgate serve wires, calls
// a real upstream kycgate, which must receive a traceparent of the caller's
// trace whose parent is a span of this call.
func TestUpstreamOperatorReceivesTheTrace(t *testing.T) {
	exporter := telemetrytest.Tracing(t)

	seen := &traceparents{}
	upstream := camaratest.Start(t, camaratest.Options{Subscribers: operatorstest.Subscribers, Wrap: seen.wrap})
	metrics := telemetry.NewMetrics()
	deps := operators.Deps{Decorators: []operators.RoundTripperDecorator{
		func(_ string, next http.RoundTripper) http.RoundTripper { return telemetry.Transport(next) },
		operators.CountAttempts(metrics),
	}}
	guard, err := operators.NewGuard("upstream", newAdapter(t, upstream, "0.4", nil, deps), operators.DefaultPolicy(), deps)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx, caller := otel.Tracer("test").Start(ctx, "caller")
	_, err = guard.Match(ctx, matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"}))
	caller.End()
	require.NoError(t, err)

	seen.mu.Lock()
	require.Len(t, seen.seen, 1, "one match request reached the upstream")
	header := seen.seen[0]
	seen.mu.Unlock()
	carrier := propagation.HeaderCarrier{"Traceparent": {header}}
	remote := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), carrier))
	require.True(t, remote.IsValid(), "a W3C traceparent reached the upstream: %q", header)
	assert.Equal(t, caller.SpanContext().TraceID(), remote.TraceID(), "the caller's trace continues upstream")

	parents := map[trace.SpanID]trace.SpanID{}
	var call trace.SpanID
	for _, s := range exporter.GetSpans().Snapshots() {
		parents[s.SpanContext().SpanID()] = s.Parent().SpanID()
		if s.Name() == operators.CallSpanName {
			call = s.SpanContext().SpanID()
		}
	}
	require.True(t, call.IsValid(), "the guarded call has its span")
	assert.Equal(t, caller.SpanContext().SpanID(), parents[call], "the call span is a child of the caller's")
	require.Contains(t, parents, remote.SpanID(), "the upstream's parent is a span of this call")
	assert.Equal(t, call, parents[remote.SpanID()], "the HTTP exchange runs within the call span")
}
