package gateway_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/kycmatch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const okBody = `{"phoneNumber":"+34629255833","givenName":"Federica"}`

func TestTokenChecks(t *testing.T) {
	e := newEnv(t, envOptions{})
	foreignKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	forged, err := e.issuer.MintWith(devissuer.Claims{Scope: matchScope}, devissuer.SignOptions{Key: foreignKey, Algorithm: "ES256", KeyID: e.issuer.KeyID()})
	require.NoError(t, err)
	unsigned, err := e.issuer.MintUnsigned(devissuer.Claims{Scope: matchScope})
	require.NoError(t, err)
	other := devissuer.NewTestServer(t, devissuer.Options{Audience: testAudience})
	otherIssuerToken, err := other.Mint(devissuer.Claims{Scope: matchScope})
	require.NoError(t, err)

	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"missing", "", 401, "UNAUTHENTICATED"},
		{"malformed", "not.a.jwt", 401, "UNAUTHENTICATED"},
		{"expired", e.mint(devissuer.Claims{Scope: matchScope, ExpiresAt: time.Now().Add(-10 * time.Minute), IssuedAt: time.Now().Add(-time.Hour), NotBefore: time.Now().Add(-time.Hour)}), 401, "UNAUTHENTICATED"},
		{"not yet valid", e.mint(devissuer.Claims{Scope: matchScope, NotBefore: time.Now().Add(10 * time.Minute)}), 401, "UNAUTHENTICATED"},
		{"wrongly signed", forged, 401, "UNAUTHENTICATED"},
		{"unsigned", unsigned, 401, "UNAUTHENTICATED"},
		{"wrong issuer claim", e.mint(devissuer.Claims{Scope: matchScope, Issuer: "https://evil.example"}), 401, "UNAUTHENTICATED"},
		{"another issuer", otherIssuerToken, 401, "UNAUTHENTICATED"},
		{"wrong audience", e.mint(devissuer.Claims{Scope: matchScope, Audience: []string{"someone-else"}}), 401, "UNAUTHENTICATED"},
		{"no scope", e.mint(devissuer.Claims{}), 403, "PERMISSION_DENIED"},
		{"other scope", e.mint(devissuer.Claims{Scope: "kyc-fill-in:fill-in"}), 403, "PERMISSION_DENIED"},
		{"scope with another api's purpose prefix only", e.mint(devissuer.Claims{Scope: "dpv:FraudPreventionAndDetection"}), 403, "PERMISSION_DENIED"},
		{"bare scope", e.token(matchScope), 200, ""},
		{"dpv scope", e.token(dpvScope), 200, ""},
		{"dpv scope among others", e.token("openid " + dpvScope), 200, ""},
		{"audience array", e.mint(devissuer.Claims{Scope: matchScope, Audience: []string{"other", testAudience}}), 200, ""},
	}
	for _, tt := range tests {
		forVersionsSince(t, 3, tt.name, func(t *testing.T, v kycmatch.Version) {
			r := e.match(v, tt.token, okBody)
			if tt.status == 200 {
				require.Equal(t, 200, r.status, "body: %s", r.body)
				return
			}
			requireError(t, r, tt.status, tt.code)
			assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer")
		})
	}
}

func TestKeyRotationAndUnknownKidFlood(t *testing.T) {
	cooldown := 300 * time.Millisecond
	e := newEnv(t, envOptions{refreshCooldown: cooldown})
	require.Equal(t, 200, e.match(kycmatch.V04, e.token(matchScope), okBody).status)

	// The issuer rotates: a token with the new kid is accepted after one
	// refresh of the JWKS.
	time.Sleep(cooldown)
	before := e.issuer.JWKSRequests()
	require.NoError(t, e.issuer.Rotate())
	r := e.match(kycmatch.V04, e.token(matchScope), okBody)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	assert.Equal(t, before+1, e.issuer.JWKSRequests())

	// A flood of tokens with unknown kids causes at most one refresh per
	// cooldown period.
	time.Sleep(cooldown)
	stranger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	before = e.issuer.JWKSRequests()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := e.issuer.MintWith(devissuer.Claims{Scope: matchScope}, devissuer.SignOptions{Key: stranger, Algorithm: "ES256", KeyID: "unknown-" + string(rune('a'+i%26))})
			if !assert.NoError(t, err) {
				return
			}
			r := e.match(kycmatch.V04, tok, okBody)
			assert.Equal(t, http.StatusUnauthorized, r.status)
		}()
	}
	wg.Wait()
	periods := int64(time.Since(start)/cooldown) + 1
	fetched := e.issuer.JWKSRequests() - before
	assert.GreaterOrEqual(t, fetched, int64(1), "an unknown kid triggers a refresh")
	assert.LessOrEqual(t, fetched, periods, "at most one refresh per cooldown period")
}
