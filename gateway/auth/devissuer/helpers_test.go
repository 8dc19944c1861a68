package devissuer_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// KYC Match scopes used throughout the tests.
const (
	scopeKYCMatch   = "dpv:FraudPreventionAndDetection#kyc-match:match"
	scopeBareMatch  = "kyc-match:match"
	merchantID      = "merchant-1"
	merchantSecret  = "s3cret p@ss:word+/=" // characters that need form-urlencoding
	otherClientID   = "merchant-2"
	otherSecret     = "other-secret"
	testPhoneNumber = "+34600000001"
)

// testOptions registers two clients with distinct scopes.
func testOptions(algorithm string) devissuer.Options {
	return devissuer.Options{
		Algorithm: algorithm,
		Audience:  "kycgate-test",
		TokenTTL:  10 * time.Minute,
		Clients: []devissuer.Client{
			{ID: merchantID, Secret: merchantSecret, Scopes: []string{scopeKYCMatch, scopeBareMatch}},
			{ID: otherClientID, Secret: otherSecret, Scopes: []string{"other:read"}},
		},
	}
}

// getJSON fetches url and decodes its JSON body into a generic map.
func getJSON(t *testing.T, url string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc), "body: %s", body)
	return resp, doc
}

// goOIDCVerifier builds a go-oidc verifier for the issuer through discovery.
func goOIDCVerifier(t *testing.T, issuer *devissuer.Issuer) *oidc.IDTokenVerifier {
	t.Helper()
	provider, err := oidc.NewProvider(context.Background(), issuer.URL())
	require.NoError(t, err)
	return provider.Verifier(&oidc.Config{ClientID: issuer.Audience()})
}

// tokenClaims is the payload of an issued access token.
type tokenClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"`
	JWTID    string `json:"jti"`
	Expiry   int64  `json:"exp"`
	IssuedAt int64  `json:"iat"`
	NotBef   int64  `json:"nbf"`
}

// verifyClaims checks rawToken with go-oidc and returns its claims.
func verifyClaims(t *testing.T, issuer *devissuer.Issuer, rawToken string) tokenClaims {
	t.Helper()
	token, err := goOIDCVerifier(t, issuer).Verify(context.Background(), rawToken)
	require.NoError(t, err)
	var claims tokenClaims
	require.NoError(t, token.Claims(&claims))
	return claims
}

// decodeSegment decodes one base64url segment of a compact JWT as JSON.
func decodeSegment(t *testing.T, rawToken string, index int) map[string]any {
	t.Helper()
	parts := strings.Split(rawToken, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[index])
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// newServer serves h on loopback for the duration of the test and returns
// its base URL.
func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	server := httptest.NewServer(h)
	t.Cleanup(server.Close)
	return server.URL
}
