package gateway_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestMetricsEndpoint(t *testing.T) {
	e := newEnv(t, envOptions{})
	require.Equal(t, 200, e.match(kycmatch.V04, e.token(matchScope), okBody).status)
	requireError(t, e.match(kycmatch.V03, "", okBody), 401, "UNAUTHENTICATED")

	r := e.do(request{method: "GET", path: "/metrics", noBody: true})
	require.Equal(t, 200, r.status)
	text := string(r.body)
	assert.Contains(t, text, `kycgate_http_requests_total{api_version="v0.4",method="POST",route="/kyc-match/v0.4/match",status="200"} 1`)
	assert.Contains(t, text, `kycgate_http_requests_total{api_version="v0.3",method="POST",route="/kyc-match/v0.3/match",status="401"} 1`)
	assert.Contains(t, text, `kycgate_token_verifications_total{result="valid"} 1`)
	assert.Contains(t, text, `kycgate_http_request_duration_seconds_bucket`)
	assert.NotContains(t, text, "629255833", "no personal data in labels")
}

// TestTracingContinuesTheCallersTrace installs an in-memory exporter as the
// global provider, so it must not run in parallel with other tests.
func TestTracingContinuesTheCallersTrace(t *testing.T) {
	exporter := telemetrytest.Tracing(t)

	e := newEnv(t, envOptions{})
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	r, err := e.gateway.Client().Do(mustRequest(t, e, "00-"+traceID+"-00f067aa0ba902b7-01"))
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, 200, r.StatusCode)

	var server sdktrace.ReadOnlySpan
	for _, s := range exporter.GetSpans().Snapshots() {
		if s.Name() == "POST /kyc-match/v0.4/match" {
			server = s
		}
	}
	require.NotNil(t, server, "a server span per request, named after the route")
	assert.Equal(t, traceID, server.SpanContext().TraceID().String(), "the caller's traceparent is continued")
	assert.Contains(t, e.logs.String(), `"trace_id":"`+traceID+`"`, "the access log carries the trace id")
}

func mustRequest(t *testing.T, e *env, traceparent string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("POST", e.gateway.URL+matchPath(kycmatch.V04), strings.NewReader(okBody))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e.token(matchScope))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", traceparent)
	return req
}
