package profiles

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names of the importable lists.
const (
	// ListVPN holds IP addresses and CIDR ranges of VPN providers.
	ListVPN = "vpn"
	// ListHosting holds ranges of hosting providers and data centres.
	ListHosting = "hosting"
	// ListTor holds Tor exit node addresses.
	ListTor = "tor"
	// ListFraudIPs holds addresses and ranges known for fraud.
	ListFraudIPs = "fraud-ips"
	// ListFraudEmails holds e-mail addresses ("name@example.com") and
	// domains ("@example.com") known for fraud.
	ListFraudEmails = "fraud-emails"
	// ListWatchlist holds watch-list entries: an id, a name and aliases.
	ListWatchlist = "watchlist"
)

// ListNames returns the importable lists, in documentation order.
func ListNames() []string {
	return []string{ListVPN, ListHosting, ListTor, ListFraudIPs, ListFraudEmails, ListWatchlist}
}

// isIPList reports whether the list holds IP addresses and ranges.
func isIPList(name string) bool {
	return name == ListVPN || name == ListHosting || name == ListTor || name == ListFraudIPs
}

// Limits of list entries.
const (
	maxListErrors     = 20
	maxWatchIDLen     = 64
	maxWatchNameLen   = 200
	maxWatchAliases   = 50
	maxEmailEntryLen  = 254
	maxListEntryCount = 2_000_000
)

// ErrUnknownList is returned for a list name not in ListNames.
var ErrUnknownList = errors.New("profiles: unknown list")

// ListError is a list file refused whole, with every problem found (up to
// a limit). Problems name the entry or line, never its value.
type ListError struct {
	// List is the list's name.
	List string
	// Problems describe the faulty entries.
	Problems []string
	// More counts problems beyond those listed.
	More int
}

// Error lists the problems.
func (e *ListError) Error() string {
	msg := fmt.Sprintf("list %s refused, nothing was imported: %s", e.List, strings.Join(e.Problems, "; "))
	if e.More > 0 {
		msg += fmt.Sprintf("; and %d more problems", e.More)
	}
	return msg
}

// problems collects the problems of a list file.
type problems struct {
	list []string
	more int
}

func (p *problems) add(format string, args ...any) {
	if len(p.list) < maxListErrors {
		p.list = append(p.list, fmt.Sprintf(format, args...))
		return
	}
	p.more++
}

func (p *problems) err(list string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &ListError{List: list, Problems: p.list, More: p.more}
}

// WatchEntry is one watch-list entry.
type WatchEntry struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// ParsedList is a list file that passed validation, in canonical form.
type ParsedList struct {
	// Name is the list.
	Name string
	// Entries is the canonical JSON array that is stored.
	Entries json.RawMessage
	// Count is the number of entries, after removing duplicates.
	Count int
	// Digest is the hex SHA-256 of Entries.
	Digest string
}

// ParseList validates a list file whole and returns its canonical form.
// The file is either JSON, {"entries": [...]} (strings for IP and e-mail
// lists, {"id","name","aliases"} objects for the watch list), or, for IP
// and e-mail lists, text with one entry per line ('#' starts a comment).
// A text file without entries is refused, as it is most likely truncated;
// an empty list must be written as {"entries": []}. Any bad entry refuses
// the whole file with a *ListError.
func ParseList(name string, data []byte) (ParsedList, error) {
	if !slices.Contains(ListNames(), name) {
		return ParsedList{}, fmt.Errorf("%w %q: the lists are %s", ErrUnknownList, name, strings.Join(ListNames(), ", "))
	}
	if !utf8.Valid(data) {
		return ParsedList{}, &ListError{List: name, Problems: []string{"the file is not UTF-8 text"}}
	}
	trimmed := bytes.TrimSpace(data)
	var entries any
	var err error
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		entries, err = parseJSONList(name, trimmed)
	case name == ListWatchlist:
		err = &ListError{List: name, Problems: []string{`the watch list must be JSON: {"entries":[{"id":"...","name":"...","aliases":[...]}]}`}}
	default:
		entries, err = parseTextList(name, data)
	}
	if err != nil {
		return ParsedList{}, err
	}
	return canonicalList(name, entries)
}

// canonicalList encodes validated entries and digests them.
func canonicalList(name string, entries any) (ParsedList, error) {
	raw, err := json.Marshal(entries)
	if err != nil {
		return ParsedList{}, fmt.Errorf("profiles: encode list %s: %w", name, err)
	}
	sum := sha256.Sum256(raw)
	count := 0
	switch e := entries.(type) {
	case []string:
		count = len(e)
	case []WatchEntry:
		count = len(e)
	}
	return ParsedList{Name: name, Entries: raw, Count: count, Digest: hex.EncodeToString(sum[:])}, nil
}

// jsonListFile is the JSON form of a list file.
type jsonListFile struct {
	Entries json.RawMessage `json:"entries"`
}

func parseJSONList(name string, data []byte) (any, error) {
	var file jsonListFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil || dec.More() {
		return nil, &ListError{List: name, Problems: []string{`the file is not a JSON object {"entries": [...]}`}}
	}
	if len(file.Entries) == 0 || file.Entries[0] != '[' {
		return nil, &ListError{List: name, Problems: []string{`"entries" must be an array`}}
	}
	if name == ListWatchlist {
		var raw []json.RawMessage
		if err := json.Unmarshal(file.Entries, &raw); err != nil {
			return nil, &ListError{List: name, Problems: []string{`"entries" must be an array of objects`}}
		}
		return validateWatchEntries(name, raw)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(file.Entries, &raw); err != nil {
		return nil, &ListError{List: name, Problems: []string{`"entries" must be an array of strings`}}
	}
	items := make([]listItem, 0, len(raw))
	var p problems
	for i, r := range raw {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			p.add("entry %d: not a string", i+1)
			continue
		}
		items = append(items, listItem{where: fmt.Sprintf("entry %d", i+1), value: s})
	}
	return validateValues(name, items, &p, false)
}

// listItem is one entry of an IP or e-mail list and where it was found.
type listItem struct {
	where string
	value string
}

func parseTextList(name string, data []byte) (any, error) {
	var items []listItem
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			items = append(items, listItem{where: fmt.Sprintf("line %d", n), value: line})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ListError{List: name, Problems: []string{"a line is too long"}}
	}
	return validateValues(name, items, &problems{}, true)
}

// validateValues checks and canonicalises the entries of an IP or e-mail
// list, removing duplicates, and adds their problems to p.
func validateValues(name string, items []listItem, p *problems, text bool) ([]string, error) {
	if text && len(items) == 0 {
		p.add("the file holds no entries (write {\"entries\": []} to empty the list)")
	}
	if len(items) > maxListEntryCount {
		p.add("the list has more than %d entries", maxListEntryCount)
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		var canon string
		var err error
		if isIPList(name) {
			canon, err = canonicalPrefix(it.value)
		} else {
			canon, err = canonicalEmailEntry(it.value)
		}
		if err != nil {
			p.add("%s: %v", it.where, err)
			continue
		}
		if !seen[canon] {
			seen[canon] = true
			out = append(out, canon)
		}
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// canonicalPrefix accepts an IP address or a CIDR range and returns the
// masked range ("203.0.113.7/32" for a single IPv4 address).
func canonicalPrefix(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", errors.New("not an IP address or CIDR range")
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			if p.Bits() < 0 {
				return "", errors.New("not an IP address or CIDR range")
			}
		}
		if widest := minListedBits(p.Addr()); p.Bits() < widest {
			return "", fmt.Errorf("a range wider than /%d would flag a large part of the Internet", widest)
		}
		return p.Masked().String(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", errors.New("not an IP address or CIDR range")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()).String(), nil
}

// canonicalEmailEntry accepts an address ("name@example.com") or a domain
// ("@example.com") and lower-cases it.
func canonicalEmailEntry(s string) (string, error) {
	e := emailKey(strings.TrimSpace(s))
	if len(e) > maxEmailEntryLen {
		return "", errors.New("longer than 254 characters")
	}
	if strings.HasPrefix(e, "@") {
		if !validDomain(e[1:]) {
			return "", errors.New("not a domain")
		}
		return e, nil
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || strings.ContainsAny(local, " \t\"") || !validDomain(domain) {
		return "", errors.New("not an e-mail address or an @domain")
	}
	return e, nil
}

// minListedBits is the widest range an IP list may hold: a /8 of IPv4, a
// /16 of IPv6 (a "/0" would flag everyone).
func minListedBits(a netip.Addr) int {
	if a.Is4() {
		return 8
	}
	return 16
}

// validDomain accepts dotted labels of letters, digits and hyphens.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return false
			}
		}
	}
	return true
}

// validateWatchEntries checks every watch-list entry: a unique id, a name
// and aliases that keep letters or digits once normalised.
func validateWatchEntries(name string, raw []json.RawMessage) ([]WatchEntry, error) {
	var p problems
	if len(raw) > maxListEntryCount {
		p.add("the list has more than %d entries", maxListEntryCount)
	}
	out := make([]WatchEntry, 0, len(raw))
	ids := make(map[string]bool, len(raw))
	for i, r := range raw {
		var e WatchEntry
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			p.add("entry %d: not an object with id, name and aliases", i+1)
			continue
		}
		if msg := checkWatchEntry(&e); msg != "" {
			p.add("entry %d: %s", i+1, msg)
			continue
		}
		if ids[e.ID] {
			p.add("entry %d: the id is used by an earlier entry", i+1)
			continue
		}
		ids[e.ID] = true
		out = append(out, e)
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b WatchEntry) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// checkWatchEntry trims e and says what is wrong with it, or "".
func checkWatchEntry(e *WatchEntry) string {
	e.ID = strings.TrimSpace(e.ID)
	e.Name = strings.TrimSpace(e.Name)
	e.Aliases = cleanStrings(e.Aliases)
	switch {
	case e.ID == "" || len(e.ID) > maxWatchIDLen:
		return fmt.Sprintf("the id must have 1 to %d characters", maxWatchIDLen)
	case e.Name == "" || utf8.RuneCountInString(e.Name) > maxWatchNameLen:
		return fmt.Sprintf("the name must have 1 to %d characters", maxWatchNameLen)
	case len(e.Aliases) > maxWatchAliases:
		return fmt.Sprintf("at most %d aliases", maxWatchAliases)
	}
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		if nameKeyOf(n).plain == "" {
			return "a name or alias has no letters or digits"
		}
		if utf8.RuneCountInString(n) > maxWatchNameLen {
			return fmt.Sprintf("an alias is longer than %d characters", maxWatchNameLen)
		}
	}
	return ""
}
