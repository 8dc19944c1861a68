// Package store defines kycgate's storage interface and the registry of its
// backends. A backend registers itself under a type name ("sqlite",
// "postgres") and is chosen by the store.type configuration key. Every
// backend passes the conformance suite in store/storetest.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/kycgate/kycgate/kycmatch"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a write would break a uniqueness rule (a
// duplicate id, a second live session with the same init code) or was
// computed from a stale version of a record.
var ErrConflict = errors.New("store: conflict")

// Subscribers holds the reference operator's subscriber records.
type Subscribers interface {
	// UpsertSubscribers inserts or replaces the given records in one
	// transaction: either all are written or none.
	UpsertSubscribers(ctx context.Context, subs []kycmatch.Subscriber) error
	// GetSubscriber returns the record for a phone number, or ErrNotFound.
	GetSubscriber(ctx context.Context, phoneNumber string) (kycmatch.Subscriber, error)
}

// Store is everything kycgate keeps.
type Store interface {
	Subscribers
	Verifications
	Outbox
	NFCSessions
	Profiles
	Counters
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// Opener opens a backend from its raw, backend-specific options.
type Opener func(ctx context.Context, options json.RawMessage) (Store, error)

var (
	mu       sync.RWMutex
	backends = map[string]Opener{}
)

// Register makes a backend available under typeName; call it from init.
func Register(typeName string, o Opener) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := backends[typeName]; dup {
		panic("store: backend registered twice: " + typeName)
	}
	backends[typeName] = o
}

// Types lists the registered backends, sorted.
func Types() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(backends))
	for t := range backends {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Open opens the backend registered under typeName.
func Open(ctx context.Context, typeName string, options json.RawMessage) (Store, error) {
	mu.RLock()
	o, ok := backends[typeName]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown store type %q (known: %v)", typeName, Types())
	}
	return o(ctx, options)
}
