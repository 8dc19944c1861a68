package operators

import (
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/kycmatch"
)

// Build creates every configured operator: its adapter through the
// registry, wrapped in a Guard with the operator's policy, routed by its
// prefixes. Every operator that cannot be built is reported.
func Build(ops []config.Operator, deps Deps) (*Router, error) {
	routes := make([]Route, 0, len(ops))
	var errs []error
	for _, op := range ops {
		route, err := buildRoute(op, deps)
		if err != nil {
			errs = append(errs, fmt.Errorf("operator %q: %w", op.Name, err))
			continue
		}
		routes = append(routes, route)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r, err := NewRouter(routes)
	if err != nil {
		return nil, err
	}
	r.observer = deps.Observer
	return r, nil
}

// buildRoute creates one operator's guarded adapter and its route.
func buildRoute(op config.Operator, deps Deps) (Route, error) {
	op = op.WithDefaults()
	versions, err := parseVersions(op.Versions)
	if err != nil {
		return Route{}, err
	}
	adapter, err := New(op.Type, op.Name, op.Options, deps)
	if err != nil {
		return Route{}, err
	}
	guard, err := NewGuard(op.Name, adapter, PolicyOf(op), deps)
	if err != nil {
		return Route{}, err
	}
	return Route{
		Name:                 op.Name,
		Adapter:              guard,
		Prefixes:             op.Prefixes,
		Versions:             versions,
		ExcludeFromDiscovery: !op.IsDiscoverable(),
	}, nil
}

// PolicyOf returns the policy configured for op, with defaults for the keys
// it leaves out.
func PolicyOf(op config.Operator) Policy {
	op = op.WithDefaults()
	return Policy{
		Timeout:       op.Timeout.D(),
		MaxConcurrent: op.MaxConcurrent,
		Breaker: BreakerPolicy{
			Failures:      op.Breaker.Failures,
			OpenFor:       op.Breaker.OpenFor.D(),
			HalfOpenCalls: op.Breaker.HalfOpenCalls,
		},
	}
}

// DiscoveryOptionsOf returns the discovery options of the configuration.
func DiscoveryOptionsOf(d config.Discovery) DiscoveryOptions {
	return DiscoveryOptions{
		Enabled:   d.Enabled,
		Width:     d.Width,
		CacheSize: d.CacheSize,
		CacheTTL:  d.CacheTTL.D(),
	}
}

// parseVersions reads configured version names; none means every version.
func parseVersions(names []string) ([]kycmatch.Version, error) {
	out := make([]kycmatch.Version, 0, len(names))
	for _, name := range names {
		v, ok := kycmatch.ParseVersion(name)
		if !ok {
			return nil, fmt.Errorf("unknown KYC Match version %q", name)
		}
		out = append(out, v)
	}
	return out, nil
}
