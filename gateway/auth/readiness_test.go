package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// flakyIssuer is a development issuer whose discovery and key-set endpoints
// can be made to fail.
type flakyIssuer struct {
	*devissuer.Issuer
	discoveryFailures atomic.Int32 // failures still to serve
	discoveryRequests atomic.Int32
	jwksDown          atomic.Bool
}

// newFlakyIssuer serves a development issuer behind the failure switches.
func newFlakyIssuer(t *testing.T) *flakyIssuer {
	t.Helper()
	issuer, err := devissuer.New(devissuer.Options{Audience: "kycgate-test"})
	require.NoError(t, err)
	f := &flakyIssuer{Issuer: issuer}
	inner := issuer.Handler()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			f.discoveryRequests.Add(1)
			if f.discoveryFailures.Add(-1) >= 0 {
				http.Error(w, "starting up", http.StatusServiceUnavailable)
				return
			}
		}
		if r.URL.Path == "/jwks" && f.jwksDown.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	issuer.SetURL(server.URL)
	return f
}

// newFastVerifier returns a verifier for issuerURL with a short backoff.
func newFastVerifier(t *testing.T, issuerURL string) *Verifier {
	t.Helper()
	v, err := NewVerifier(Config{Issuer: issuerURL, Audience: "kycgate-test", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	v.backoff = backoff{initial: 5 * time.Millisecond, max: 20 * time.Millisecond}
	return v
}

// requireUnavailable asserts a 503 UNAVAILABLE with a Retry-After.
func requireUnavailable(t *testing.T, err error) *camara.Error {
	t.Helper()
	require.ErrorIs(t, err, camara.ErrUnavailable)
	var cerr *camara.Error
	require.True(t, errors.As(err, &cerr))
	assert.Equal(t, notReadyRetryAfter, cerr.RetryAfter)
	return cerr
}

func TestVerifyBeforeStartIsUnavailable(t *testing.T) {
	issuer := newFlakyIssuer(t)
	v := newFastVerifier(t, issuer.URL())
	raw, err := issuer.Mint(devissuer.Claims{})
	require.NoError(t, err)

	requireUnavailable(t, v.Ready())
	_, err = v.Verify(context.Background(), raw)
	requireUnavailable(t, err)
	assert.Zero(t, issuer.discoveryRequests.Load(), "NewVerifier must not touch the network")
}

func TestStartRetriesUntilTheIssuerAnswers(t *testing.T) {
	issuer := newFlakyIssuer(t)
	issuer.discoveryFailures.Store(3)
	v := newFastVerifier(t, issuer.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	v.Start(ctx)
	v.Start(ctx) // a second Start is ignored

	require.NoError(t, v.WaitReady(ctx))
	assert.Equal(t, int32(4), issuer.discoveryRequests.Load())
	raw, err := issuer.Mint(devissuer.Claims{})
	require.NoError(t, err)
	_, err = v.Verify(ctx, raw)
	assert.NoError(t, err)
}

func TestStartRetriesWhenTheKeySetIsDown(t *testing.T) {
	issuer := newFlakyIssuer(t)
	issuer.jwksDown.Store(true)
	v := newFastVerifier(t, issuer.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v.Start(ctx)

	require.Eventually(t, func() bool { return issuer.discoveryRequests.Load() >= 2 }, 2*time.Second, 5*time.Millisecond)
	cerr := requireUnavailable(t, v.Ready())
	assert.ErrorContains(t, cerr, "UNAVAILABLE")
	assert.ErrorContains(t, errors.Unwrap(cerr), "HTTP 502", "the cause is kept for logs")

	issuer.jwksDown.Store(false)
	require.NoError(t, v.WaitReady(ctx))
}

func TestIssuerMismatchNeverBecomesReady(t *testing.T) {
	issuer := newFlakyIssuer(t)
	v := newFastVerifier(t, issuer.URL()+"/") // discovery answers without the slash
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()

	v.Start(ctx)
	err := v.WaitReady(ctx)

	cerr := requireUnavailable(t, err)
	var mismatch *oidc.IssuerMismatchError
	assert.True(t, errors.As(cerr, &mismatch), "cause: %v", errors.Unwrap(cerr))
}

func TestUnreachableIssuerIsUnavailable(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	url := server.URL
	server.Close()
	v := newFastVerifier(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	v.Start(ctx)
	cancel()

	waitCtx, waitCancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer waitCancel()
	requireUnavailable(t, v.WaitReady(waitCtx))
	_, err := v.Verify(context.Background(), "a.b.c")
	requireUnavailable(t, err)
}

func TestKeySetOutageAfterReadyYieldsUnauthenticated(t *testing.T) {
	issuer := newFlakyIssuer(t)
	v := newFastVerifier(t, issuer.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v.Start(ctx)
	require.NoError(t, v.WaitReady(ctx))
	cached, err := issuer.Mint(devissuer.Claims{})
	require.NoError(t, err)

	issuer.jwksDown.Store(true)
	require.NoError(t, issuer.AddKey())
	unknown, err := issuer.Mint(devissuer.Claims{})
	require.NoError(t, err)

	_, err = v.Verify(ctx, unknown)
	assert.ErrorIs(t, err, camara.ErrUnauthenticated)
	_, err = v.Verify(ctx, cached)
	assert.NoError(t, err, "cached keys survive a failed refresh")
	assert.NoError(t, v.Ready())
}
