package profiles

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/net/idna"

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
	if p, ok := m.lookupAs(addr); ok {
		return p, true
	}
	// A listed IPv4 address also matches the IPv6 forms that carry it.
	if v4 := embeddedIPv4(addr); v4 != addr {
		return m.lookupAs(v4)
	}
	return netip.Prefix{}, false
}

// lookupAs looks addr up, as written, in the ranges of its family.
func (m *ipMatcher) lookupAs(addr netip.Addr) (netip.Prefix, bool) {
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

// nat64 is the well-known NAT64 prefix (RFC 6052), whose addresses carry
// an IPv4 address in their last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// embeddedIPv4 returns the IPv4 address an IPv6 address stands for (IPv4-
// mapped, NAT64 or the deprecated IPv4-compatible form), so that a listed
// IPv4 address is found however the person's address was written; other
// addresses are returned as they are.
func embeddedIPv4(addr netip.Addr) netip.Addr {
	if addr.Is4In6() {
		return addr.Unmap()
	}
	if !addr.Is6() {
		return addr
	}
	b := addr.As16()
	compatible := [12]byte(b[:12]) == [12]byte{} && !addr.IsUnspecified() && !addr.IsLoopback()
	if compatible || nat64.Contains(addr) {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return addr
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
			m.domains[emailKey("@" + d)[1:]] = true
		} else {
			m.addresses[emailKey(e)] = true
		}
	}
	return m
}

// emailKey is the form in which addresses and domains are compared: lower
// case, and the domain in the ASCII form IDNA's lookup mapping (UTS #46)
// gives it, so that "ｆｒａｕｄ.org", "FRAUD.org" and "fraud.org", or
// "exämple.com" and "xn--exmple-cua.com", are one domain. A domain IDNA
// refuses is kept in lower case.
func emailKey(s string) string {
	s = strings.ToLower(s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return s
	}
	if ascii, err := idna.Lookup.ToASCII(domain); err == nil {
		domain = ascii
	}
	return local + "@" + domain
}

// lookup reports whether an address is listed, itself or through its
// domain or a parent domain, compared by emailKey; the listed domain is
// returned ("" for a listed address).
func (m *emailMatcher) lookup(email string) (string, bool) {
	if m == nil || email == "" {
		return "", false
	}
	email = emailKey(email)
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
// whole name, of its words sorted (so that "Doe John" and "John Doe"
// compare equal), and of each word, with their rune counts for the
// bounds that skip hopeless comparisons.
type nameKey struct {
	plain   string
	sorted  string
	runes   int
	counts  runeCounts
	words   []wordKey
	letters int
}

// wordKey is one normalised word of a name.
type wordKey struct {
	text   string
	runes  int
	counts runeCounts
}

func nameKeyOf(name string) nameKey {
	fields := strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '-' || r == '.' || r == '\u3000'
	})
	k := nameKey{plain: fuzzy.Normalize(name)}
	k.counts, k.runes = countRunes(k.plain)
	texts := make([]string, 0, len(fields))
	for _, f := range fields {
		if n := fuzzy.Normalize(f); n != "" {
			counts, runes := countRunes(n)
			k.words = append(k.words, wordKey{text: n, runes: runes, counts: counts})
			k.letters += runes
			texts = append(texts, n)
		}
	}
	slices.Sort(texts)
	k.sorted = strings.Join(texts, "")
	return k
}

// similarity is the best of three Jaro-Winkler comparisons: of the whole
// names, of their sorted words, and word by word (wordSimilarity).
func (k nameKey) similarity(o nameKey) float64 {
	if k.plain == "" || o.plain == "" {
		return 0
	}
	best := max(fuzzy.JaroWinkler(k.plain, o.plain), fuzzy.JaroWinkler(k.sorted, o.sorted))
	return max(best, k.wordSimilarity(o, fuzzy.JaroWinkler))
}

// similarityBound is an upper bound of similarity computed from rune
// counts alone, much cheaper than the comparisons themselves.
func (k nameKey) similarityBound(o nameKey) float64 {
	whole := jaroWinklerBound(k.counts.common(&o.counts), k.runes, o.runes)
	return max(whole, k.wordSimilarity(o, func(a, b string) float64 { return 1 }))
}

// wordSimilarity matches each word of the name with fewer words to its
// most similar word of the other (by compare), weights the similarities by
// word length and divides by the length of the longer of the two names (in
// letters), so that one misspelt word of three costs little while a lone
// first name shared with a longer name scores low ("Ivan" against "Ivan
// Petrovich Sidorov" is 0.2), and long words matched loosely against a
// name of short words cannot add up to a whole match ("Joaquin Guzman"
// against "Jo Li Wu" stays low). With compare returning 1 it yields the
// count-based upper bound.
func (k nameKey) wordSimilarity(o nameKey, compare func(a, b string) float64) float64 {
	short, long := k, o
	if len(short.words) > len(long.words) {
		short, long = long, short
	}
	letters := max(short.letters, long.letters)
	if len(short.words) == 0 || letters == 0 {
		return 0
	}
	var sum float64
	for _, w := range short.words {
		var best float64
		for _, x := range long.words {
			bound := jaroWinklerBound(w.counts.common(&x.counts), w.runes, x.runes)
			if bound <= best {
				continue
			}
			best = max(best, min(bound, compare(w.text, x.text)))
		}
		sum += best * float64(w.runes)
	}
	return min(1, sum/float64(letters))
}

// runeCounts is the multiset of a string's runes folded into 32 buckets
// of one byte each (counts saturate at 127), packed in four words so that
// common works on eight buckets at a time. Folding only merges counts, so
// common never underestimates.
type runeCounts [4]uint64

func countRunes(s string) (runeCounts, int) {
	var bytes [32]uint8
	n := 0
	for _, r := range s {
		if b := &bytes[uint32(r)%32]; *b < 127 {
			*b++
		}
		n++
	}
	var c runeCounts
	for i, b := range bytes {
		c[i/8] |= uint64(b) << (8 * (i % 8))
	}
	return c, n
}

// Byte-lane masks of the SWAR arithmetic.
const (
	laneHigh = 0x8080808080808080
	pairMask = 0x00ff00ff00ff00ff
	pairSum  = 0x0001000100010001
)

// common is an upper bound of the runes two strings share: the sum of the
// bucket-wise minimums.
func (c *runeCounts) common(o *runeCounts) int {
	n := 0
	for i := range c {
		a, b := c[i], o[i]
		ge := ((a | laneHigh) - b) & laneHigh // high bit set where a >= b
		mask := (ge >> 7) * 0xff
		m := (b & mask) | (a &^ mask)
		pairs := (m & pairMask) + ((m >> 8) & pairMask)
		n += int((pairs * pairSum) >> 48)
	}
	return n
}

// jaroWinklerBound bounds the Jaro-Winkler similarity of strings of la and
// lb runes sharing at most m runes: Jaro is at most (m/la + m/lb + 1) / 3
// and the prefix boost of at most four characters adds at most 0.4 of the
// rest.
func jaroWinklerBound(m, la, lb int) float64 {
	m = min(m, la, lb)
	if m == 0 {
		return 0
	}
	j := (float64(m)/float64(la) + float64(m)/float64(lb) + 1) / 3
	return j + 0.4*(1-j)
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
// similarity reaches threshold. Entries whose bound cannot reach the
// threshold or beat the best so far are skipped. Ties go to the first
// entry (the smallest id).
//
// A long list takes a while to screen: ctx is checked every
// screenCheckEvery entries, and once it has ended best stops and reports
// no hit (the caller must then drop the result).
func (m *watchMatcher) best(ctx context.Context, names []string, threshold float64) (watchHit, bool) {
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
		if i%screenCheckEvery == 0 && ctx.Err() != nil {
			return watchHit{}, false
		}
		for _, k := range keys {
			for _, p := range probes {
				if b := p.similarityBound(k); b < threshold || b <= hit.similarity {
					continue
				}
				if s := p.similarity(k); s > hit.similarity {
					hit = watchHit{entryID: m.ids[i], similarity: s}
				}
			}
		}
	}
	return hit, hit.similarity >= threshold
}

// screenCheckEvery is how many watch-list entries are screened between two
// looks at the caller's context.
const screenCheckEvery = 256

// nameScreen memoises the watch-list screening of one assessment, whose
// verifications often carry the same names.
type nameScreen struct {
	ctx       context.Context
	matcher   *watchMatcher
	threshold float64
	memo      map[string]screenResult
}

type screenResult struct {
	hit watchHit
	ok  bool
}

func newNameScreen(ctx context.Context, m *watchMatcher, threshold float64) *nameScreen {
	return &nameScreen{ctx: ctx, matcher: m, threshold: threshold, memo: map[string]screenResult{}}
}

// best screens names, once per distinct set of names.
func (s *nameScreen) best(names []string) (watchHit, bool) {
	key := strings.Join(names, "\x00")
	if r, ok := s.memo[key]; ok {
		return r.hit, r.ok
	}
	hit, ok := s.matcher.best(s.ctx, names, s.threshold)
	s.memo[key] = screenResult{hit, ok}
	return hit, ok
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
