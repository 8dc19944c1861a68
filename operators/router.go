package operators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kycgate/kycgate/kycmatch"
)

// Route is a configured operator: its name, its adapter and the number
// prefixes it serves.
type Route struct {
	Name     string
	Adapter  Adapter
	Prefixes []string
	// Versions lists the KYC Match versions callers may use for this
	// operator's numbers; empty means every version.
	Versions []kycmatch.Version
	// ExcludeFromDiscovery keeps the operator out of fan-out discovery: it
	// answers only for the numbers its prefixes route to it.
	ExcludeFromDiscovery bool
}

// Serves reports whether callers of version v may use this operator.
func (rt Route) Serves(v kycmatch.Version) bool {
	return len(rt.Versions) == 0 || slices.Contains(rt.Versions, v)
}

// Router picks the operator for a phone number by the longest configured
// prefix. It is built once at start-up and is safe for concurrent use.
type Router struct {
	routes   []Route
	byPrefix map[string]int
	maxLen   int
	// observer receives fan-out widths; set by Build.
	observer Observer
}

// NewRouter indexes the routes' prefixes. A prefix claimed by two routes is
// an error.
func NewRouter(routes []Route) (*Router, error) {
	r := &Router{routes: routes, byPrefix: map[string]int{}}
	for i, rt := range routes {
		for _, p := range rt.Prefixes {
			if !strings.HasPrefix(p, "+") || len(p) < 2 {
				return nil, fmt.Errorf("operator %q: prefix must start with '+' and a digit", rt.Name)
			}
			if j, dup := r.byPrefix[p]; dup {
				return nil, fmt.Errorf("prefix %s claimed by operators %q and %q", p, routes[j].Name, rt.Name)
			}
			r.byPrefix[p] = i
			r.maxLen = max(r.maxLen, len(p))
		}
	}
	return r, nil
}

// Lookup returns the route whose prefix is the longest prefix of
// phoneNumber, or false when none matches.
func (r *Router) Lookup(phoneNumber string) (Route, bool) {
	if i, ok := r.lookupIndex(phoneNumber); ok {
		return r.routes[i], true
	}
	return Route{}, false
}

// lookupIndex returns the position of the route Lookup would return.
func (r *Router) lookupIndex(phoneNumber string) (int, bool) {
	for n := min(len(phoneNumber), r.maxLen); n >= 2; n-- {
		if i, ok := r.byPrefix[phoneNumber[:n]]; ok {
			return i, true
		}
	}
	return 0, false
}

// Routes returns every configured route in configuration order.
func (r *Router) Routes() []Route { return r.routes }
