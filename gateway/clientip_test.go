package gateway_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/kycgate/kycgate/gateway"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clientIPModule answers the client address the gateway attributes a
// request to, as the rate limits and the recorded request IP see it.
type clientIPModule struct{}

func (clientIPModule) Routes() ([]gateway.Route, error) {
	return []gateway.Route{{Method: "GET", Path: "/client-ip", Body: gateway.BodyNone,
		Handler: func(c *gin.Context) error {
			c.JSON(http.StatusOK, gin.H{"ip": c.ClientIP()})
			return nil
		}}}, nil
}

func TestClientIPBelievesForwardingHeadersOnlyFromTrustedProxies(t *testing.T) {
	forwarded := http.Header{"X-Forwarded-For": {"203.0.113.7"}}
	cases := []struct {
		name    string
		proxies []string
		want    string
	}{
		{"no trusted proxy: the TCP peer", nil, "127.0.0.1"},
		{"a range that holds the peer", []string{"127.0.0.0/8"}, "203.0.113.7"},
		{"a proxy that is not the peer", []string{"192.0.2.1"}, "127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{modules: []gateway.Module{clientIPModule{}}, trustedProxies: tc.proxies})
			r := e.do(request{method: "GET", path: "/client-ip", noBody: true, header: forwarded})
			require.Equal(t, http.StatusOK, r.status)
			assert.JSONEq(t, `{"ip":"`+tc.want+`"}`, string(r.body))
		})
	}
}
