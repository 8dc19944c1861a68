package gateway_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/telemetry/telemetrytest"
)

// accessLines returns the access-log lines of logs, decoded.
func accessLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, raw := range strings.Split(strings.TrimSpace(logs), "\n") {
		var line map[string]any
		if json.Unmarshal([]byte(raw), &line) == nil && line["msg"] == "request" {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestAccessLogCarriesCorrelatorAndTraceButNoPersonalData installs an SDK
// tracer provider and the W3C propagator globally, so it must not run in
// parallel with other tests.
func TestAccessLogCarriesCorrelatorAndTraceButNoPersonalData(t *testing.T) {
	telemetrytest.Tracing(t)
	e := newEnv(t, envOptions{})

	tests := []struct {
		name, traceID, correlator, token, body string
		status                                 int
	}{
		{"a match", "4bf92f3577b34da6a3ce929d0e0e4736", "access-log-1", e.token(matchScope), fullBody04, http.StatusOK},
		{"an unknown subscriber", "5cf92f3577b34da6a3ce929d0e0e4737", "access-log-2", e.token(matchScope),
			`{"phoneNumber":"+34699999999","givenName":"Federica","familyName":"Sanchez"}`, http.StatusNotFound},
		{"a 3-legged token", "6df92f3577b34da6a3ce929d0e0e4738", "access-log-3", e.token3(federica),
			`{"givenName":"Federica","birthdate":"1978-08-22"}`, http.StatusOK},
		{"a body outside the schema", "7ef92f3577b34da6a3ce929d0e0e4739", "access-log-4", e.token(matchScope),
			`{"phoneNumber":"+34629255833","email":"Federica.Sanchez-at-example.com"}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, e.gateway.URL+matchPath(kycmatch.V04), strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tt.token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("x-correlator", tt.correlator)
			req.Header.Set("traceparent", "00-"+tt.traceID+"-00f067aa0ba902b7-01")
			res, err := e.gateway.Client().Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, tt.status, res.StatusCode)

			var line map[string]any
			for _, l := range accessLines(t, e.logs.String()) {
				if l["x_correlator"] == tt.correlator {
					line = l
				}
			}
			require.NotNil(t, line, "one access-log line carries the request's x-correlator")
			assert.Equal(t, tt.traceID, line["trace_id"], "and the caller's trace id")
			assert.Equal(t, "/kyc-match/v0.4/match", line["route"])
			assert.EqualValues(t, tt.status, line["status"])
			raw, err := json.Marshal(line)
			require.NoError(t, err)
			for _, pii := range []string{"629255833", "699999999", "Federica", "Sanchez", "Arjona", "66666666", "1978-08-22", "example.com", "Salmeron", "28046"} {
				assert.NotContains(t, string(raw), pii, "no personal data from the body or the token")
			}
		})
	}
	for _, pii := range []string{"629255833", "699999999", "Federica", "Sanchez", "66666666", "1978-08-22"} {
		assert.NotContains(t, e.logs.String(), pii, "no personal data anywhere in the log")
	}
}
