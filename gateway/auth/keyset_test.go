package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
)

func TestRotationAcceptsNewKidAfterOneRefresh(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer) // default 30s cooldown
	oldToken := mint(t, issuer, devissuer.Claims{})
	require.Equal(t, int64(1), issuer.JWKSRequests(), "discovery loads the key set once")

	require.NoError(t, issuer.Rotate())
	newToken := mint(t, issuer, devissuer.Claims{})

	_, err := v.Verify(context.Background(), newToken)
	require.NoError(t, err)
	assert.Equal(t, int64(2), issuer.JWKSRequests(), "exactly one refresh for the new kid")

	_, err = v.Verify(context.Background(), newToken)
	require.NoError(t, err)
	assert.Equal(t, int64(2), issuer.JWKSRequests(), "the new key is cached")

	_, err = v.Verify(context.Background(), oldToken)
	requireUnauthenticated(t, err, oldToken)
	assert.Equal(t, int64(2), issuer.JWKSRequests(), "the withdrawn kid is refused inside the cooldown without a fetch")
}

func TestConcurrentCallersShareTheRotationRefresh(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	require.NoError(t, issuer.Rotate())
	tokens := make([]string, 100)
	for i := range tokens {
		tokens[i] = mint(t, issuer, devissuer.Claims{})
	}

	for _, err := range verifyConcurrently(v, tokens) {
		assert.NoError(t, err, "callers arriving during the refresh wait for it instead of failing")
	}
	assert.Equal(t, int64(2), issuer.JWKSRequests())
}

func TestGracefulRotationKeepsOldTokensValid(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	oldToken := mint(t, issuer, devissuer.Claims{})

	require.NoError(t, issuer.AddKey())
	newToken := mint(t, issuer, devissuer.Claims{})

	_, err := v.Verify(context.Background(), newToken)
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), oldToken)
	require.NoError(t, err)
	assert.Equal(t, int64(2), issuer.JWKSRequests())
}

// forgedTokens signs n tokens with a key the issuer never published, each
// with a distinct random kid.
func forgedTokens(t testing.TB, issuer *devissuer.Issuer, n int) []string {
	t.Helper()
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tokens := make([]string, n)
	for i := range tokens {
		raw, err := issuer.MintWith(devissuer.Claims{}, devissuer.SignOptions{
			Key: foreign, Algorithm: "ES256", KeyID: fmt.Sprintf("forged-%d-%s", i, rand.Text()),
		})
		require.NoError(t, err)
		tokens[i] = raw
	}
	return tokens
}

// verifyConcurrently verifies every token at once and returns the errors.
func verifyConcurrently(v *auth.Verifier, tokens []string) []error {
	errs := make([]error, len(tokens))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, raw := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = v.Verify(context.Background(), raw)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// fetchBudget is the most key-set fetches a cooldown allows since start, on
// top of the ones already made: one at once, then one per elapsed cooldown.
// On a fast machine the flood ends inside the first cooldown and the budget
// is exactly one.
func fetchBudget(start time.Time, cooldown time.Duration) int64 {
	return 1 + int64(time.Since(start)/cooldown)
}

func TestUnknownKidFloodFetchesOncePerCooldown(t *testing.T) {
	const cooldown = 200 * time.Millisecond
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer, func(c *auth.Config) { c.RefreshCooldown = cooldown })
	tokens := forgedTokens(t, issuer, 201)
	flood, late := tokens[:200], tokens[200]
	require.Equal(t, int64(1), issuer.JWKSRequests())

	floodStarted := time.Now()
	for i, err := range verifyConcurrently(v, flood) {
		requireUnauthenticated(t, err, flood[i])
	}
	_, err := v.Verify(context.Background(), late)
	requireUnauthenticated(t, err, late)
	afterFlood := issuer.JWKSRequests()
	assert.GreaterOrEqual(t, afterFlood, int64(2), "an unknown kid triggers a refresh")
	assert.LessOrEqual(t, afterFlood, 1+fetchBudget(floodStarted, cooldown), "201 unknown kids share one key-set fetch per cooldown")

	require.Eventually(t, func() bool {
		_, err := v.Verify(context.Background(), late)
		return err != nil && issuer.JWKSRequests() == afterFlood+1
	}, 5*cooldown, cooldown/10, "a fetch is allowed again after the cooldown")

	secondStarted := time.Now()
	for i, err := range verifyConcurrently(v, flood[:50]) {
		requireUnauthenticated(t, err, flood[i])
	}
	assert.LessOrEqual(t, issuer.JWKSRequests(), afterFlood+fetchBudget(secondStarted, cooldown), "the next flood is inside the new cooldown")
}

func TestValidTokensStillVerifyDuringAFlood(t *testing.T) {
	issuer := newIssuer(t, devissuer.ES256)
	v := startVerifier(t, issuer)
	tokens := forgedTokens(t, issuer, 100)
	valid := mint(t, issuer, devissuer.Claims{})
	mixed := append(tokens, valid, valid, valid)

	errs := verifyConcurrently(v, mixed)

	for _, err := range errs[len(tokens):] {
		assert.NoError(t, err)
	}
	assert.LessOrEqual(t, issuer.JWKSRequests(), int64(2))
}
