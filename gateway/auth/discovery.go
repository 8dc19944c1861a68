package auth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// discoveryTimeout bounds one discovery attempt (metadata plus first key set).
const discoveryTimeout = 20 * time.Second

// Periodic key-set refresh, driven by the JWKS Cache-Control max-age.
const (
	defaultPeriodicRefresh = time.Hour
	minPeriodicRefresh     = time.Minute
	maxPeriodicRefresh     = 24 * time.Hour
)

// backoff is a capped exponential retry schedule.
type backoff struct {
	initial time.Duration
	max     time.Duration
}

// defaultBackoff retries discovery after 250ms, 500ms, 1s, ... up to 30s.
var defaultBackoff = backoff{initial: 250 * time.Millisecond, max: 30 * time.Second}

// next returns the delay that follows d.
func (b backoff) next(d time.Duration) time.Duration {
	return min(2*d, b.max)
}

// jittered spreads d by ±20% so that many gateways do not retry in step.
func jittered(d time.Duration) time.Duration {
	spread := int64(d) / 5
	if spread <= 0 {
		return d
	}
	return d - time.Duration(spread) + time.Duration(rand.Int64N(2*spread+1))
}

// Start discovers the issuer and loads its keys in the background, retrying
// with capped exponential backoff until it succeeds or ctx ends; afterwards it
// keeps the keys fresh until ctx ends. Start returns immediately; calls after
// the first are ignored.
func (v *Verifier) Start(ctx context.Context) {
	v.startOnce.Do(func() { go v.run(ctx) })
}

// run is the background life of the verifier.
func (v *Verifier) run(ctx context.Context) {
	issuer := v.discoverUntilReady(ctx)
	if issuer == nil {
		return
	}
	v.refreshPeriodically(ctx, issuer.keys)
}

// discoverUntilReady retries discovery until it succeeds (publishing the
// result) or ctx ends (returning nil).
func (v *Verifier) discoverUntilReady(ctx context.Context) *discoveredIssuer {
	delay := v.backoff.initial
	for {
		issuer, err := v.discover(ctx)
		if err == nil {
			v.state.Store(issuer)
			close(v.ready)
			return issuer
		}
		v.recordError(err)
		if ctx.Err() != nil {
			return nil
		}
		v.logger.Warn("authorization server discovery failed; retrying", "issuer", v.cfg.Issuer, "retry_in", delay, "error", err)
		if !sleep(ctx, jittered(delay)) {
			return nil
		}
		delay = v.backoff.next(delay)
	}
}

// discover reads the issuer's metadata through go-oidc, loads the key set it
// names and builds the go-oidc token verifier over the cached key set.
func (v *Verifier) discover(ctx context.Context) (*discoveredIssuer, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	provider, err := oidc.NewProvider(oidc.ClientContext(attemptCtx, v.cfg.HTTPClient), v.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: discovery: %w", err)
	}
	var metadata struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := provider.Claims(&metadata); err != nil {
		return nil, fmt.Errorf("auth: discovery metadata: %w", err)
	}
	if err := validateJWKSURI(metadata.JWKSURI); err != nil {
		return nil, err
	}
	keys := newCachedKeySet(ctx, v.cfg, metadata.JWKSURI)
	if err := keys.load(attemptCtx); err != nil {
		return nil, err
	}
	tokens := oidc.NewVerifier(v.cfg.Issuer, keys, &oidc.Config{
		// go-oidc's ClientID check is "aud contains ClientID".
		ClientID:             v.cfg.Audience,
		SupportedSigningAlgs: v.cfg.Algorithms,
		// exp, nbf and iat are checked by checkValidity with the configured
		// leeway: go-oidc allows no skew on exp and a fixed 5 minutes on nbf.
		SkipExpiryCheck: true,
	})
	return &discoveredIssuer{tokens: tokens, keys: keys}, nil
}

// validateJWKSURI checks the jwks_uri advertised by discovery.
func validateJWKSURI(raw string) error {
	if raw == "" {
		return errors.New("auth: discovery document has no jwks_uri")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("auth: discovery document has an invalid jwks_uri")
	}
	return nil
}

// refreshPeriodically reloads the key set at the interval the issuer's
// Cache-Control max-age suggests, so that withdrawn keys stop verifying.
func (v *Verifier) refreshPeriodically(ctx context.Context, keys *cachedKeySet) {
	wait := periodicInterval(keys.maxAge())
	for sleep(ctx, jittered(wait)) {
		if err := keys.refreshNow(); err != nil {
			v.logger.Warn("key-set refresh failed; keeping the cached keys", "issuer", v.cfg.Issuer, "error", err)
			wait = minPeriodicRefresh
			continue
		}
		wait = periodicInterval(keys.maxAge())
	}
}

// periodicInterval turns a max-age into a refresh interval within sane bounds.
func periodicInterval(maxAge time.Duration) time.Duration {
	if maxAge <= 0 {
		return defaultPeriodicRefresh
	}
	return min(max(maxAge, minPeriodicRefresh), maxPeriodicRefresh)
}

// sleep waits for d or until ctx ends; it reports whether the full wait
// elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
