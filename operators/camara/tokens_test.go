package camara

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// countingIssuer runs a development issuer whose token requests are
// counted.
func countingIssuer(t *testing.T, ttl time.Duration) (*devissuer.Issuer, *atomic.Int64) {
	issuer, err := devissuer.New(devissuer.Options{
		Clients:  []devissuer.Client{{ID: "gw", Secret: "s", Scopes: []string{"kyc-match:match"}}},
		TokenTTL: ttl,
	})
	require.NoError(t, err)
	var n atomic.Int64
	h := issuer.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	issuer.SetURL(srv.URL)
	return issuer, &n
}

func newTestTokenSource(issuer *devissuer.Issuer, margin time.Duration) *tokenSource {
	return newTokenSource(clientcredentials.Config{
		ClientID: "gw", ClientSecret: "s", TokenURL: issuer.TokenURL(), Scopes: []string{"kyc-match:match"},
	}, http.DefaultClient, margin)
}

func TestTokenRefreshedShortlyBeforeExpiry(t *testing.T) {
	issuer, requests := countingIssuer(t, time.Hour)
	src := newTestTokenSource(issuer, 30*time.Second)
	start := time.Now()
	clock := start
	src.now = func() time.Time { return clock }
	ctx := context.Background()

	first, err := src.Token(ctx)
	require.NoError(t, err)
	tests := []struct {
		after     time.Duration
		wantFetch int64
	}{
		{0, 1},
		{59 * time.Minute, 1},
		{59*time.Minute + 29*time.Second, 1},
		{59*time.Minute + 31*time.Second, 2},
	}
	for _, tc := range tests {
		clock = start.Add(tc.after)
		tok, err := src.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, tc.wantFetch, requests.Load(), "after %s", tc.after)
		assert.Equal(t, tc.wantFetch == 1, tok.AccessToken == first.AccessToken, "after %s", tc.after)
	}
}

func TestShortLivedTokenIsStillReused(t *testing.T) {
	issuer, requests := countingIssuer(t, 20*time.Second)
	src := newTestTokenSource(issuer, 30*time.Second)
	start := time.Now()
	clock := start
	src.now = func() time.Time { return clock }
	_, err := src.Token(context.Background())
	require.NoError(t, err)
	clock = start.Add(10 * time.Second)
	_, err = src.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(1), requests.Load(), "a margin longer than the lifetime is cut to a quarter of it")
	clock = start.Add(16 * time.Second)
	_, err = src.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(2), requests.Load())
}

func TestInvalidateForgetsOnlyTheStaleToken(t *testing.T) {
	issuer, requests := countingIssuer(t, time.Hour)
	src := newTestTokenSource(issuer, time.Second)
	ctx := context.Background()
	first, err := src.Token(ctx)
	require.NoError(t, err)
	src.Invalidate(first)
	second, err := src.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, first.AccessToken, second.AccessToken)
	src.Invalidate(first)
	third, err := src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, second.AccessToken, third.AccessToken, "a late invalidation of an older token keeps the new one")
	assert.Equal(t, int64(2), requests.Load())
}

func TestTokenWaitEndsWithTheCaller(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "late", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	src := newTokenSource(clientcredentials.Config{ClientID: "gw", ClientSecret: "s", TokenURL: srv.URL}, srv.Client(), time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := src.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

// tokenEndpoint serves a token endpoint that answers every request with
// status and body, counting the requests.
func tokenEndpoint(t *testing.T, status int, body string) (string, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func TestTokenEndpointTextNeverReachesTheError(t *testing.T) {
	const personal = "Federica Sanchez Arjona, DNI 12345678Z"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"OAuth error with a description", `{"error":"invalid_client","error_description":"` + personal + `"}`, "answered 400 invalid_client"},
		{"an error code outside RFC 6749", `{"error":"` + personal + `"}`, "answered 400"},
		{"not JSON", `<html>` + personal + `</html>`, "answered 400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := tokenEndpoint(t, http.StatusBadRequest, tc.body)
			s := newTokenSource(clientcredentials.Config{ClientID: "gw", ClientSecret: "s", TokenURL: url}, http.DefaultClient, time.Minute)
			_, err := s.Token(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "Federica", "the endpoint's text is never kept")
		})
	}
}

func TestATokenExpiredOnArrivalIsKeptUntilRefused(t *testing.T) {
	for _, expiresIn := range []string{"-100", "0"} {
		url, fetches := tokenEndpoint(t, http.StatusOK, `{"access_token":"t","token_type":"Bearer","expires_in":`+expiresIn+`}`)
		s := newTokenSource(clientcredentials.Config{ClientID: "gw", ClientSecret: "s", TokenURL: url}, http.DefaultClient, time.Minute)
		for range 3 {
			tok, err := s.Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "t", tok.AccessToken)
		}
		assert.Equal(t, int64(1), fetches.Load(), "expires_in %s: one fetch for three calls", expiresIn)
	}
}
