package camara_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	camaraerr "github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/camara"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
	"github.com/kycgate/kycgate/operators/operatorstest"
)

// recorder sits in front of an upstream gateway: it keeps what the adapter
// sent and can refuse tokens as revoked, the way an operator does.
type recorder struct {
	mu          sync.Mutex
	bodies      []string
	correlators []string
	tokens      []string
	revoked     map[string]bool
	revokeAll   atomic.Bool
}

// wrap is a camaratest.Options.Wrap.
func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		token := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
		r.mu.Lock()
		r.bodies = append(r.bodies, string(body))
		r.correlators = append(r.correlators, req.Header.Get("x-correlator"))
		r.tokens = append(r.tokens, token)
		refused := r.revoked[token] || r.revokeAll.Load()
		r.mu.Unlock()
		if refused {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"code":"UNAUTHENTICATED","message":"The access token was revoked"}`))
			return
		}
		next.ServeHTTP(w, req)
	})
}

// revoke refuses token from now on.
func (r *recorder) revoke(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.revoked == nil {
		r.revoked = map[string]bool{}
	}
	r.revoked[token] = true
}

// last returns the last body, correlator and token received.
func (r *recorder) last(t *testing.T) (body, correlator, token string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.bodies, "the upstream received no request")
	n := len(r.bodies) - 1
	return r.bodies[n], r.correlators[n], r.tokens[n]
}

// upstreamWithRecorder starts an upstream gateway serving the conformance
// fixture behind a recorder.
func upstreamWithRecorder(t *testing.T, o camaratest.Options) (*camaratest.Gateway, *recorder) {
	rec := &recorder{}
	o.Wrap = rec.wrap
	if o.Subscribers == nil {
		o.Subscribers = operatorstest.Subscribers
	}
	return camaratest.Start(t, o), rec
}

// newAdapter builds a camara adapter for upstream in version with extra
// option overrides.
func newAdapter(t *testing.T, upstream *camaratest.Gateway, version string, overrides map[string]any, deps operators.Deps) *camara.Adapter {
	t.Helper()
	var opts map[string]any
	require.NoError(t, json.Unmarshal(upstream.CamaraOptions(version), &opts))
	for k, v := range overrides {
		opts[k] = v
	}
	raw, err := json.Marshal(opts)
	require.NoError(t, err)
	a, err := camara.New("upstream", raw, deps)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.(*camara.Adapter).Close() })
	return a.(*camara.Adapter)
}

// matchCall builds a call.
func matchCall(v kycmatch.Version, phone string, values map[string]string) operators.Call {
	return operators.Call{Version: v, Request: kycmatch.Request{PhoneNumber: phone, Values: values}}
}

// match calls a with a generous timeout.
func match(t *testing.T, a operators.Adapter, c operators.Call) (kycmatch.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return a.Match(ctx, c)
}

// requireCode checks that err is the CAMARA error want.
func requireCode(t *testing.T, err error, want *camaraerr.Error) *camaraerr.Error {
	t.Helper()
	require.Error(t, err)
	got := camaraerr.From(err)
	require.Equal(t, want.Status, got.Status, "error: %v (cause %v)", err, got.Unwrap())
	require.Equal(t, want.Code, got.Code, "error: %v (cause %v)", err, got.Unwrap())
	return got
}
