package camara_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	camaraerr "github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/camara"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
)

// fault is how a faulty upstream answers a match.
type fault func(w http.ResponseWriter, r *http.Request)

var (
	healthy fault = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"givenNameMatch":"true"}`))
	}
	hangs fault = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	slow  fault = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
		healthy(w, r)
	}
	serverError fault = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"status":500,"code":"INTERNAL","message":"db at 10.0.0.7 down"}`))
	}
	malformed fault = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"givenNameMatch":`))
	}
	offSchema fault = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"givenNameMatch":"yes"}`))
	}
	closesConnection fault = func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	notFound fault = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":404,"code":"IDENTIFIER_NOT_FOUND","message":"no such subscriber"}`))
	}
)

// faultyUpstream is an operator on loopback whose behaviour can be switched,
// counting the connections it accepts and the matches it receives.
type faultyUpstream struct {
	server      *httptest.Server
	behaviour   atomic.Pointer[fault]
	connections atomic.Int64
	requests    atomic.Int64
}

func newFaultyUpstream(t *testing.T, f fault) *faultyUpstream {
	u := &faultyUpstream{}
	u.set(f)
	u.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body first lets the server notice when the
		// client goes away, as a real operator does.
		_, _ = io.Copy(io.Discard, r.Body)
		u.requests.Add(1)
		(*u.behaviour.Load())(w, r)
	}))
	u.server.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.connections.Add(1)
		}
	}
	u.server.Start()
	t.Cleanup(u.server.Close)
	return u
}

func (u *faultyUpstream) set(f fault) { u.behaviour.Store(&f) }

// guarded builds a camara adapter for baseURL behind a guard with policy,
// with tokens from a real issuer. Logs go to logs.
func guarded(t *testing.T, baseURL string, p operators.Policy, logs *camaratest.LogBuffer) *operators.Guard {
	t.Helper()
	issuer := devissuer.NewTestServer(t, devissuer.Options{
		Clients: []devissuer.Client{{ID: "gw", Secret: "s", Scopes: []string{"kyc-match:match"}}},
	})
	raw, _ := json.Marshal(map[string]any{
		"baseUrl": baseURL, "tokenUrl": issuer.TokenURL(), "clientId": "gw", "clientSecret": "s",
	})
	deps := operators.Deps{Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	a, err := camara.New("faulty", raw, deps)
	require.NoError(t, err)
	g, err := operators.NewGuard("faulty", a, p, deps)
	require.NoError(t, err)
	return g
}

// faultPolicy times calls out quickly and opens after three failures.
func faultPolicy() operators.Policy {
	return operators.Policy{
		Timeout:       150 * time.Millisecond,
		MaxConcurrent: 4,
		Breaker:       operators.BreakerPolicy{Failures: 3, OpenFor: time.Minute, HalfOpenCalls: 1},
	}
}

var faultCall = matchCall(kycmatch.V04, "+34629255833", map[string]string{"givenName": "Federica"})

func TestFaultsAreMapped(t *testing.T) {
	tests := []struct {
		name  string
		fault fault
		want  *camaraerr.Error
	}{
		{"hangs", hangs, camaraerr.ErrTimeout},
		{"slow", slow, camaraerr.ErrTimeout},
		{"answers 500", serverError, camaraerr.ErrUnavailable},
		{"answers malformed JSON", malformed, camaraerr.ErrUnavailable},
		{"answers outside the schema", offSchema, camaraerr.ErrUnavailable},
		{"closes the connection", closesConnection, camaraerr.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := newFaultyUpstream(t, tc.fault)
			g := guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{})
			_, err := match(t, g, faultCall)
			got := requireCode(t, err, tc.want)
			assert.NotContains(t, got.Error(), "10.0.0.7", "the operator's message stays internal")
			assert.NotContains(t, got.Error(), u.server.Listener.Addr().String(), "the operator's URL stays internal")
			assert.Equal(t, operators.BreakerClosed, g.BreakerState(), "one failure does not open the breaker")
		})
	}
	t.Run("not listening", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		g := guarded(t, "http://"+addr, faultPolicy(), &camaratest.LogBuffer{})
		_, err = match(t, g, faultCall)
		requireCode(t, err, camaraerr.ErrUnavailable)
	})
}

func TestBreakerOpensAfterThresholdAndRefusesWithoutConnecting(t *testing.T) {
	u := newFaultyUpstream(t, serverError)
	logs := &camaratest.LogBuffer{}
	g := guarded(t, u.server.URL, faultPolicy(), logs)
	for i := range 3 {
		require.Equal(t, operators.BreakerClosed, g.BreakerState(), "closed before failure %d", i+1)
		_, err := match(t, g, faultCall)
		requireCode(t, err, camaraerr.ErrUnavailable)
	}
	require.Equal(t, operators.BreakerOpen, g.BreakerState(), "open after three failures in a row")

	// Kept-alive connections are closed, so that any attempt would have to
	// open a new one, and the upstream now hangs, so that an attempt would
	// also take the whole timeout (150ms).
	u.server.CloseClientConnections()
	connections, requests := u.connections.Load(), u.requests.Load()
	u.set(hangs)
	for range 5 {
		start := time.Now()
		_, err := match(t, g, faultCall)
		elapsed := time.Since(start)
		got := requireCode(t, err, camaraerr.ErrUnavailable)
		assert.Less(t, elapsed, 50*time.Millisecond, "an open breaker answers at once, without waiting for the operator")
		assert.Positive(t, got.RetryAfter, "Retry-After is set")
		assert.LessOrEqual(t, got.RetryAfter, 60, "Retry-After is at most the open period")
	}
	assert.Equal(t, connections, u.connections.Load(), "an open breaker opens no connection")
	assert.Equal(t, requests, u.requests.Load(), "an open breaker sends no request")

	assert.Contains(t, logs.String(), `"msg":"operator breaker state changed","component":"operators","operator":"faulty","from":"closed","to":"open"`)
	assert.NotContains(t, logs.String(), "629255833", "no phone number in the log")
}

func TestBreakerClosesAfterRecovery(t *testing.T) {
	u := newFaultyUpstream(t, hangs)
	p := faultPolicy()
	p.Breaker.OpenFor = 30 * time.Millisecond
	logs := &camaratest.LogBuffer{}
	g := guarded(t, u.server.URL, p, logs)
	for range 3 {
		_, err := match(t, g, faultCall)
		requireCode(t, err, camaraerr.ErrTimeout)
	}
	require.Equal(t, operators.BreakerOpen, g.BreakerState())

	t.Run("a failed probe opens it again", func(t *testing.T) {
		require.Eventually(t, func() bool { return g.BreakerState() == operators.BreakerHalfOpen }, 5*time.Second, 5*time.Millisecond)
		_, err := match(t, g, faultCall)
		requireCode(t, err, camaraerr.ErrTimeout)
		assert.Equal(t, operators.BreakerOpen, g.BreakerState())
	})
	t.Run("a successful probe closes it", func(t *testing.T) {
		u.set(healthy)
		require.Eventually(t, func() bool { return g.BreakerState() == operators.BreakerHalfOpen }, 5*time.Second, 5*time.Millisecond)
		resp, err := match(t, g, faultCall)
		require.NoError(t, err)
		assert.Equal(t, kycmatch.True, resp["givenName"].Result)
		assert.Equal(t, operators.BreakerClosed, g.BreakerState())
		assert.Contains(t, logs.String(), `"from":"half-open","to":"closed"`)
	})
}

func TestWhatTheBreakerDoesNotCount(t *testing.T) {
	p := faultPolicy()
	p.Breaker.Failures = 1
	t.Run("CAMARA 4xx answers", func(t *testing.T) {
		u := newFaultyUpstream(t, notFound)
		g := guarded(t, u.server.URL, p, &camaratest.LogBuffer{})
		for range 3 {
			_, err := match(t, g, faultCall)
			requireCode(t, err, camaraerr.ErrIdentifierNotFound)
		}
		assert.Equal(t, operators.BreakerClosed, g.BreakerState())
	})
	t.Run("calls the caller cancels", func(t *testing.T) {
		u := newFaultyUpstream(t, hangs)
		g := guarded(t, u.server.URL, p, &camaratest.LogBuffer{})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for u.requests.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := g.Match(ctx, faultCall)
		require.Error(t, err)
		assert.Equal(t, operators.BreakerClosed, g.BreakerState(), "the caller left; the operator is not at fault")
	})
}

func TestConcurrencyLimitRefusesExcessAtOnce(t *testing.T) {
	release := make(chan struct{})
	u := newFaultyUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
			healthy(w, r)
		case <-r.Context().Done():
		}
	})
	p := faultPolicy()
	p.Timeout, p.MaxConcurrent = 10*time.Second, 2
	g := guarded(t, u.server.URL, p, &camaratest.LogBuffer{})
	done := make(chan error, 2)
	for range 2 {
		go func() { _, err := match(t, g, faultCall); done <- err }()
	}
	require.Eventually(t, func() bool { return u.requests.Load() == 2 }, 5*time.Second, time.Millisecond)

	_, err := match(t, g, faultCall)
	got := requireCode(t, err, camaraerr.ErrUnavailable)
	assert.Equal(t, 1, got.RetryAfter)
	assert.Equal(t, int64(2), u.requests.Load(), "the excess call never reached the operator")

	close(release)
	for range 2 {
		require.NoError(t, <-done)
	}
	_, err = match(t, g, faultCall)
	require.NoError(t, err, "slots are given back")
	assert.Equal(t, operators.BreakerClosed, g.BreakerState(), "refusals are not failures")
}

// TestResponseSizeIsCapped refuses an answer larger than maxResponseBytes.
func TestResponseSizeIsCapped(t *testing.T) {
	big := bytes.Repeat([]byte(" "), 70<<10)
	u := newFaultyUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(append(big, []byte(`{"givenNameMatch":"true"}`)...))
	})
	g := guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{})
	_, err := match(t, g, faultCall)
	requireCode(t, err, camaraerr.ErrUnavailable)
}

// TestRetryAfterOfAnOperator checks a 429's Retry-After: passed on, capped
// at an hour, and, when it is not a number of seconds, never copied into
// the error's cause, which is logged.
func TestRetryAfterOfAnOperator(t *testing.T) {
	tooMany := func(retryAfter string) fault {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", retryAfter)
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"status":429,"code":"TOO_MANY_REQUESTS","message":"slow down"}`))
		}
	}
	t.Run("passed on", func(t *testing.T) {
		u := newFaultyUpstream(t, tooMany("7"))
		_, err := match(t, guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{}), faultCall)
		assert.Equal(t, 7, requireCode(t, err, camaraerr.ErrTooManyRequests).RetryAfter)
	})
	t.Run("capped at an hour", func(t *testing.T) {
		u := newFaultyUpstream(t, tooMany("999999999"))
		_, err := match(t, guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{}), faultCall)
		assert.Equal(t, 3600, requireCode(t, err, camaraerr.ErrTooManyRequests).RetryAfter)
	})
	t.Run("an operator's 503 passes its Retry-After on", func(t *testing.T) {
		u := newFaultyUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		_, err := match(t, guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{}), faultCall)
		assert.Equal(t, 30, requireCode(t, err, camaraerr.ErrUnavailable).RetryAfter)
	})
	t.Run("not a number: unavailable, the value kept out of the cause", func(t *testing.T) {
		u := newFaultyUpstream(t, tooMany("soon, Federica Sanchez Arjona"))
		_, err := match(t, guarded(t, u.server.URL, faultPolicy(), &camaratest.LogBuffer{}), faultCall)
		got := requireCode(t, err, camaraerr.ErrUnavailable)
		assert.NotContains(t, fmt.Sprint(got.Unwrap()), "Federica")
	})
}
