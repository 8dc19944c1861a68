package camara_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	camaraerr "github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/camara"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
	"github.com/kycgate/kycgate/operators/operatorstest"
)

func TestVersionTranslation(t *testing.T) {
	upstream, rec := upstreamWithRecorder(t, camaratest.Options{})

	t.Run("a 0.4 caller of a 0.3 operator", func(t *testing.T) {
		a := newAdapter(t, upstream, "0.3", nil, operators.Deps{})
		resp, err := match(t, a, matchCall(kycmatch.V04, operatorstest.Person, map[string]string{
			"givenName": "Federica", "nationality": "ES", "idDocumentType": "passport", "birthdate": "1978-08-23",
		}))
		require.NoError(t, err)
		assert.Equal(t, kycmatch.Response{
			"givenName":      {Result: kycmatch.True},
			"birthdate":      {Result: kycmatch.False},
			"nationality":    {Result: kycmatch.NotAvailable},
			"idDocumentType": {Result: kycmatch.NotAvailable},
		}, resp, "attributes 0.3 lacks come back not_available")
		body, _, _ := rec.last(t)
		assert.JSONEq(t, `{"phoneNumber":"+34629255833","givenName":"Federica","birthdate":"1978-08-23"}`, body,
			"a 2-legged body in the operator's version")
	})

	t.Run("a 0.3 caller of a 0.4 operator", func(t *testing.T) {
		a := newAdapter(t, upstream, "0.4", nil, operators.Deps{})
		resp, err := match(t, a, matchCall(kycmatch.V03, operatorstest.Person, map[string]string{"givenName": "Frederica"}))
		require.NoError(t, err)
		require.Equal(t, kycmatch.False, resp["givenName"].Result)
		assert.True(t, resp["givenName"].HasScore)
	})

	t.Run("nothing the operator's version knows is not sent", func(t *testing.T) {
		a := newAdapter(t, upstream, "0.3", nil, operators.Deps{})
		before := upstream.MatchRequests()
		resp, err := match(t, a, matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"nationality": "ES"}))
		require.NoError(t, err)
		assert.Equal(t, kycmatch.Response{"nationality": {Result: kycmatch.NotAvailable}}, resp)
		assert.Equal(t, before, upstream.MatchRequests(), "no call without an attribute to match")
	})
}

// scriptedOperator answers every match with status and body.
func scriptedOperator(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// scriptedAdapter builds an adapter for a scripted operator, with tokens
// from a real issuer.
func scriptedAdapter(t *testing.T, baseURL, version string) operators.Adapter {
	t.Helper()
	issuer := devissuer.NewTestServer(t, devissuer.Options{
		Clients: []devissuer.Client{{ID: "gw", Secret: "s", Scopes: []string{"kyc-match:match"}}},
	})
	raw, _ := json.Marshal(map[string]any{
		"baseUrl": baseURL, "version": version, "tokenUrl": issuer.TokenURL(), "clientId": "gw", "clientSecret": "s",
	})
	a, err := camara.New("scripted", raw, operators.Deps{})
	require.NoError(t, err)
	return a
}

func TestScoresAreClampedForTheCallersVersion(t *testing.T) {
	op := scriptedOperator(t, 200, `{"givenNameMatch":"false","givenNameMatchScore":100,"familyNameMatch":"true"}`)
	a := scriptedAdapter(t, op.URL, "0.3")
	resp, err := match(t, a, matchCall(kycmatch.V04, "+34600000001", map[string]string{"givenName": "x", "familyName": "y"}))
	require.NoError(t, err)
	assert.Equal(t, kycmatch.Outcome{Result: kycmatch.False, Score: 99, HasScore: true}, resp["givenName"])
	assert.Equal(t, kycmatch.Outcome{Result: kycmatch.True}, resp["familyName"])

	resp, err = match(t, a, matchCall(kycmatch.V03, "+34600000001", map[string]string{"givenName": "x"}))
	require.NoError(t, err)
	assert.Equal(t, 100, resp["givenName"].Score, "0.3 callers keep 100")
}

func TestCorrelatorPropagation(t *testing.T) {
	upstream, rec := upstreamWithRecorder(t, camaratest.Options{})
	tests := []struct {
		name, version, correlator, sent string
	}{
		{"propagated", "0.4", "b4333c46-49c0-4f62-80d7-f0ef930f1c46", "b4333c46-49c0-4f62-80d7-f0ef930f1c46"},
		{"0.4 characters to a 0.4 operator", "0.4", "urn:corr.1", "urn:corr.1"},
		{"0.4 characters not sent to a 0.3 operator", "0.3", "urn:corr.1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter(t, upstream, tc.version, nil, operators.Deps{})
			c := matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"})
			c.Correlator = tc.correlator
			_, err := match(t, a, c)
			require.NoError(t, err)
			_, correlator, _ := rec.last(t)
			assert.Equal(t, tc.sent, correlator)
		})
	}
}

func TestTokenIsCachedAndFetchedOnce(t *testing.T) {
	upstream, rec := upstreamWithRecorder(t, camaratest.Options{})
	a := newAdapter(t, upstream, "0.4", nil, operators.Deps{})
	c := matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"})

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := match(t, a, c)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	for range 3 {
		_, err := match(t, a, c)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), upstream.TokenRequests(), "eight concurrent first calls share one token request")
	assert.Equal(t, 1, a.TokenFetches())
	_, _, token := rec.last(t)
	assert.NotEmpty(t, token)
}

func TestRetriesOnceWithAFreshTokenOn401(t *testing.T) {
	upstream, rec := upstreamWithRecorder(t, camaratest.Options{})
	var attempts atomic.Int64
	countAttempts := func(_ string, next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/match") {
				attempts.Add(1)
			}
			return next.RoundTrip(r)
		})
	}
	a := newAdapter(t, upstream, "0.4", nil, operators.Deps{Decorators: []operators.RoundTripperDecorator{countAttempts}})
	c := matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"})
	_, err := match(t, a, c)
	require.NoError(t, err)
	_, _, first := rec.last(t)

	t.Run("a revoked token is replaced", func(t *testing.T) {
		rec.revoke(first)
		resp, err := match(t, a, c)
		require.NoError(t, err)
		assert.Equal(t, kycmatch.True, resp["givenName"].Result)
		_, _, second := rec.last(t)
		assert.NotEqual(t, first, second)
		assert.Equal(t, int64(2), upstream.TokenRequests())
		assert.Equal(t, int64(3), attempts.Load(), "the refused attempt went through the decorators too")
	})

	t.Run("a second 401 is not retried again", func(t *testing.T) {
		rec.revokeAll.Store(true)
		before := upstream.MatchRequests()
		_, err := match(t, a, c)
		cerr := requireCode(t, err, camaraerr.ErrUnavailable)
		assert.Equal(t, before+2, upstream.MatchRequests(), "one retry only")
		assert.NotContains(t, cerr.Message, "revoked", "the operator's message is not shown")
	})
}

func TestUpstreamErrors(t *testing.T) {
	upstream := camaratest.Start(t, camaratest.Options{
		Subscribers:  operatorstest.Subscribers,
		LocalOptions: json.RawMessage(`{"requireIdDocument": true}`),
	})
	a := newAdapter(t, upstream, "0.4", nil, operators.Deps{})
	host := strings.TrimPrefix(upstream.URL, "http://")
	tests := []struct {
		name   string
		call   operators.Call
		want   *camaraerr.Error
		passed bool
	}{
		{"idDocument required passes through", matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"}), camaraerr.ErrIDDocumentRequired, true},
		{"idDocument mismatch passes through", matchCall(kycmatch.V03, operatorstest.Person, map[string]string{"idDocument": "1", "givenName": "F"}), camaraerr.ErrIDDocumentMismatch, true},
		{"unknown number passes through", matchCall(kycmatch.V04, operatorstest.Unknown, map[string]string{"idDocument": "1"}), camaraerr.ErrIdentifierNotFound, true},
		{"IoT line passes through", matchCall(kycmatch.V04, operatorstest.IoTLine, map[string]string{"idDocument": "1"}), camaraerr.ErrServiceNotApplicable, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := match(t, a, tc.call)
			got := requireCode(t, err, tc.want)
			assert.Equal(t, tc.want.Message, got.Message, "kycgate's own message")
			assert.NotContains(t, got.Error(), host, "the operator's URL never reaches the caller")
		})
	}
}

func TestLinkErrorsAreUnavailable(t *testing.T) {
	upstream := camaratest.Start(t, camaratest.Options{Subscribers: operatorstest.Subscribers})
	c := matchCall(kycmatch.V04, operatorstest.Person, map[string]string{"givenName": "Federica"})
	tests := []struct {
		name      string
		overrides map[string]any
	}{
		{"wrong base path answers 404 NOT_FOUND", map[string]any{"baseUrl": upstream.URL + "/elsewhere"}},
		{"wrong client secret", map[string]any{"clientSecret": "wrong"}},
		{"token endpoint missing", map[string]any{"tokenUrl": upstream.URL + "/no-token-here"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter(t, upstream, "0.4", tc.overrides, operators.Deps{})
			_, err := match(t, a, c)
			got := requireCode(t, err, camaraerr.ErrUnavailable)
			assert.NotContains(t, got.Error(), "127.0.0.1")
			assert.NotContains(t, got.Error(), "secret")
		})
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
