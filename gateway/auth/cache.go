package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// DefaultCacheSize is the number of verified tokens kept by default.
const DefaultCacheSize = 10000

// tokenCache remembers the principals of recently verified tokens, keyed by
// the SHA-256 of the token, so that a client reusing its token does not pay
// for a signature verification on every call.
//
// An entry is used only while the token is unexpired (exp plus leeway) and
// while the key set it was verified with is still the current one: any
// reload of the issuer's keys (rotation, removal) sends every token through
// full verification again. The cache is bounded; when it is full, expired
// entries are dropped and, if that is not enough, the cache starts afresh.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cachedToken
	max     int
}

// cachedToken is one verified token.
type cachedToken struct {
	principal *Principal
	// validUntil is the token's exp plus the leeway.
	validUntil time.Time
	// keys is the key set that verified the token.
	keys *jwksDocument
}

func newTokenCache(max int) *tokenCache {
	if max <= 0 {
		return nil
	}
	return &tokenCache{entries: make(map[[sha256.Size]byte]cachedToken, min(max, 1024)), max: max}
}

// get returns the cached principal of rawToken when it is still valid at now
// under the current key set.
func (c *tokenCache) get(rawToken string, now time.Time, keys *jwksDocument) (*Principal, bool) {
	if c == nil {
		return nil, false
	}
	key := sha256.Sum256([]byte(rawToken))
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || e.keys != keys || !now.Before(e.validUntil) {
		return nil, false
	}
	return e.principal, true
}

// put remembers a verified token.
func (c *tokenCache) put(rawToken string, p *Principal, validUntil time.Time, keys *jwksDocument, now time.Time) {
	if c == nil || keys == nil {
		return
	}
	key := sha256.Sum256([]byte(rawToken))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.validUntil) || e.keys != keys {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[key] = cachedToken{principal: p, validUntil: validUntil, keys: keys}
}
