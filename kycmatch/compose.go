package kycmatch

import "github.com/kycgate/kycgate/kycmatch/fuzzy"

// need says when a part is part of a composed value.
type need int

const (
	// required parts must be held by the record.
	required need = iota
	// ifHeld parts are used when the record holds them.
	ifHeld
	// droppable parts are used when the record holds them, and the value is
	// also tried without them.
	droppable
)

// part is one record attribute in a composition.
type part struct {
	name string
	need need
}

// composition is the order of the parts of a complete name or address.
type composition []part

var (
	givenNameFirst  = composition{{"givenName", required}, {"middleNames", droppable}, {"familyName", required}}
	familyNameFirst = composition{{"familyName", required}, {"middleNames", droppable}, {"givenName", required}}
	hungarianName   = composition{{"familyName", required}, {"givenName", required}, {"middleNames", droppable}}

	streetNameFirst   = composition{{"streetName", required}, {"streetNumber", required}, {"houseNumberExtension", droppable}}
	streetNumberFirst = composition{{"streetNumber", required}, {"streetName", required}, {"houseNumberExtension", droppable}}
	japaneseAddress   = composition{{"region", ifHeld}, {"locality", ifHeld}, {"streetName", required}, {"streetNumber", required}, {"houseNumberExtension", droppable}}
)

// nameCompositions lists the countries whose names are not written given
// name first.
var nameCompositions = map[string]composition{
	"CN": familyNameFirst, "HK": familyNameFirst, "JP": familyNameFirst,
	"KH": familyNameFirst, "KP": familyNameFirst, "KR": familyNameFirst,
	"MO": familyNameFirst, "TW": familyNameFirst, "VN": familyNameFirst,
	"HU": hungarianName,
}

// addressCompositions lists the countries whose addresses are not written
// street name first.
var addressCompositions = map[string]composition{
	"AU": streetNumberFirst, "CA": streetNumberFirst, "FR": streetNumberFirst,
	"GB": streetNumberFirst, "IE": streetNumberFirst, "IN": streetNumberFirst,
	"LU": streetNumberFirst, "MC": streetNumberFirst, "MY": streetNumberFirst,
	"NZ": streetNumberFirst, "PH": streetNumberFirst, "SG": streetNumberFirst,
	"US": streetNumberFirst, "ZA": streetNumberFirst,
	"JP": japaneseAddress,
}

// compositionFor returns how the record composes the attribute, and false
// for attributes that are not composed of parts.
//
// A record may store a complete name or address only as its parts. To match
// a sent "name" or "address" against such a record, the parts are joined in
// the order people write them in the country of the record's "country"
// attribute (upper-cased; the default row applies when it is absent or not
// listed):
//
//	name
//	  given name first (default)      givenName [middleNames] familyName
//	  family name first: CN HK JP KH  familyName [middleNames] givenName
//	    KP KR MO TW VN
//	  Hungarian order: HU             familyName givenName [middleNames]
//
//	address
//	  street name first (default:     streetName streetNumber [houseNumberExtension]
//	    ES NL DE IT PT AT CH BE PL,
//	    the rest of Europe, Latin
//	    America, ...)
//	  street number first: AU CA FR   streetNumber streetName [houseNumberExtension]
//	    GB IE IN LU MC MY NZ PH SG
//	    US ZA
//	  Japan: JP                       [region] [locality] streetName streetNumber [houseNumberExtension]
//
// Parts in brackets are used when the record holds them. Middle names and
// the house number extension may also be left out by the caller: the
// composition is tried both with them and without them, so "Federica
// Arjona" matches a record that also holds a middle name, and "Calle Mayor
// 4" matches a record that also holds a flat number, as the API's own
// examples allow. The Japanese region and locality are never left out,
// because a street and number alone do not locate a Japanese address. The
// parts without brackets are required: without them the record cannot say
// what the complete value is, and the answer is not_available.
//
// Spaces never matter, because normalisation removes them before
// comparing.
func compositionFor(attribute string, rec Subscriber) (composition, bool) {
	switch attribute {
	case "name":
		return byCountry(nameCompositions, rec, givenNameFirst), true
	case "address":
		return byCountry(addressCompositions, rec, streetNameFirst), true
	}
	return nil, false
}

// byCountry returns the composition listed for the record's country, or
// the default.
func byCountry(table map[string]composition, rec Subscriber, def composition) composition {
	if c, ok := table[canonicalCountry(rec.Attributes["country"])]; ok {
		return c
	}
	return def
}

// normalizedCandidates returns the normalised complete values the record's
// parts compose to: with every part it holds, and without the droppable
// ones. It returns nothing when a required part is missing.
func (c composition) normalizedCandidates(rec Subscriber) []string {
	var full, short string
	for _, p := range c {
		v := fuzzy.Normalize(rec.Attributes[p.name])
		if v == "" {
			if p.need == required {
				return nil
			}
			continue
		}
		full += v
		if p.need != droppable {
			short += v
		}
	}
	if full == short {
		return []string{full}
	}
	return []string{full, short}
}
