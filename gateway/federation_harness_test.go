package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/openapi/openapitest"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
	"github.com/kycgate/kycgate/operators/operatorstest"
)

// upstream starts an operator gateway on loopback: its own issuer, store
// and local operator, serving subscribers (nil: none), behind wrap (nil:
// none).
func upstream(t *testing.T, subscribers []byte, wrap func(http.Handler) http.Handler) *camaratest.Gateway {
	t.Helper()
	return camaratest.Start(t, camaratest.Options{Subscribers: subscribers, Wrap: wrap})
}

// aggregator starts an aggregator gateway whose operators are ops and whose
// discovery is d (nil: the defaults).
func aggregator(t *testing.T, d *config.Discovery, ops ...config.Operator) *camaratest.Gateway {
	t.Helper()
	return camaratest.Start(t, camaratest.Options{Operators: ops, Discovery: d})
}

// callGateway posts body to the version's match path of g with a 2-legged
// token of g's issuer (or token when set) and validates a KYC Match answer
// against the official document.
func callGateway(t *testing.T, g *camaratest.Gateway, v kycmatch.Version, token, body, correlator string) response {
	t.Helper()
	if token == "" {
		token = g.Token(t)
	}
	req, err := http.NewRequest(http.MethodPost, g.URL+matchPath(v), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if correlator != "" {
		req.Header.Set("x-correlator", correlator)
	}
	res, err := g.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	official, _ := officialDocument(matchPath(v))
	openapitest.ValidateOfficialResponse(t, official, req, res.StatusCode, res.Header, raw)
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// getJSON fetches path from g.
func getJSON(t *testing.T, g *camaratest.Gateway, path string) response {
	t.Helper()
	res, err := g.Client().Get(g.URL + path)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// threeLegged mints a 3-legged token of g's issuer for phone.
func threeLegged(t *testing.T, g *camaratest.Gateway, phone string) string {
	t.Helper()
	tok, err := g.Issuer.Mint(devissuer.Claims{Scope: camaratest.Scope, ClientID: camaratest.ClientID, Subject: "tel:" + phone})
	require.NoError(t, err)
	return tok
}

// switchable answers every match 404 IDENTIFIER_NOT_FOUND while ported is
// set, as an operator does for a number that has left it.
type switchable struct {
	ported atomic.Bool
}

func (s *switchable) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.ported.Load() && strings.HasSuffix(r.URL.Path, "/match") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404,"code":"IDENTIFIER_NOT_FOUND","message":"ported away"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hanging never answers a match: it signals arrived when the first one
// comes in, waits until the caller goes away and then closes cancelled.
type hanging struct {
	arrived   chan struct{}
	cancelled chan struct{}
	received  atomic.Int64
}

func newHanging() *hanging {
	return &hanging{arrived: make(chan struct{}), cancelled: make(chan struct{})}
}

func (h *hanging) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/match") {
			next.ServeHTTP(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the caller leave
		if h.received.Add(1) == 1 {
			close(h.arrived)
			<-r.Context().Done()
			close(h.cancelled)
		}
	})
}

// answerAfter holds a match until the hanging operator has its own call,
// so that the answer is found while that call still hangs.
func (h *hanging) answerAfter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/match") {
			select {
			case <-h.arrived:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// fixture is the subscriber file upstreams serve.
var fixture = operatorstest.Subscribers

// capture keeps the last match request an operator received.
type capture struct {
	mu       sync.Mutex
	received captured
}

// captured is one received match request.
type captured struct {
	body, correlator string
}

func (c *capture) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/match") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			c.mu.Lock()
			c.received = captured{body: string(body), correlator: r.Header.Get("x-correlator")}
			c.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// last returns the last request received.
func (c *capture) last() captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.received
}
