package operators

import (
	"fmt"
	"strings"
)

// Route is a configured operator: its name, its adapter and the number
// prefixes it serves.
type Route struct {
	Name     string
	Adapter  Adapter
	Prefixes []string
}

// Router picks the operator for a phone number by the longest configured
// prefix. It is built once at start-up and is safe for concurrent use.
type Router struct {
	routes   []Route
	byPrefix map[string]int
	maxLen   int
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
	for n := min(len(phoneNumber), r.maxLen); n >= 2; n-- {
		if i, ok := r.byPrefix[phoneNumber[:n]]; ok {
			return r.routes[i], true
		}
	}
	return Route{}, false
}

// Routes returns every configured route in configuration order.
func (r *Router) Routes() []Route { return r.routes }
