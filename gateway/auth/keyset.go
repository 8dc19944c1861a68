package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// refreshTimeout bounds one shared key-set fetch. It is independent of the
// callers' contexts so that one impatient caller cannot abort the fetch the
// others are waiting for.
const refreshTimeout = 10 * time.Second

// Sentinel causes recorded inside UNAUTHENTICATED errors.
var (
	errMalformedJWT      = errors.New("auth: token is not a compact JWS with one signature")
	errBadSignature      = errors.New("auth: signature does not verify with the named key")
	errUnknownKey        = errors.New("auth: no key of the issuer verifies the token")
	errRefreshSuppressed = errors.New("auth: key-set refresh suppressed by the cooldown")
)

// cachedKeySet is an oidc.KeySet that keeps the issuer's JWKS in memory and
// refreshes it when a token names a key it does not know, at most once per
// cooldown, with concurrent callers sharing one in-flight fetch.
type cachedKeySet struct {
	jwksURL  string
	client   *http.Client
	algs     []jose.SignatureAlgorithm
	cooldown time.Duration
	// baseCtx bounds every fetch; it is the context given to Verifier.Start.
	baseCtx context.Context
	// onFetch is Config.OnKeySetFetch.
	onFetch func(error)

	// keys is the current key set, read lock-free on every verification.
	keys atomic.Pointer[jwksDocument]
	// fetches counts key-set downloads attempted (for tests and metrics).
	fetches atomic.Int64

	mu sync.Mutex
	// lastTriggered is when the last refresh caused by an unknown key began.
	lastTriggered time.Time
	// inflight is the fetch in progress, shared by every caller, or nil.
	inflight *refreshCall
}

// refreshCall is one key-set fetch that several goroutines wait for.
type refreshCall struct {
	done chan struct{}
	err  error
}

// newCachedKeySet returns an empty key set for jwksURL; call load before use.
func newCachedKeySet(baseCtx context.Context, cfg Config, jwksURL string) *cachedKeySet {
	algs := make([]jose.SignatureAlgorithm, len(cfg.Algorithms))
	for i, alg := range cfg.Algorithms {
		algs[i] = jose.SignatureAlgorithm(alg)
	}
	return &cachedKeySet{
		jwksURL:  jwksURL,
		client:   cfg.HTTPClient,
		algs:     algs,
		cooldown: cfg.RefreshCooldown,
		baseCtx:  baseCtx,
		onFetch:  cfg.OnKeySetFetch,
	}
}

// VerifySignature implements oidc.KeySet. It checks the signature with the
// cached keys and, when the key is unknown, refreshes the set once (subject to
// the cooldown) before giving up. It returns the verified payload.
func (k *cachedKeySet) VerifySignature(ctx context.Context, rawToken string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(rawToken, k.algs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errMalformedJWT
	}
	header := jws.Signatures[0].Header
	seen := k.keys.Load()
	payload, err := verifyWithKeys(jws, header, keysOf(seen))
	if !errors.Is(err, errUnknownKey) {
		return payload, err
	}
	if err := k.refreshForUnknownKey(ctx); err != nil {
		// The cooldown stops a new fetch, not a second look: a refresh
		// that finished after this caller's lookup may hold the key.
		if errors.Is(err, errRefreshSuppressed) && k.keys.Load() != seen {
			return verifyWithKeys(jws, header, k.current())
		}
		return nil, fmt.Errorf("%w (%w)", errUnknownKey, err)
	}
	return verifyWithKeys(jws, header, k.current())
}

// current returns the cached keys.
func (k *cachedKeySet) current() []jose.JSONWebKey {
	return keysOf(k.keys.Load())
}

// keysOf returns the keys of doc, none when no set is loaded yet.
func keysOf(doc *jwksDocument) []jose.JSONWebKey {
	if doc == nil {
		return nil
	}
	return doc.keys
}

// verifyWithKeys tries the keys that match the token's kid (every key when the
// token has none). A known kid whose key rejects the signature yields
// errBadSignature, which must not trigger a refresh; anything else that fails
// yields errUnknownKey.
func verifyWithKeys(jws *jose.JSONWebSignature, header jose.Header, keys []jose.JSONWebKey) ([]byte, error) {
	kidKnown := false
	for i := range keys {
		key := &keys[i]
		if header.KeyID != "" && key.KeyID != header.KeyID {
			continue
		}
		kidKnown = header.KeyID != ""
		if key.Algorithm != "" && key.Algorithm != header.Algorithm {
			continue
		}
		if payload, err := jws.Verify(key); err == nil {
			return payload, nil
		}
	}
	if kidKnown {
		return nil, errBadSignature
	}
	return nil, errUnknownKey
}

// refreshForUnknownKey joins the in-flight fetch or starts one when the
// cooldown allows, then waits for it or for ctx.
func (k *cachedKeySet) refreshForUnknownKey(ctx context.Context) error {
	call, err := k.joinOrStart(true)
	if err != nil {
		return err
	}
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refreshNow fetches the key set regardless of the cooldown (sharing any
// in-flight fetch) and waits for the result. It is used by the periodic
// background refresh.
func (k *cachedKeySet) refreshNow() error {
	call, _ := k.joinOrStart(false)
	<-call.done
	return call.err
}

// joinOrStart returns the in-flight fetch, or starts a new one. When
// triggeredByUnknownKey is set, a new fetch is refused inside the cooldown.
func (k *cachedKeySet) joinOrStart(triggeredByUnknownKey bool) (*refreshCall, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.inflight != nil {
		return k.inflight, nil
	}
	if triggeredByUnknownKey {
		if !k.lastTriggered.IsZero() && time.Since(k.lastTriggered) < k.cooldown {
			return nil, errRefreshSuppressed
		}
		k.lastTriggered = time.Now()
	}
	call := &refreshCall{done: make(chan struct{})}
	k.inflight = call
	go k.runRefresh(call)
	return call, nil
}

// runRefresh performs the shared fetch and releases its waiters.
func (k *cachedKeySet) runRefresh(call *refreshCall) {
	ctx, cancel := context.WithTimeout(k.baseCtx, refreshTimeout)
	defer cancel()
	call.err = k.load(ctx)
	k.mu.Lock()
	k.inflight = nil
	k.mu.Unlock()
	close(call.done)
}

// load fetches the key set and replaces the cached keys on success. On
// failure the previous keys stay in place.
func (k *cachedKeySet) load(ctx context.Context) error {
	k.fetches.Add(1)
	doc, err := fetchJWKS(ctx, k.client, k.jwksURL)
	if k.onFetch != nil {
		k.onFetch(err)
	}
	if err != nil {
		return err
	}
	k.keys.Store(&doc)
	return nil
}

// maxAge returns the Cache-Control max-age of the last successful fetch.
func (k *cachedKeySet) maxAge() time.Duration {
	if doc := k.keys.Load(); doc != nil {
		return doc.maxAge
	}
	return 0
}
