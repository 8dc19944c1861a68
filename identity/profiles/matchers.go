package profiles

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/kycgate/kycgate/kycmatch/fuzzy"
)

// ipMatcher finds the range of a list that holds an address: one map per
// prefix length, tried from the longest length down.
type ipMatcher struct {
	byLength map[int]map[netip.Prefix]bool
	lengths4 []int
	lengths6 []int
}

// newIPMatcher compiles canonical ranges (see canonicalPrefix).
func newIPMatcher(entries []string) (*ipMatcher, error) {
	m := &ipMatcher{byLength: map[int]map[netip.Prefix]bool{}}
	for _, e := range entries {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return nil, fmt.Errorf("profiles: stored IP list entry is not a range")
		}
		key := lengthKey(p.Addr(), p.Bits())
		if m.byLength[key] == nil {
			m.byLength[key] = map[netip.Prefix]bool{}
			if p.Addr().Is4() {
				m.lengths4 = append(m.lengths4, p.Bits())
			} else {
				m.lengths6 = append(m.lengths6, p.Bits())
			}
		}
		m.byLength[key][p.Masked()] = true
	}
	slices.SortFunc(m.lengths4, func(a, b int) int { return b - a })
	slices.SortFunc(m.lengths6, func(a, b int) int { return b - a })
	return m, nil
}

// lengthKey separates IPv4 and IPv6 prefix lengths in one map.
func lengthKey(a netip.Addr, bits int) int {
	if a.Is4() {
		return bits
	}
	return 1000 + bits
}

// lookup returns the most specific range holding addr.
func (m *ipMatcher) lookup(addr netip.Addr) (netip.Prefix, bool) {
	if m == nil || !addr.IsValid() {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	lengths := m.lengths6
	if addr.Is4() {
		lengths = m.lengths4
	}
	for _, bits := range lengths {
		p, err := addr.Prefix(bits)
		if err == nil && m.byLength[lengthKey(addr, bits)][p] {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// emailMatcher holds fraud addresses and domains.
type emailMatcher struct {
	addresses map[string]bool
	domains   map[string]bool
}

func newEmailMatcher(entries []string) *emailMatcher {
	m := &emailMatcher{addresses: map[string]bool{}, domains: map[string]bool{}}
	for _, e := range entries {
		if d, ok := strings.CutPrefix(e, "@"); ok {
			m.domains[d] = true
		} else {
			m.addresses[e] = true
		}
	}
	return m
}

// lookup reports whether a normalised address is listed, itself or
// through its domain or a parent domain; the listed domain is returned
// ("" for a listed address).
func (m *emailMatcher) lookup(email string) (string, bool) {
	if m == nil || email == "" {
		return "", false
	}
	if m.addresses[email] {
		return "", true
	}
	_, domain, _ := strings.Cut(email, "@")
	for domain != "" {
		if m.domains[domain] {
			return domain, true
		}
		_, domain, _ = strings.Cut(domain, ".")
	}
	return "", false
}

// nameKey is a name prepared for comparison: the fuzzy normal form of the
// whole name, and of its words sorted, so that "Doe John" and "John Doe"
// compare equal.
type nameKey struct {
	plain  string
	sorted string
}

func nameKeyOf(name string) nameKey {
	words := strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '-' || r == '.' || r == '\u3000'
	})
	normalized := make([]string, 0, len(words))
	for _, w := range words {
		if n := fuzzy.Normalize(w); n != "" {
			normalized = append(normalized, n)
		}
	}
	slices.Sort(normalized)
	return nameKey{plain: fuzzy.Normalize(name), sorted: strings.Join(normalized, "")}
}

// similarity is the better Jaro-Winkler similarity of the two forms.
func (k nameKey) similarity(o nameKey) float64 {
	if k.plain == "" || o.plain == "" {
		return 0
	}
	return max(fuzzy.JaroWinkler(k.plain, o.plain), fuzzy.JaroWinkler(k.sorted, o.sorted))
}

// watchMatcher screens names against the watch list.
type watchMatcher struct {
	ids  []string
	keys [][]nameKey
}

func newWatchMatcher(entries []WatchEntry) *watchMatcher {
	m := &watchMatcher{ids: make([]string, len(entries)), keys: make([][]nameKey, len(entries))}
	for i, e := range entries {
		m.ids[i] = e.ID
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			m.keys[i] = append(m.keys[i], nameKeyOf(n))
		}
	}
	return m
}

// watchHit is the best watch-list match of a name.
type watchHit struct {
	entryID    string
	similarity float64
}

// best returns the entry most similar to any of names, when its
// similarity reaches threshold. Ties go to the smallest entry id.
func (m *watchMatcher) best(names []string, threshold float64) (watchHit, bool) {
	if m == nil || len(names) == 0 {
		return watchHit{}, false
	}
	probes := make([]nameKey, 0, len(names))
	for _, n := range names {
		if k := nameKeyOf(n); k.plain != "" {
			probes = append(probes, k)
		}
	}
	var hit watchHit
	for i, keys := range m.keys {
		for _, k := range keys {
			for _, p := range probes {
				if s := p.similarity(k); s > hit.similarity {
					hit = watchHit{entryID: m.ids[i], similarity: s}
				}
			}
		}
	}
	return hit, hit.similarity >= threshold
}

// compiledLists are the matchers of the imported lists.
type compiledLists struct {
	ip      map[string]*ipMatcher
	emails  *emailMatcher
	watch   *watchMatcher
	digests map[string]string
}

// compileList builds the matcher of one stored list into c.
func (c *compiledLists) compileList(name string, entries json.RawMessage) error {
	switch {
	case isIPList(name):
		var values []string
		if err := json.Unmarshal(entries, &values); err != nil {
			return fmt.Errorf("profiles: decode stored list %s: %w", name, err)
		}
		m, err := newIPMatcher(values)
		if err != nil {
			return err
		}
		c.ip[name] = m
	case name == ListFraudEmails:
		var values []string
		if err := json.Unmarshal(entries, &values); err != nil {
			return fmt.Errorf("profiles: decode stored list %s: %w", name, err)
		}
		c.emails = newEmailMatcher(values)
	case name == ListWatchlist:
		var values []WatchEntry
		if err := json.Unmarshal(entries, &values); err != nil {
			return fmt.Errorf("profiles: decode stored list %s: %w", name, err)
		}
		c.watch = newWatchMatcher(values)
	}
	return nil
}

// clone returns a shallow copy whose maps may be changed.
func (c *compiledLists) clone() *compiledLists {
	out := &compiledLists{ip: map[string]*ipMatcher{}, emails: c.emails, watch: c.watch, digests: map[string]string{}}
	for k, v := range c.ip {
		out.ip[k] = v
	}
	for k, v := range c.digests {
		out.digests[k] = v
	}
	return out
}
