package auth_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// Values shared by the verifier tests.
const (
	testAudience    = "kycgate-test"
	testClientID    = "merchant-1"
	scopeKYCMatch   = "dpv:FraudPreventionAndDetection#kyc-match:match"
	testPhoneNumber = "+34600000001"
)

// newIssuer starts a development issuer signing with alg.
func newIssuer(t testing.TB, alg string) *devissuer.Issuer {
	t.Helper()
	return devissuer.NewTestServer(t, devissuer.Options{
		Algorithm: alg,
		Audience:  testAudience,
		TokenTTL:  10 * time.Minute,
		Clients: []devissuer.Client{
			{ID: testClientID, Secret: "secret", Scopes: []string{scopeKYCMatch}},
		},
	})
}

// startVerifier builds a verifier for issuer, lets configure adjust the
// config, starts it for the duration of the test and waits until it is ready.
func startVerifier(t testing.TB, issuer *devissuer.Issuer, configure ...func(*auth.Config)) *auth.Verifier {
	t.Helper()
	cfg := auth.Config{Issuer: issuer.URL(), Audience: testAudience}
	for _, c := range configure {
		c(&cfg)
	}
	v, err := auth.NewVerifier(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	v.Start(ctx)
	waitCtx, waitCancel := context.WithTimeout(ctx, 10*time.Second)
	defer waitCancel()
	require.NoError(t, v.WaitReady(waitCtx))
	return v
}

// mint signs claims with the issuer's current key.
func mint(t testing.TB, issuer *devissuer.Issuer, claims devissuer.Claims) string {
	t.Helper()
	raw, err := issuer.Mint(claims)
	require.NoError(t, err)
	return raw
}

// fetchToken obtains a token from the issuer's token endpoint with a real
// OAuth2 client; loginHint ("tel:+...") makes it three-legged when set.
func fetchToken(t testing.TB, issuer *devissuer.Issuer, loginHint string) string {
	t.Helper()
	config := clientcredentials.Config{
		ClientID:     testClientID,
		ClientSecret: "secret",
		TokenURL:     issuer.TokenURL(),
		Scopes:       []string{scopeKYCMatch},
	}
	if loginHint != "" {
		config.EndpointParams = url.Values{"login_hint": {loginHint}}
	}
	token, err := config.Token(context.Background())
	require.NoError(t, err)
	return token.AccessToken
}
