package gateway_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/operators"
)

func TestHTTPErrorsUseCAMARAShape(t *testing.T) {
	e := newEnv(t, envOptions{maxBodyBytes: 2048})
	tok := e.token(matchScope)
	tests := []struct {
		name   string
		req    request
		status int
		code   string
	}{
		{"unknown path", request{method: "GET", path: "/kyc-match/v0.4/nothing", noBody: true}, 404, "NOT_FOUND"},
		{"unknown version", request{path: "/kyc-match/v0.9/match", token: tok, body: `{}`}, 404, "NOT_FOUND"},
		{"wrong method", request{method: "GET", path: "/kyc-match/v0.4/match", noBody: true}, 405, "METHOD_NOT_ALLOWED"},
		{"wrong content type", request{path: "/kyc-match/v0.4/match", token: tok, body: `{"phoneNumber":"+34629255833","givenName":"x"}`, contentType: "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"form content type", request{path: "/kyc-match/v0.4/match", token: tok, body: `phoneNumber=1`, contentType: "application/x-www-form-urlencoded"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"oversized body", request{path: "/kyc-match/v0.4/match", token: tok, body: `{"phoneNumber":"+34629255833","givenName":"` + strings.Repeat("a", 4096) + `"}`}, 413, "PAYLOAD_TOO_LARGE"},
		{"non-JSON body", request{path: "/kyc-match/v0.4/match", token: tok, body: `{"phoneNumber":`}, 400, "INVALID_ARGUMENT"},
		{"missing body", request{path: "/kyc-match/v0.4/match", token: tok, noBody: true}, 400, "INVALID_ARGUMENT"},
		{"blank body", request{path: "/kyc-match/v0.4/match", token: tok, body: "  "}, 400, "INVALID_ARGUMENT"},
		{"gzip content coding", request{path: "/kyc-match/v0.4/match", token: tok, body: `{"phoneNumber":"+34629255833","givenName":"x"}`,
			header: http.Header{"Content-Encoding": {"gzip"}}}, 415, "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.req)
			requireError(t, r, tt.status, tt.code)
			assert.NotEmpty(t, r.header.Get("x-correlator"), "every response carries a correlator")
		})
	}
	t.Run("method not allowed names the allowed method", func(t *testing.T) {
		r := e.do(request{method: "PUT", path: "/kyc-match/v0.3/match", token: tok, body: `{}`})
		requireError(t, r, 405, "METHOD_NOT_ALLOWED")
		assert.Equal(t, "POST", r.header.Get("Allow"))
	})
}

// TestBodiesKeepTheJSONLimits checks that a NUL character or nesting past
// jsonlimit.MaxDepth is refused where the body is read, before schema
// validation (which would word another error) or any store sees it.
func TestBodiesKeepTheJSONLimits(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(matchScope)
	deep := strings.Repeat(`{"a":`, 65) + `"b"` + strings.Repeat("}", 65)
	for _, tt := range []struct{ name, body, message string }{
		{"NUL in a value", `{"phoneNumber":"+34629255833","givenName":"Fed\u0000erica"}`, "NUL character"},
		{"NUL in a name", `{"phoneNumber":"+34629255833","given\u0000Name":"Federica"}`, "NUL character"},
		{"nested too deep", `{"phoneNumber":"+34629255833","givenName":` + deep + `}`, "64 levels"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.match(kycmatch.V04, tok, tt.body)
			requireError(t, r, 400, "INVALID_ARGUMENT")
			assert.Contains(t, r.json(t)["message"], tt.message)
		})
	}
}

func TestCorrelator(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(matchScope)
	body := `{"phoneNumber":"+34629255833","givenName":"Federica"}`

	t.Run("echoed on success", func(t *testing.T) {
		r := e.do(request{path: matchPath(kycmatch.V04), token: tok, body: body, correlator: "b4333c46-49c0-4f62-80d7-f0ef930f1c46"})
		require.Equal(t, 200, r.status)
		assert.Equal(t, "b4333c46-49c0-4f62-80d7-f0ef930f1c46", r.header.Get("x-correlator"))
	})
	t.Run("echoed on errors", func(t *testing.T) {
		for _, req := range []request{
			{path: matchPath(kycmatch.V04), body: body, correlator: "abc-123"},
			{path: matchPath(kycmatch.V04), token: tok, body: `{}`, correlator: "abc-123"},
			{method: "GET", path: "/nowhere", noBody: true, correlator: "abc-123"},
		} {
			r := e.do(req)
			assert.GreaterOrEqual(t, r.status, 400)
			assert.Equal(t, "abc-123", r.header.Get("x-correlator"), "status %d", r.status)
		}
	})
	t.Run("generated when absent", func(t *testing.T) {
		r := e.do(request{path: matchPath(kycmatch.V04), token: tok, body: body})
		_, err := uuid.Parse(r.header.Get("x-correlator"))
		require.NoError(t, err)
	})
	t.Run("validated against the version's pattern", func(t *testing.T) {
		// ':' and '.' are allowed by the 0.4 pattern, not by the 0.3 one.
		r := e.do(request{path: matchPath(kycmatch.V04), token: tok, body: body, correlator: "urn:corr.1"})
		require.Equal(t, 200, r.status, "body: %s", r.body)
		assert.Equal(t, "urn:corr.1", r.header.Get("x-correlator"))

		r = e.do(request{path: matchPath(kycmatch.V03), token: tok, body: body, correlator: "urn:corr.1"})
		requireError(t, r, 400, "INVALID_ARGUMENT")
		assert.NotEqual(t, "urn:corr.1", r.header.Get("x-correlator"), "an invalid correlator is not echoed")

		r = e.do(request{path: matchPath(kycmatch.V04), token: tok, body: body, correlator: strings.Repeat("a", 257)})
		requireError(t, r, 400, "INVALID_ARGUMENT")
	})
}

func TestHealthAndDocuments(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.do(request{method: "GET", path: "/health/live", noBody: true})
	require.Equal(t, 200, r.status)
	r = e.do(request{method: "GET", path: "/health/ready", noBody: true})
	require.Equal(t, 200, r.status, "body: %s", r.body)
	assert.Equal(t, map[string]any{"status": "UP", "checks": map[string]any{"store": "UP", "issuer": "UP"}}, r.json(t))

	for _, v := range kycmatch.Versions {
		r = e.do(request{method: "GET", path: "/openapi/kyc-match-" + v.PathSegment() + ".yaml", noBody: true})
		require.Equal(t, 200, r.status)
		assert.Contains(t, string(r.body), "/kyc-match/"+v.PathSegment())
	}
	requireError(t, e.do(request{method: "GET", path: "/openapi/..%2Fgo.mod", noBody: true}), 404, "NOT_FOUND")

	t.Run("probes answer HEAD", func(t *testing.T) {
		for _, path := range []string{"/health/live", "/health/ready"} {
			r := e.do(request{method: "HEAD", path: path, noBody: true})
			assert.Equal(t, 200, r.status, path)
			assert.Empty(t, r.body, path)
		}
	})
	t.Run("an invalid x-correlator does not fail a probe", func(t *testing.T) {
		for _, path := range []string{"/health/live", "/health/ready", "/openapi/kyc-match-v0.4.yaml"} {
			r := e.do(request{method: "GET", path: path, noBody: true, correlator: "not valid!"})
			assert.Equal(t, 200, r.status, path)
			_, err := uuid.Parse(r.header.Get("x-correlator"))
			assert.NoError(t, err, "a fresh correlator replaces the invalid one on %s", path)
		}
	})
}

func TestPanicBecomesInternalError(t *testing.T) {
	e := newEnv(t, envOptions{extraRoutes: []operators.Route{{Name: "panics", Adapter: panicking{}, Prefixes: []string{"+49"}}}})
	r := e.match(kycmatch.V04, e.token(matchScope), `{"phoneNumber":"+4915112345678","givenName":"x"}`)
	requireError(t, r, http.StatusInternalServerError, "INTERNAL")
	assert.NotContains(t, string(r.body), "boom", "the panic value stays internal")
	assert.Contains(t, e.logs.String(), "boom", "the panic is logged")
}

// panicking is an adapter that panics, to test the recovery middleware.
type panicking struct{}

func (panicking) Match(context.Context, operators.Call) (kycmatch.Response, error) {
	panic("boom")
}
