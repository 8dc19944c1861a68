package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCachedTokenIsServedUntilItExpires(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.Leeway = time.Millisecond })
	raw := mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch, ExpiresAt: time.Now().Add(1200 * time.Millisecond)})

	first, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	second, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	assert.Same(t, first, second, "the second call is answered from the cache")

	time.Sleep(1300 * time.Millisecond)
	_, err = v.Verify(context.Background(), raw)
	require.Error(t, err, "an expired token is refused even though it was cached")
}

func TestCachedTokenIsReverifiedAfterTheKeysChange(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.RefreshCooldown = time.Millisecond })
	old := mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch})
	_, err := v.Verify(context.Background(), old)
	require.NoError(t, err)

	// The issuer replaces its key; a token with the new kid makes the
	// verifier reload the key set, after which the cached old token must
	// not be accepted any more: its key is gone.
	require.NoError(t, issuer.Rotate())
	_, err = v.Verify(context.Background(), mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch}))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), old)
	require.Error(t, err)
}

func TestCacheCanBeDisabled(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.CacheSize = -1 })
	raw := mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch})
	first, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	second, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	assert.NotSame(t, first, second)
	assert.Equal(t, first, second)
}

func TestCacheStaysBounded(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.CacheSize = 4 })
	tokens := make([]string, 10)
	for i := range tokens {
		tokens[i] = mint(t, issuer, devissuer.Claims{Scope: scopeKYCMatch})
		_, err := v.Verify(context.Background(), tokens[i])
		require.NoError(t, err)
	}
	for _, raw := range tokens {
		_, err := v.Verify(context.Background(), raw)
		require.NoError(t, err, "eviction never turns a valid token away")
	}
}
