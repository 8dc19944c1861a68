// Package operators defines how the gateway reaches the mobile operators
// that hold subscriber data: the Adapter interface and the registry of
// adapter types; the Guard that applies an operator's policy (timeout,
// bound on calls in flight, circuit breaker); the Router that indexes
// number prefixes; and the Dispatcher that sends each call to the operator
// holding the number, discovering it by fan-out when no prefix routes it or
// the number was ported away. See README.md in this folder.
package operators

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/kycgate/kycgate/store"
)

// Call is one KYC Match request on its way to an operator.
type Call struct {
	// Version is the API version the caller used; the answer must fit it.
	Version kycmatch.Version
	// Request holds the resolved phone number and the attributes sent.
	Request kycmatch.Request
	// Correlator is the caller's x-correlator, to be propagated upstream.
	Correlator string
}

// Adapter answers KYC Match calls for the subscribers of one operator.
//
// Match returns a *camara.Error for every answer the caller may see
// (IDENTIFIER_NOT_FOUND, SERVICE_NOT_APPLICABLE, the idDocument errors,
// UNAVAILABLE, TIMEOUT, ...). Any other error is treated as internal.
//
// Match is called concurrently, also by fan-out discovery with one Call
// shared between several adapters: it must not modify the call, and it must
// return promptly once ctx is done (TIMEOUT when its deadline passed). The
// conformance suite in operators/operatorstest checks this contract.
type Adapter interface {
	Match(ctx context.Context, call Call) (kycmatch.Response, error)
}

// Deps are the shared services an adapter may use.
type Deps struct {
	Store  store.Store
	Logger *slog.Logger
	// Decorators wrap the HTTP transport of adapters that call their
	// operator over HTTP, outermost first (see DecorateTransport).
	Decorators []RoundTripperDecorator
	// Observer receives call outcomes, breaker states and fan-out widths
	// for metrics; nil records nothing.
	Observer Observer
}

// Factory builds an adapter from its raw, adapter-specific options.
// The operator's name is given for logs and metrics.
type Factory func(name string, options json.RawMessage, deps Deps) (Adapter, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes an adapter type available under typeName. It is meant to be
// called from an adapter package's init function and panics on a duplicate.
func Register(typeName string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[typeName]; dup {
		panic("operators: adapter type registered twice: " + typeName)
	}
	registry[typeName] = f
}

// Types lists the registered adapter types, sorted.
func Types() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// New builds an adapter of the registered type.
func New(typeName, name string, options json.RawMessage, deps Deps) (Adapter, error) {
	registryMu.RLock()
	f, ok := registry[typeName]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown operator type %q (known: %v)", typeName, Types())
	}
	return f(name, options, deps)
}
