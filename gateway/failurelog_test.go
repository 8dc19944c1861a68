package gateway_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingModule has one public route per kind of server-side failure.
type failingModule struct{}

func (failingModule) Routes() ([]gateway.Route, error) {
	fail := func(err error) gateway.HandlerFunc {
		return func(*gin.Context) error { return err }
	}
	return []gateway.Route{
		{Method: "GET", Path: "/fail/internal", Body: gateway.BodyNone, Handler: fail(errors.New("disk on fire"))},
		{Method: "GET", Path: "/fail/unavailable", Body: gateway.BodyNone, Handler: fail(camara.ErrUnavailable)},
		{Method: "GET", Path: "/fail/timeout", Body: gateway.BodyNone, Handler: fail(camara.ErrTimeout)},
	}, nil
}

// failureLine returns the "request failed" log line of route.
func failureLine(t *testing.T, logs, route string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "request failed" && entry["route"] == route {
			return entry
		}
	}
	t.Fatalf("no failure line for %s in:\n%s", route, logs)
	return nil
}

func TestServerFailuresAreLoggedByWhoseFaultTheyAre(t *testing.T) {
	e := newEnv(t, envOptions{modules: []gateway.Module{failingModule{}}})
	cases := []struct {
		path, level string
		status      int
		cause       bool
	}{
		{"/fail/internal", "ERROR", 500, true},
		{"/fail/unavailable", "WARN", 503, false},
		{"/fail/timeout", "WARN", 504, false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := e.do(request{method: "GET", path: tc.path, noBody: true})
			require.Equal(t, tc.status, r.status)
			assert.NotContains(t, string(r.body), "disk on fire", "the cause is never sent")
			line := failureLine(t, e.logs.String(), tc.path)
			assert.Equal(t, tc.level, line["level"])
			_, hasCause := line["cause"]
			assert.Equal(t, tc.cause, hasCause, "a cause is logged only when there is one")
		})
	}
}
