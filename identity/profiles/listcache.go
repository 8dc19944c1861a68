package profiles

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kycgate/kycgate/store"
)

// ListInfo describes an imported list.
type ListInfo struct {
	Name       string    `json:"name"`
	Entries    int       `json:"entries"`
	Digest     string    `json:"sha256"`
	ImportedAt time.Time `json:"importedAt"`
}

// ImportList validates a list file whole (see ParseList) and, only when
// every entry is valid, replaces the stored list of that name. A file
// larger than maxBytes is refused.
func ImportList(ctx context.Context, st store.Profiles, name string, data []byte, maxBytes int64) (ListInfo, error) {
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return ListInfo{}, &ListError{List: name, Problems: []string{fmt.Sprintf("the file is larger than %d bytes", maxBytes)}}
	}
	parsed, err := ParseList(name, data)
	if err != nil {
		return ListInfo{}, err
	}
	written, err := st.ReplaceProfileList(ctx, store.ProfileList{
		Name: parsed.Name, Entries: parsed.Entries, Count: parsed.Count, Digest: parsed.Digest,
	})
	if err != nil {
		return ListInfo{}, err
	}
	return listInfoOf(written), nil
}

func listInfoOf(l store.ProfileList) ListInfo {
	return ListInfo{Name: l.Name, Entries: l.Count, Digest: l.Digest, ImportedAt: l.ImportedAt}
}

// listCache keeps the compiled lists and reloads a list when its digest in
// the store changes, at most once per refresh interval (or at once after a
// local import).
type listCache struct {
	store    store.Profiles
	interval time.Duration
	now      func() time.Time

	current   atomic.Pointer[compiledLists]
	mu        sync.Mutex
	checkedAt time.Time
}

func newListCache(st store.Profiles, interval time.Duration, now func() time.Time) *listCache {
	c := &listCache{store: st, interval: interval, now: now}
	c.current.Store(&compiledLists{ip: map[string]*ipMatcher{}, digests: map[string]string{}})
	return c
}

// get returns the lists, refreshed when the interval has passed.
func (c *listCache) get(ctx context.Context) (*compiledLists, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.checkedAt.IsZero() && c.now().Sub(c.checkedAt) < c.interval {
		return c.current.Load(), nil
	}
	if err := c.refreshLocked(ctx); err != nil {
		return nil, err
	}
	return c.current.Load(), nil
}

// invalidate makes the next get reload from the store.
func (c *listCache) invalidate() {
	c.mu.Lock()
	c.checkedAt = time.Time{}
	c.mu.Unlock()
}

// refreshLocked compares the stored digests with the compiled ones and
// recompiles the lists that changed.
func (c *listCache) refreshLocked(ctx context.Context) error {
	infos, err := c.store.ProfileListInfos(ctx)
	if err != nil {
		return fmt.Errorf("profiles: read lists: %w", err)
	}
	cur := c.current.Load()
	var next *compiledLists
	for _, info := range infos {
		if cur.digests[info.Name] == info.Digest {
			continue
		}
		full, err := c.store.GetProfileList(ctx, info.Name)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("profiles: read list %s: %w", info.Name, err)
		}
		if next == nil {
			next = cur.clone()
		}
		if err := next.compileList(full.Name, full.Entries); err != nil {
			return err
		}
		next.digests[full.Name] = full.Digest
	}
	if next != nil {
		c.current.Store(next)
	}
	c.checkedAt = c.now()
	return nil
}
