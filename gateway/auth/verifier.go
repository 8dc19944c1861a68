package auth

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/kycgate/kycgate/camara"
)

// maxTokenBytes bounds the size of an access token accepted for parsing.
const maxTokenBytes = 16 << 10

// Verifier checks access tokens issued by one authorization server. It is
// safe for concurrent use. Create it with NewVerifier, then call Start once.
type Verifier struct {
	cfg     Config
	logger  *slog.Logger
	backoff backoff

	// state is nil until discovery and the first key load succeed.
	state atomic.Pointer[discoveredIssuer]
	ready chan struct{}

	// cache holds recently verified tokens; nil when disabled.
	cache *tokenCache

	startOnce sync.Once
	errMu     sync.Mutex
	lastErr   error
}

// discoveredIssuer holds what discovery produced.
type discoveredIssuer struct {
	tokens *oidc.IDTokenVerifier
	keys   *cachedKeySet
}

// NewVerifier validates cfg, fills in defaults and returns a Verifier that
// has not contacted the network yet.
func NewVerifier(cfg Config) (*Verifier, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Verifier{
		cfg:     cfg,
		logger:  cfg.Logger.With("component", "auth"),
		backoff: defaultBackoff,
		ready:   make(chan struct{}),
		cache:   newTokenCache(cfg.CacheSize),
	}, nil
}

// Ready returns nil once discovery has completed and the signing keys are
// loaded, and a 503 UNAVAILABLE (with Retry-After) until then.
func (v *Verifier) Ready() error {
	if v.state.Load() != nil {
		return nil
	}
	v.errMu.Lock()
	cause := v.lastErr
	v.errMu.Unlock()
	return camara.ErrUnavailable.WithMessage("%s", msgNotReady).
		WithRetryAfter(notReadyRetryAfter).WithCause(cause)
}

// WaitReady blocks until the verifier is ready or ctx ends, and returns
// Ready's verdict.
func (v *Verifier) WaitReady(ctx context.Context) error {
	select {
	case <-v.ready:
	case <-ctx.Done():
	}
	return v.Ready()
}

// Verify checks rawToken and returns the principal it carries. Verified
// tokens are cached (see tokenCache); the returned Principal is shared and
// must not be modified. Failures are
// CAMARA errors: 401 UNAUTHENTICATED for any token that cannot be accepted,
// 503 UNAVAILABLE while the verifier is not ready.
func (v *Verifier) Verify(ctx context.Context, rawToken string) (*Principal, error) {
	issuer := v.state.Load()
	if issuer == nil {
		return nil, v.Ready()
	}
	if rawToken == "" {
		return nil, unauthenticated(msgMissingToken, nil)
	}
	if len(rawToken) > maxTokenBytes {
		return nil, unauthenticated(msgInvalidToken, errTokenTooLarge)
	}
	now := time.Now()
	keys := issuer.keys.keys.Load()
	if p, ok := v.cache.get(rawToken, now, keys); ok {
		return p, nil
	}
	token, err := issuer.tokens.Verify(ctx, rawToken)
	if err != nil {
		return nil, unauthenticated(msgInvalidToken, err)
	}
	var claims tokenClaims
	if err := token.Claims(&claims); err != nil {
		return nil, unauthenticated(msgInvalidToken, err)
	}
	expiry, err := claims.checkValidity(now, v.cfg.Leeway)
	if err != nil {
		return nil, err
	}
	p, err := v.principal(claims, expiry)
	if err != nil {
		return nil, err
	}
	v.cache.put(rawToken, p, expiry.Add(v.cfg.Leeway), keys, now)
	return p, nil
}

// principal builds the Principal from verified, time-checked claims.
func (v *Verifier) principal(claims tokenClaims, expiry time.Time) (*Principal, error) {
	subject, err := claims.str(v.cfg.SubjectClaim)
	if err != nil {
		return nil, unauthenticated(msgInvalidToken, err)
	}
	clientID, err := v.clientID(claims)
	if err != nil {
		return nil, err
	}
	scopes, err := claims.scopes()
	if err != nil {
		return nil, unauthenticated(msgInvalidToken, err)
	}
	phoneClaim, err := claims.str(v.cfg.PhoneClaim)
	if err != nil {
		return nil, unauthenticated(msgInvalidSubject, err)
	}
	phone, err := resolvePhoneNumber(subject, phoneClaim)
	if err != nil {
		return nil, unauthenticated(msgInvalidSubject, err)
	}
	return &Principal{
		Subject:     subject,
		ClientID:    clientID,
		Scopes:      scopes,
		Purposes:    purposesOf(scopes),
		PhoneNumber: phone,
		Expiry:      expiry,
	}, nil
}

// clientID reads the configured client id claim, falling back to "azp". A
// token that names no client is refused: the gateway cannot attribute it.
func (v *Verifier) clientID(claims tokenClaims) (string, error) {
	for _, name := range []string{v.cfg.ClientIDClaim, fallbackClientIDClaim} {
		id, err := claims.str(name)
		if err != nil {
			return "", unauthenticated(msgInvalidToken, err)
		}
		if id != "" {
			return id, nil
		}
	}
	return "", unauthenticated(msgNoClient, errMissingClientID)
}

// recordError remembers the latest discovery or refresh failure for Ready.
func (v *Verifier) recordError(err error) {
	v.errMu.Lock()
	v.lastErr = err
	v.errMu.Unlock()
}
