// Package kycmatch models the CAMARA KYC Match API: its versions, the
// attributes each version knows, the request and response shapes, and the
// matching of a request against a subscriber record.
//
// Every difference between API versions lives in this file (the Versions
// table and the MinMinor field of each attribute), so that a new version is
// one more row.
package kycmatch

import (
	"strings"
	"time"
)

// Kind says how an attribute is compared.
type Kind int

const (
	// Fuzzy attributes match when their normalised values are equal and
	// otherwise get a Jaro-Winkler similarity score.
	Fuzzy Kind = iota
	// Kana attributes are fuzzy attributes whose values are first
	// width-normalised (half-width and full-width Katakana compare equal).
	Kana
	// Exact attributes compare on their canonical form: case-insensitive,
	// spaces and separators ignored.
	Exact
	// Date attributes compare on the calendar date value (YYYY-MM-DD).
	Date
	// Country attributes hold ISO 3166-1 alpha-2 codes, case-insensitive.
	Country
	// Keyword attributes hold an enum value, compared case-insensitively.
	Keyword
)

// Attribute describes one matchable attribute of the request body.
type Attribute struct {
	// Name is the request property, e.g. "givenName". The response carries
	// Name+"Match" and, for scored attributes, Name+"MatchScore".
	Name string
	// Kind is how the attribute is compared.
	Kind Kind
	// Scored is true when the response schema has a MatchScore property.
	Scored bool
	// MinMinor is the first 0.x version that knows the attribute.
	MinMinor int
}

// Attributes lists every attribute in the order of the request schema.
var Attributes = []Attribute{
	{Name: "idDocument", Kind: Exact, MinMinor: 3},
	{Name: "idDocumentType", Kind: Keyword, MinMinor: 4},
	{Name: "idDocumentExpiryDate", Kind: Date, MinMinor: 4},
	{Name: "name", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "givenName", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "familyName", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "nameKanaHankaku", Kind: Kana, Scored: true, MinMinor: 3},
	{Name: "nameKanaZenkaku", Kind: Kana, Scored: true, MinMinor: 3},
	{Name: "middleNames", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "familyNameAtBirth", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "address", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "streetName", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "streetNumber", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "postalCode", Kind: Exact, MinMinor: 3},
	{Name: "region", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "locality", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "country", Kind: Country, MinMinor: 3},
	{Name: "houseNumberExtension", Kind: Exact, MinMinor: 3},
	{Name: "birthdate", Kind: Date, MinMinor: 3},
	{Name: "email", Kind: Fuzzy, Scored: true, MinMinor: 3},
	{Name: "gender", Kind: Keyword, MinMinor: 3},
	{Name: "cityOfBirth", Kind: Fuzzy, Scored: true, MinMinor: 4},
	{Name: "countryOfBirth", Kind: Country, MinMinor: 4},
	{Name: "nationality", Kind: Country, MinMinor: 4},
}

// attributeIndex maps an attribute name to its position in Attributes.
var attributeIndex = func() map[string]int {
	m := make(map[string]int, len(Attributes))
	for i, a := range Attributes {
		m[a.Name] = i
	}
	return m
}()

// LookupAttribute returns the attribute with the given request name.
func LookupAttribute(name string) (Attribute, bool) {
	i, ok := attributeIndex[name]
	if !ok {
		return Attribute{}, false
	}
	return Attributes[i], true
}

// Version is one published version of the KYC Match API.
type Version struct {
	// Minor is x in 0.x.
	Minor int
	// MaxScore is the largest MatchScore the version's schema allows.
	MaxScore int
	// CorrelatorPattern is the version's x-correlator pattern.
	CorrelatorPattern string
}

// The versions kycgate serves.
var (
	V03 = Version{Minor: 3, MaxScore: 100, CorrelatorPattern: `^[a-zA-Z0-9-]{0,55}$`}
	V04 = Version{Minor: 4, MaxScore: 99, CorrelatorPattern: `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`}
)

// Versions lists the served versions, oldest first.
var Versions = []Version{V03, V04}

// PathSegment is the version as it appears in the base path, e.g. "v0.4".
func (v Version) PathSegment() string { return "v0." + itoa(v.Minor) }

// String returns the semantic version, e.g. "0.4.0".
func (v Version) String() string { return "0." + itoa(v.Minor) + ".0" }

// Has reports whether the version knows the attribute.
func (v Version) Has(a Attribute) bool { return v.Minor >= a.MinMinor }

// ParseVersion accepts "v0.4", "0.4" or "0.4.0".
func ParseVersion(s string) (Version, bool) {
	s = strings.TrimPrefix(s, "v")
	s = strings.TrimSuffix(s, ".0")
	for _, v := range Versions {
		if s == "0."+itoa(v.Minor) {
			return v, true
		}
	}
	return Version{}, false
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Request is a validated KYC Match request.
type Request struct {
	// PhoneNumber is the subscriber, in E.164 with a leading '+'. It is
	// resolved by the gateway from the body or the 3-legged token.
	PhoneNumber string
	// Values maps attribute names to the values sent. Only sent attributes
	// are present.
	Values map[string]string
}

// Result is the value of a <attr>Match property.
type Result string

// The three match results of the API.
const (
	True         Result = "true"
	False        Result = "false"
	NotAvailable Result = "not_available"
)

// Outcome is the answer for one attribute.
type Outcome struct {
	Result Result
	// Score is the similarity 0..MaxScore; meaningful only when HasScore.
	Score    int
	HasScore bool
}

// Response maps attribute names to their outcome. It holds exactly the
// attributes that were sent.
type Response map[string]Outcome

// LineType says what kind of subscription a phone number is.
type LineType string

// Line types known to the reference operator.
const (
	LineMobile   LineType = "mobile"
	LineIoT      LineType = "iot"
	LineBusiness LineType = "business"
)

// Subscriber is an operator's verified record for one phone number.
type Subscriber struct {
	PhoneNumber string
	LineType    LineType
	// Attributes maps attribute names to the verified values. An absent
	// attribute answers "not_available".
	Attributes map[string]string
	UpdatedAt  time.Time
}
