package devissuer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

func TestNewRejectsInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opts devissuer.Options
	}{
		{"client without id", devissuer.Options{Clients: []devissuer.Client{{Secret: "x"}}}},
		{"client without secret", devissuer.Options{Clients: []devissuer.Client{{ID: "a"}}}},
		{"duplicate client", devissuer.Options{Clients: []devissuer.Client{{ID: "a", Secret: "x"}, {ID: "a", Secret: "y"}}}},
		{"scope with a space", devissuer.Options{Clients: []devissuer.Client{{ID: "a", Secret: "x", Scopes: []string{"a b"}}}}},
		{"empty scope", devissuer.Options{Clients: []devissuer.Client{{ID: "a", Secret: "x", Scopes: []string{""}}}}},
		{"symmetric algorithm", devissuer.Options{Algorithm: "HS256"}},
		{"unknown algorithm", devissuer.Options{Algorithm: "ES999"}},
		{"negative ttl", devissuer.Options{TokenTTL: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := devissuer.New(tt.opts)
			require.Error(t, err)
		})
	}
}

func TestDiscoveryDocument(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	resp, doc := getJSON(t, issuer.URL()+"/.well-known/openid-configuration")

	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, issuer.URL(), doc["issuer"])
	assert.Equal(t, issuer.URL()+"/jwks", doc["jwks_uri"])
	assert.Equal(t, issuer.URL()+"/token", doc["token_endpoint"])
	assert.Equal(t, []any{"client_credentials"}, doc["grant_types_supported"])
	assert.ElementsMatch(t, []any{"client_secret_basic", "client_secret_post"}, doc["token_endpoint_auth_methods_supported"])
	assert.Equal(t, []any{"ES256"}, doc["id_token_signing_alg_values_supported"])
	assert.ElementsMatch(t, []any{scopeKYCMatch, scopeBareMatch, "other:read"}, doc["scopes_supported"])
	assert.Contains(t, doc["claims_supported"], "client_id")
}

func TestDiscoveryWithoutURLIsUnavailable(t *testing.T) {
	issuer, err := devissuer.New(devissuer.Options{})
	require.NoError(t, err)
	server := newServer(t, issuer.Handler())

	resp, err := http.Get(server + "/.well-known/openid-configuration")
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	_, err = issuer.Mint(devissuer.Claims{})
	assert.ErrorContains(t, err, "SetURL")
}

func TestDiscoveryWorksWithGoOIDC(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	provider, err := oidc.NewProvider(context.Background(), issuer.URL())

	require.NoError(t, err)
	assert.Equal(t, issuer.TokenURL(), provider.Endpoint().TokenURL)
}

func TestJWKSPublishesPublicKeysOnly(t *testing.T) {
	for _, alg := range []string{devissuer.ES256, devissuer.RS256, devissuer.PS256} {
		t.Run(alg, func(t *testing.T) {
			issuer := devissuer.NewTestServer(t, testOptions(alg))

			resp, doc := getJSON(t, issuer.JWKSURL())

			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/jwk-set+json", resp.Header.Get("Content-Type"))
			assert.Contains(t, resp.Header.Get("Cache-Control"), "max-age=")
			keys := doc["keys"].([]any)
			require.Len(t, keys, 1)
			key := keys[0].(map[string]any)
			assert.Equal(t, issuer.KeyID(), key["kid"])
			assert.Equal(t, alg, key["alg"])
			assert.Equal(t, "sig", key["use"])
			for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
				assert.NotContains(t, key, private, "private member %q published", private)
			}
			assert.Equal(t, int64(1), issuer.JWKSRequests())
		})
	}
}

func TestRotateReplacesAndAddKeyAppends(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	first := issuer.KeyID()

	require.NoError(t, issuer.AddKey())
	second := issuer.KeyID()
	_, doc := getJSON(t, issuer.JWKSURL())
	assert.Equal(t, []string{first, second}, kids(doc))

	require.NoError(t, issuer.Rotate())
	third := issuer.KeyID()
	_, doc = getJSON(t, issuer.JWKSURL())
	assert.Equal(t, []string{third}, kids(doc))

	assert.NotEqual(t, first, second)
	assert.NotEqual(t, second, third)
	assert.Equal(t, int64(2), issuer.JWKSRequests())
}

// kids lists the key ids of a decoded JWKS.
func kids(doc map[string]any) []string {
	var out []string
	for _, k := range doc["keys"].([]any) {
		out = append(out, k.(map[string]any)["kid"].(string))
	}
	return out
}

func TestMintDefaultsVerifyWithGoOIDC(t *testing.T) {
	for _, alg := range []string{devissuer.ES256, devissuer.RS256, devissuer.PS256} {
		t.Run(alg, func(t *testing.T) {
			issuer := devissuer.NewTestServer(t, testOptions(alg))

			raw, err := issuer.Mint(devissuer.Claims{Scope: scopeKYCMatch})
			require.NoError(t, err)

			claims := verifyClaims(t, issuer, raw)
			assert.Equal(t, issuer.URL(), claims.Issuer)
			assert.Equal(t, merchantID, claims.Subject)
			assert.Equal(t, merchantID, claims.ClientID)
			assert.Equal(t, "kycgate-test", claims.Audience)
			assert.Equal(t, scopeKYCMatch, claims.Scope)
			assert.NotEmpty(t, claims.JWTID)
			assert.InDelta(t, time.Now().Add(10*time.Minute).Unix(), claims.Expiry, 5)
			header := decodeSegment(t, raw, 0)
			assert.Equal(t, alg, header["alg"])
			assert.Equal(t, "at+jwt", header["typ"])
			assert.Equal(t, issuer.KeyID(), header["kid"])
		})
	}
}

func TestMintOverridesForNegativeTests(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	past := time.Now().Add(-time.Hour).Truncate(time.Second)

	raw, err := issuer.Mint(devissuer.Claims{
		Issuer:    "https://elsewhere.example",
		Audience:  []string{"a", "b"},
		ExpiresAt: past,
		Extra:     map[string]any{"scp": []string{"x"}, "client_id": "override"},
		Omit:      []string{"nbf", "jti"},
	})
	require.NoError(t, err)

	payload := decodeSegment(t, raw, 1)
	assert.Equal(t, "https://elsewhere.example", payload["iss"])
	assert.Equal(t, []any{"a", "b"}, payload["aud"])
	assert.Equal(t, float64(past.Unix()), payload["exp"])
	assert.Equal(t, "override", payload["client_id"])
	assert.Equal(t, []any{"x"}, payload["scp"])
	assert.NotContains(t, payload, "nbf")
	assert.NotContains(t, payload, "jti")
}

func TestMintWithForeignKeyDoesNotVerify(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	tests := []struct {
		name    string
		options devissuer.SignOptions
		wantKID any
	}{
		{"foreign key, own kid", devissuer.SignOptions{Key: foreign, Algorithm: "ES256", KeyID: issuer.KeyID()}, issuer.KeyID()},
		{"foreign key, no kid", devissuer.SignOptions{Key: foreign, Algorithm: "ES256"}, nil},
		{"hmac with a public value", devissuer.SignOptions{Key: []byte(strings.Repeat("k", 32)), Algorithm: "HS256", KeyID: issuer.KeyID()}, issuer.KeyID()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := issuer.MintWith(devissuer.Claims{}, tt.options)
			require.NoError(t, err)

			assert.Equal(t, tt.wantKID, decodeSegment(t, raw, 0)["kid"])
			_, err = goOIDCVerifier(t, issuer).Verify(context.Background(), raw)
			assert.Error(t, err)
		})
	}
}

func TestMintWithOwnKeyWithoutKIDVerifies(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	raw, err := issuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{OmitKeyID: true})
	require.NoError(t, err)

	assert.NotContains(t, decodeSegment(t, raw, 0), "kid")
	verifyClaims(t, issuer, raw)
}

func TestMintWithKeyRequiresAlgorithm(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	_, err = issuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{Key: foreign})

	assert.Error(t, err)
}

func TestMintUnsignedIsRefusedByGoOIDC(t *testing.T) {
	issuer := devissuer.NewTestServer(t, testOptions(devissuer.ES256))

	raw, err := issuer.MintUnsigned(devissuer.Claims{})
	require.NoError(t, err)

	assert.True(t, strings.HasSuffix(raw, "."))
	_, err = goOIDCVerifier(t, issuer).Verify(context.Background(), raw)
	assert.Error(t, err)
}
