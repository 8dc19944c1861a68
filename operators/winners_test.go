package operators

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWinnerCacheKeysAreKeyedHashes(t *testing.T) {
	a, b := newWinnerCache(10, time.Hour), newWinnerCache(10, time.Hour)
	const phone = "+34629255833"
	assert.Equal(t, a.key(phone), a.key(phone), "stable within a process")
	assert.NotEqual(t, a.key(phone), b.key(phone), "a random key per cache: a hash of every number does not reveal it")
	assert.NotEqual(t, a.key(phone), a.key("+34629255834"))
	k := a.key(phone)
	assert.False(t, bytes.Contains(k[:], []byte("629255833")))
}

func TestWinnerCacheRemembersAndForgets(t *testing.T) {
	c := newWinnerCache(10, time.Hour)
	k := c.key("+34629255833")
	_, ok := c.get(k)
	require.False(t, ok)
	c.put(k, 2)
	route, ok := c.get(k)
	require.True(t, ok)
	assert.Equal(t, 2, route)
	c.put(k, 1)
	route, _ = c.get(k)
	assert.Equal(t, 1, route, "a new winner replaces the old one")
	assert.Equal(t, 1, c.len())
	c.remove(k)
	_, ok = c.get(k)
	assert.False(t, ok)
}

func TestWinnerCacheExpires(t *testing.T) {
	c := newWinnerCache(10, time.Minute)
	now := time.Now()
	c.now = func() time.Time { return now }
	k := c.key("+34629255833")
	c.put(k, 0)
	now = now.Add(59 * time.Second)
	_, ok := c.get(k)
	assert.True(t, ok)
	now = now.Add(2 * time.Second)
	_, ok = c.get(k)
	assert.False(t, ok, "expired after the TTL")
	assert.Zero(t, c.len(), "an expired entry is dropped when seen")
}

func TestWinnerCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newWinnerCache(2, time.Hour)
	k1, k2, k3 := c.key("+1"), c.key("+2"), c.key("+3")
	c.put(k1, 1)
	c.put(k2, 2)
	_, _ = c.get(k1) // k2 is now the least recently used
	c.put(k3, 3)
	assert.Equal(t, 2, c.len())
	_, ok := c.get(k2)
	assert.False(t, ok, "the least recently used entry is evicted")
	_, ok = c.get(k1)
	assert.True(t, ok)
	_, ok = c.get(k3)
	assert.True(t, ok)
}
