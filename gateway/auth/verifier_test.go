package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

// requireUnauthenticated asserts a 401 UNAUTHENTICATED whose message leaks
// neither the token nor any of the given values.
func requireUnauthenticated(t *testing.T, err error, rawToken string, secrets ...string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, camara.ErrUnauthenticated)
	var cerr *camara.Error
	require.True(t, errors.As(err, &cerr))
	assert.Equal(t, 401, cerr.Status)
	if rawToken != "" {
		assert.NotContains(t, cerr.Message, rawToken)
		assert.NotContains(t, cerr.Error(), rawToken)
	}
	for _, s := range secrets {
		assert.NotContains(t, cerr.Message, s)
	}
}

func TestNewVerifierValidatesConfig(t *testing.T) {
	valid := auth.Config{Issuer: "https://issuer.example", Audience: "kycgate"}
	tests := []struct {
		name   string
		mutate func(*auth.Config)
	}{
		{"missing issuer", func(c *auth.Config) { c.Issuer = "" }},
		{"issuer not http", func(c *auth.Config) { c.Issuer = "ftp://issuer.example" }},
		{"issuer without host", func(c *auth.Config) { c.Issuer = "https://" }},
		{"issuer with query", func(c *auth.Config) { c.Issuer = "https://issuer.example?tenant=1" }},
		{"issuer with fragment", func(c *auth.Config) { c.Issuer = "https://issuer.example#x" }},
		{"missing audience", func(c *auth.Config) { c.Audience = "" }},
		{"negative leeway", func(c *auth.Config) { c.Leeway = -time.Second }},
		{"negative cooldown", func(c *auth.Config) { c.RefreshCooldown = -time.Second }},
		{"hmac algorithm", func(c *auth.Config) { c.Algorithms = []string{"ES256", "HS256"} }},
		{"none algorithm", func(c *auth.Config) { c.Algorithms = []string{"none"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.mutate(&cfg)
			_, err := auth.NewVerifier(cfg)
			assert.Error(t, err)
		})
	}
	_, err := auth.NewVerifier(valid)
	assert.NoError(t, err)
}

func TestVerifyValidTokenPerAlgorithm(t *testing.T) {
	for _, alg := range []string{devissuer.ES256, devissuer.RS256, devissuer.PS256} {
		t.Run(alg, func(t *testing.T) {
			issuer := newIssuer(t, alg)
			v := startVerifier(t, issuer)
			expiry := time.Now().Add(5 * time.Minute).Truncate(time.Second)

			p, err := v.Verify(context.Background(), mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch, ExpiresAt: expiry}))

			require.NoError(t, err)
			assert.Equal(t, testClientID, p.Subject)
			assert.Equal(t, testClientID, p.ClientID)
			assert.Equal(t, []string{scopeKYCMatch}, p.Scopes)
			assert.Equal(t, []string{"dpv:FraudPreventionAndDetection"}, p.Purposes)
			assert.True(t, p.HasScope("kyc-match:match"))
			assert.False(t, p.ThreeLegged())
			assert.Empty(t, p.PhoneNumber)
			assert.True(t, expiry.Equal(p.Expiry))
		})
	}
}

func TestVerifyTokenFromTokenEndpoint(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	raw := fetchToken(t, issuer, "tel:"+testPhoneNumber)

	p, err := v.Verify(context.Background(), raw)

	require.NoError(t, err)
	assert.Equal(t, "tel:"+testPhoneNumber, p.Subject)
	assert.Equal(t, testPhoneNumber, p.PhoneNumber)
	assert.True(t, p.ThreeLegged())
	assert.True(t, p.HasScope("kyc-match:match"))
}

func TestVerifyRefusesForbiddenAlgorithms(t *testing.T) {
	rsaIssuer := newIssuer(t, devissuer.RS256)
	v := startVerifier(t, rsaIssuer)
	esOnly := startVerifier(t, rsaIssuer, func(c *auth.Config) { c.Algorithms = []string{"ES256"} })
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	hs256, err := rsaIssuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{Key: []byte(strings.Repeat("s", 32)), Algorithm: "HS256", KeyID: rsaIssuer.KeyID()})
	require.NoError(t, err)
	none, err := rsaIssuer.MintUnsigned(devissuer.Claims{})
	require.NoError(t, err)
	// The issuer's own RSA key, but under PS256 while the JWK says RS256.
	algSwap, err := rsaIssuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{Algorithm: "PS256"})
	require.NoError(t, err)
	foreignRS512, err := rsaIssuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{Key: rsaKey, Algorithm: "RS512", KeyID: rsaIssuer.KeyID()})
	require.NoError(t, err)
	valid := mint(t, rsaIssuer, devissuer.Claims{})

	tests := []struct {
		name     string
		verifier *auth.Verifier
		raw      string
	}{
		{"HS256", v, hs256},
		{"alg none", v, none},
		{"PS256 with an RS256 key", v, algSwap},
		{"RS512 not accepted", v, foreignRS512},
		{"RS256 when only ES256 is configured", esOnly, valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.verifier.Verify(context.Background(), tt.raw)
			requireUnauthenticated(t, err, tt.raw)
		})
	}
	_, err = v.Verify(context.Background(), valid)
	assert.NoError(t, err, "the control token must verify")
}

func TestVerifyTimeClaimsWithLeeway(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.Leeway = 30 * time.Second })
	now := time.Now()

	tests := []struct {
		name   string
		claims devissuer.Claims
		wantOK bool
	}{
		{"expired within leeway", devissuer.Claims{ExpiresAt: now.Add(-10 * time.Second), IssuedAt: now.Add(-time.Minute), NotBefore: now.Add(-time.Minute)}, true},
		{"expired beyond leeway", devissuer.Claims{ExpiresAt: now.Add(-time.Minute), IssuedAt: now.Add(-2 * time.Minute), NotBefore: now.Add(-2 * time.Minute)}, false},
		{"not yet valid within leeway", devissuer.Claims{NotBefore: now.Add(10 * time.Second)}, true},
		{"not yet valid beyond leeway", devissuer.Claims{NotBefore: now.Add(time.Minute)}, false},
		{"issued in the future within leeway", devissuer.Claims{IssuedAt: now.Add(10 * time.Second)}, true},
		{"issued in the future beyond leeway", devissuer.Claims{IssuedAt: now.Add(time.Minute)}, false},
		{"no exp", devissuer.Claims{Omit: []string{"exp"}}, false},
		{"no nbf and no iat", devissuer.Claims{Omit: []string{"nbf", "iat"}}, true},
		{"exp as a string", devissuer.Claims{Extra: map[string]any{"exp": "9999999999"}}, false},
		{"nbf as a string", devissuer.Claims{Extra: map[string]any{"nbf": "0"}}, false},
		{"fractional exp", devissuer.Claims{Extra: map[string]any{"exp": float64(now.Add(time.Minute).Unix()) + 0.5}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mint(t, issuer, tt.claims)

			_, err := v.Verify(context.Background(), raw)

			if tt.wantOK {
				assert.NoError(t, err)
				return
			}
			requireUnauthenticated(t, err, raw)
		})
	}
}

func TestVerifyExpiredMessage(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	raw := mint(t, issuer, devissuer.Claims{ExpiresAt: time.Now().Add(-time.Hour), IssuedAt: time.Now().Add(-2 * time.Hour)})

	_, err := v.Verify(context.Background(), raw)

	requireUnauthenticated(t, err, raw)
	assert.Contains(t, err.Error(), "expired")
}

func TestVerifyIssuerAndAudience(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)

	tests := []struct {
		name   string
		claims devissuer.Claims
		wantOK bool
	}{
		{"wrong issuer", devissuer.Claims{Issuer: "https://attacker.example"}, false},
		{"issuer with trailing slash", devissuer.Claims{Issuer: issuer.URL() + "/"}, false},
		{"wrong audience", devissuer.Claims{Audience: []string{"someone-else"}}, false},
		{"no audience", devissuer.Claims{Omit: []string{"aud"}}, false},
		{"audience array containing ours", devissuer.Claims{Audience: []string{"someone-else", testAudience}}, true},
		{"audience array without ours", devissuer.Claims{Audience: []string{"a", "b"}}, false},
		{"audience as a string", devissuer.Claims{Audience: []string{testAudience}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mint(t, issuer, tt.claims)

			_, err := v.Verify(context.Background(), raw)

			if tt.wantOK {
				assert.NoError(t, err)
				return
			}
			requireUnauthenticated(t, err, raw, "attacker", "someone-else")
		})
	}
}

func TestVerifyMalformedTokens(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	valid := mint(t, issuer, devissuer.Claims{})
	parts := strings.Split(valid, ".")
	other := strings.Split(mint(t, issuer, devissuer.Claims{Subject: "someone"}), ".")
	swappedPayload := parts[0] + "." + other[1] + "." + parts[2]

	tests := []struct {
		name string
		raw  string
	}{
		{"empty", ""},
		{"garbage", "not-a-jwt"},
		{"two segments", parts[0] + "." + parts[1]},
		{"payload swapped under a valid signature", swappedPayload},
		{"truncated signature", valid[:len(valid)-4]},
		{"oversized", strings.Repeat("a", 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.raw)
			requireUnauthenticated(t, err, tt.raw)
		})
	}
}

func TestVerifyClientIdentity(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	custom := startVerifier(t, issuer, func(c *auth.Config) { c.ClientIDClaim = "merchant" })

	tests := []struct {
		name     string
		verifier *auth.Verifier
		claims   devissuer.Claims
		want     string
	}{
		{"client_id", v, devissuer.Claims{ClientID: "m-1"}, "m-1"},
		{"azp fallback", v, devissuer.Claims{Omit: []string{"client_id"}, Extra: map[string]any{"azp": "m-2"}}, "m-2"},
		{"client_id wins over azp", v, devissuer.Claims{ClientID: "m-1", Extra: map[string]any{"azp": "m-2"}}, "m-1"},
		{"custom claim", custom, devissuer.Claims{Extra: map[string]any{"merchant": "m-3"}}, "m-3"},
		{"custom claim absent falls back to azp", custom, devissuer.Claims{Extra: map[string]any{"azp": "m-4"}}, "m-4"},
		{"no client identity", v, devissuer.Claims{Omit: []string{"client_id"}}, ""},
		{"client_id not a string", v, devissuer.Claims{Extra: map[string]any{"client_id": 42}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mint(t, issuer, tt.claims)

			p, err := tt.verifier.Verify(context.Background(), raw)

			if tt.want == "" {
				requireUnauthenticated(t, err, raw)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.ClientID)
		})
	}
}

func TestVerifyForeignSignatures(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	forgedWithKnownKID, err := issuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{Key: foreign, Algorithm: "ES256", KeyID: issuer.KeyID()})
	require.NoError(t, err)
	ownWithoutKID, err := issuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{OmitKeyID: true})
	require.NoError(t, err)
	before := issuer.JWKSRequests()

	_, err = v.Verify(context.Background(), forgedWithKnownKID)
	requireUnauthenticated(t, err, forgedWithKnownKID)
	assert.Equal(t, before, issuer.JWKSRequests(), "a bad signature under a known kid must not refresh the key set")

	_, err = v.Verify(context.Background(), ownWithoutKID)
	assert.NoError(t, err, "a token without kid is tried against every key")
}
