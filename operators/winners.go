package operators

import (
	"container/list"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"hash"
	"sync"
	"time"
)

// numberKey identifies a phone number in the winner cache: its
// HMAC-SHA256 under a key drawn at random when the process starts, so that
// the cache never holds a phone number, nor a hash that could be reversed
// by hashing every possible number.
type numberKey [sha256.Size]byte

// winnerCache remembers which operator discovery found for a number. It is
// bounded (least recently used out first), its entries expire, and it is
// safe for concurrent use.
type winnerCache struct {
	// macs recycles HMAC states keyed with a random secret, one per concurrent
	// caller, rather than building one per lookup.
	macs sync.Pool
	size int
	ttl  time.Duration
	now  func() time.Time

	mu      sync.Mutex
	entries map[numberKey]*list.Element
	recency *list.List // of *winner, most recently used first
}

// winner is one remembered discovery.
type winner struct {
	key     numberKey
	route   int
	expires time.Time
}

// newWinnerCache returns an empty cache of at most size entries, each kept
// for ttl.
func newWinnerCache(size int, ttl time.Duration) *winnerCache {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails
	c := &winnerCache{
		size:    size,
		ttl:     ttl,
		now:     time.Now,
		entries: make(map[numberKey]*list.Element),
		recency: list.New(),
	}
	c.macs.New = func() any { return hmac.New(sha256.New, secret) }
	return c
}

// key returns the cache key of a phone number.
func (c *winnerCache) key(phoneNumber string) numberKey {
	mac := c.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write([]byte(phoneNumber))
	var k numberKey
	mac.Sum(k[:0])
	c.macs.Put(mac)
	return k
}

// get returns the remembered route for k, if any and not expired.
func (c *winnerCache) get(k numberKey) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return 0, false
	}
	w := el.Value.(*winner)
	if !c.now().Before(w.expires) {
		c.removeElement(el)
		return 0, false
	}
	c.recency.MoveToFront(el)
	return w.route, true
}

// put remembers route for k, replacing any previous winner, and evicts the
// least recently used entry when the cache is full.
func (c *winnerCache) put(k numberKey, route int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	expires := c.now().Add(c.ttl)
	if el, ok := c.entries[k]; ok {
		w := el.Value.(*winner)
		w.route, w.expires = route, expires
		c.recency.MoveToFront(el)
		return
	}
	c.entries[k] = c.recency.PushFront(&winner{key: k, route: route, expires: expires})
	for c.recency.Len() > c.size {
		c.removeElement(c.recency.Back())
	}
}

// remove forgets k.
func (c *winnerCache) remove(k numberKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.removeElement(el)
	}
}

// len returns the number of entries, expired ones included.
func (c *winnerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recency.Len()
}

// removeElement drops one entry; the caller holds mu.
func (c *winnerCache) removeElement(el *list.Element) {
	delete(c.entries, el.Value.(*winner).key)
	c.recency.Remove(el)
}
