package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/kycgate/kycgate/kycmatch"
)

// Operator is one configured operator adapter and the policy the gateway
// applies to it. A policy key left out, or zero, takes the default of
// DefaultOperatorPolicy.
type Operator struct {
	// Name identifies the operator in logs, metrics and health reports.
	Name string `json:"name"`
	// Type is the registered adapter type, e.g. "local" or "camara".
	Type string `json:"type"`
	// Prefixes are the phone-number prefixes ("+34") this operator serves;
	// the longest matching prefix wins.
	Prefixes []string `json:"prefixes"`
	// Options are the adapter's own settings, passed to it unparsed.
	Options json.RawMessage `json:"options,omitempty"`

	// Versions lists the KYC Match versions ("0.3", "0.4") callers may use
	// for this operator's numbers. Empty means every served version.
	Versions []string `json:"versions,omitempty"`
	// Timeout bounds one call to the operator: without an answer by then
	// the caller gets 504 TIMEOUT and the breaker counts a failure.
	Timeout Duration `json:"timeout,omitempty"`
	// MaxConcurrent caps the calls in flight to the operator; a call beyond
	// it is refused at once with 503 UNAVAILABLE, never queued.
	MaxConcurrent int `json:"max_concurrent,omitempty"`
	// Discoverable makes the operator one of those asked when a number is
	// discovered by fan-out. Nil means true.
	Discoverable *bool `json:"discoverable,omitempty"`
	// Breaker configures the operator's circuit breaker.
	Breaker Breaker `json:"breaker"`
}

// Breaker configures one operator's circuit breaker. Zero fields take the
// defaults of DefaultOperatorPolicy.
type Breaker struct {
	// Failures is the number of failed calls in a row (timeouts, 5xx,
	// transport errors) that opens the breaker.
	Failures int `json:"failures,omitempty"`
	// OpenFor is how long an open breaker refuses calls, answering 503 with
	// Retry-After, before it lets probe calls through (half-open).
	OpenFor Duration `json:"open_for,omitempty"`
	// HalfOpenCalls is the number of probe calls let through while
	// half-open; that many successes close the breaker, one failure opens
	// it again.
	HalfOpenCalls int `json:"half_open_calls,omitempty"`
}

// Discovery configures how the gateway finds the operator of a number that
// no prefix routes, or that the routed operator no longer holds (a ported
// number): it asks the discoverable operators concurrently, the first
// answer other than IDENTIFIER_NOT_FOUND wins, and the winner is remembered.
type Discovery struct {
	// Enabled turns fan-out discovery on.
	Enabled bool `json:"enabled"`
	// Width is the most operators asked at the same time by one discovery.
	Width int `json:"width"`
	// CacheSize bounds the number of remembered winners (least recently
	// used first out). Numbers are remembered as keyed hashes only.
	CacheSize int `json:"cache_size"`
	// CacheTTL is how long a winner is remembered.
	CacheTTL Duration `json:"cache_ttl"`
}

// DefaultOperatorPolicy returns the policy values used for the policy keys
// an operator leaves out.
func DefaultOperatorPolicy() Operator {
	discoverable := true
	return Operator{
		Timeout:       Duration(5 * time.Second),
		MaxConcurrent: 64,
		Discoverable:  &discoverable,
		Breaker: Breaker{
			Failures:      5,
			OpenFor:       Duration(30 * time.Second),
			HalfOpenCalls: 1,
		},
	}
}

// DefaultDiscovery returns the discovery settings used when the discovery
// section, or one of its keys, is left out.
func DefaultDiscovery() Discovery {
	return Discovery{
		Enabled:   true,
		Width:     8,
		CacheSize: 100_000,
		CacheTTL:  Duration(24 * time.Hour),
	}
}

// WithDefaults returns the operator with every policy key left out (zero)
// set to its default.
func (o Operator) WithDefaults() Operator {
	d := DefaultOperatorPolicy()
	if o.Timeout == 0 {
		o.Timeout = d.Timeout
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = d.MaxConcurrent
	}
	if o.Discoverable == nil {
		o.Discoverable = d.Discoverable
	}
	if o.Breaker.Failures == 0 {
		o.Breaker.Failures = d.Breaker.Failures
	}
	if o.Breaker.OpenFor == 0 {
		o.Breaker.OpenFor = d.Breaker.OpenFor
	}
	if o.Breaker.HalfOpenCalls == 0 {
		o.Breaker.HalfOpenCalls = d.Breaker.HalfOpenCalls
	}
	return o
}

// IsDiscoverable reports whether the operator takes part in fan-out
// discovery (true unless discoverable is false).
func (o Operator) IsDiscoverable() bool { return o.Discoverable == nil || *o.Discoverable }

// Limits of the operator policy and discovery keys.
const (
	maxOperatorTimeout = 5 * time.Minute
	maxConcurrentCalls = 100_000
	maxBreakerFailures = 10_000
	maxBreakerOpenFor  = time.Hour
	maxHalfOpenCalls   = 1_000
	maxDiscoveryWidth  = 1_000
	maxCacheSize       = 10_000_000
)

var prefixPattern = regexp.MustCompile(`^\+[1-9][0-9]{0,14}$`)

// validateOperators checks every operator and returns every problem.
func (c Config) validateOperators() []error {
	var errs []error
	names := map[string]bool{}
	owners := map[string]string{}
	for i, op := range c.Operators {
		at := fmt.Sprintf("operators[%d]", i)
		if op.Name == "" {
			errs = append(errs, fmt.Errorf("%s.name: required", at))
		} else if names[op.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q used twice", at, op.Name))
		}
		names[op.Name] = true
		if op.Type == "" {
			errs = append(errs, fmt.Errorf("%s.type: required", at))
		}
		for j, p := range op.Prefixes {
			if !prefixPattern.MatchString(p) {
				errs = append(errs, fmt.Errorf("%s.prefixes[%d]: must be '+' and 1 to 15 digits", at, j))
				continue
			}
			if other, dup := owners[p]; dup {
				errs = append(errs, fmt.Errorf("%s.prefixes[%d]: prefix %s already belongs to operator %q", at, j, p, other))
			}
			owners[p] = op.Name
		}
		errs = append(errs, op.validatePolicy(at)...)
	}
	return errs
}

// validatePolicy checks the operator's policy keys; at names the operator
// in the messages.
func (o Operator) validatePolicy(at string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(at+"."+format, args...)) }
	seen := map[string]bool{}
	for j, v := range o.Versions {
		parsed, ok := kycmatch.ParseVersion(v)
		switch {
		case !ok:
			add("versions[%d]: %q is not a served KYC Match version (%s)", j, v, servedVersions())
		case seen[parsed.String()]:
			add("versions[%d]: version %s listed twice", j, v)
		}
		seen[parsed.String()] = ok
	}
	if o.Timeout < 0 || o.Timeout.D() > maxOperatorTimeout {
		add("timeout: must be between 0s (default) and %s", maxOperatorTimeout)
	}
	if o.MaxConcurrent < 0 || o.MaxConcurrent > maxConcurrentCalls {
		add("max_concurrent: must be between 0 (default) and %d", maxConcurrentCalls)
	}
	if o.Breaker.Failures < 0 || o.Breaker.Failures > maxBreakerFailures {
		add("breaker.failures: must be between 0 (default) and %d", maxBreakerFailures)
	}
	if o.Breaker.OpenFor < 0 || o.Breaker.OpenFor.D() > maxBreakerOpenFor {
		add("breaker.open_for: must be between 0s (default) and %s", maxBreakerOpenFor)
	}
	if o.Breaker.HalfOpenCalls < 0 || o.Breaker.HalfOpenCalls > maxHalfOpenCalls {
		add("breaker.half_open_calls: must be between 0 (default) and %d", maxHalfOpenCalls)
	}
	return errs
}

// servedVersions lists the served versions for messages, e.g. "0.3, 0.4".
func servedVersions() string {
	out := ""
	for i, v := range kycmatch.Versions {
		if i > 0 {
			out += ", "
		}
		out += v.PathSegment()[1:]
	}
	return out
}

// validate checks the discovery section and returns every problem.
func (d Discovery) validate() []error {
	var errs []error
	if d.Width < 1 || d.Width > maxDiscoveryWidth {
		errs = append(errs, fmt.Errorf("discovery.width: must be between 1 and %d", maxDiscoveryWidth))
	}
	if d.CacheSize < 1 || d.CacheSize > maxCacheSize {
		errs = append(errs, fmt.Errorf("discovery.cache_size: must be between 1 and %d", maxCacheSize))
	}
	if d.CacheTTL <= 0 {
		errs = append(errs, fmt.Errorf("discovery.cache_ttl: must be positive"))
	}
	return errs
}
