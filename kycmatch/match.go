package kycmatch

import (
	"math"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch/fuzzy"
)

// Match compares the attributes of req against the subscriber record rec
// and answers, as version v, for every attribute that was sent and that v
// knows. Attributes v does not know are ignored; ValidateRequest refuses
// them before Match is called.
//
// With p.RequireIDDocument, idDocument is checked before anything else:
// a request without it fails with camara.ErrIDDocumentRequired, and one
// whose idDocument differs from the record's, compared in canonical form
// (see canonicalExact), fails with camara.ErrIDDocumentMismatch. A record
// that holds no idDocument cannot pass a required check and also fails with
// camara.ErrIDDocumentMismatch. The API description's corner case is the
// one exception: when idDocument is the only attribute sent, there is no
// other property to guard, and it is matched like any other attribute
// (true, false or not_available). Without the policy idDocument is always
// an ordinary attribute.
//
// Each attribute is answered:
//   - not_available when the record holds no usable value (for name and
//     address, neither the complete value nor the parts it is composed
//     of in the record's country, as tabled on compositionFor);
//   - true when the sent and stored values are equal once normalised for
//     the attribute's Kind;
//   - false otherwise. Scored attributes then carry a Jaro-Winkler score of
//     the normalised values, 0 to v.MaxScore. The score is left out when a
//     sent value normalises to nothing (for example "-"), as the API allows
//     when no score can be computed.
//
// The only errors are the two idDocument errors, both *camara.Error.
func Match(v Version, req Request, rec Subscriber, p Policy) (Response, error) {
	if p.RequireIDDocument && !onlyIDDocument(v, req) {
		if err := checkRequiredIDDocument(req, rec); err != nil {
			return nil, err
		}
	}
	resp := make(Response, len(req.Values))
	for _, a := range Attributes {
		sent, ok := req.Values[a.Name]
		if !ok || !v.Has(a) {
			continue
		}
		resp[a.Name] = matchAttribute(v, a, sent, rec)
	}
	return resp, nil
}

// onlyIDDocument reports whether idDocument is the only attribute of req
// that v knows: the corner case in which a required idDocument is matched
// as an ordinary attribute.
func onlyIDDocument(v Version, req Request) bool {
	_, sent := req.Values["idDocument"]
	return sent && sentAttributeCount(v, req) == 1
}

// checkRequiredIDDocument applies the operator's idDocument requirement.
func checkRequiredIDDocument(req Request, rec Subscriber) *camara.Error {
	sent, ok := req.Values["idDocument"]
	if !ok || strings.TrimSpace(sent) == "" {
		return camara.ErrIDDocumentRequired
	}
	want := canonicalExact(rec.Attributes["idDocument"])
	if want == "" || canonicalExact(sent) != want {
		return camara.ErrIDDocumentMismatch
	}
	return nil
}

// sentAttributeCount counts the attributes of req that v knows.
func sentAttributeCount(v Version, req Request) int {
	n := 0
	for name := range req.Values {
		if a, ok := LookupAttribute(name); ok && v.Has(a) {
			n++
		}
	}
	return n
}

// matchAttribute answers for one sent attribute.
func matchAttribute(v Version, a Attribute, sent string, rec Subscriber) Outcome {
	if c, ok := compositionFor(a.Name, rec); ok && !holds(rec, a.Name) {
		return scoreAgainst(v, fuzzy.Normalize(sent), c.normalizedCandidates(rec))
	}
	stored, ok := rec.Attributes[a.Name]
	if !ok || strings.TrimSpace(stored) == "" {
		return Outcome{Result: NotAvailable}
	}
	switch a.Kind {
	case Fuzzy:
		if a.Name == "email" {
			return matchEmail(v, sent, stored)
		}
		return scoreAgainst(v, fuzzy.Normalize(sent), nonEmpty(fuzzy.Normalize(stored)))
	case Kana:
		return scoreAgainst(v, fuzzy.NormalizeKana(sent), nonEmpty(fuzzy.NormalizeKana(stored)))
	case Exact:
		return compareCanonical(canonicalExact(sent), canonicalExact(stored))
	case Date:
		return matchDate(sent, stored)
	case Country:
		return compareCanonical(canonicalCountry(sent), canonicalCountry(stored))
	case Keyword:
		return compareCanonical(canonicalKeyword(sent), canonicalKeyword(stored))
	}
	return Outcome{Result: NotAvailable}
}

// holds reports whether the record has a non-blank value for the attribute.
func holds(rec Subscriber, name string) bool {
	return strings.TrimSpace(rec.Attributes[name]) != ""
}

// nonEmpty wraps a normalised stored value as the single candidate to
// compare against, or as no candidate when nothing is left of it.
func nonEmpty(normalized string) []string {
	if normalized == "" {
		return nil
	}
	return []string{normalized}
}

// scoreAgainst answers a fuzzy comparison of a normalised sent value with
// the normalised stored candidates: not_available without candidates, true
// when one is equal, false with the best score otherwise.
func scoreAgainst(v Version, sent string, candidates []string) Outcome {
	if len(candidates) == 0 {
		return Outcome{Result: NotAvailable}
	}
	if sent == "" {
		return Outcome{Result: False}
	}
	best := 0.0
	for _, c := range candidates {
		if c == sent {
			return Outcome{Result: True}
		}
		best = max(best, fuzzy.JaroWinkler(sent, c))
	}
	return falseWithScore(v, best)
}

// falseWithScore is a false answer carrying a similarity in 0..1 as a
// score in 0..v.MaxScore.
func falseWithScore(v Version, similarity float64) Outcome {
	return Outcome{
		Result:   False,
		Score:    clampScore(int(math.Round(similarity*100)), v.MaxScore),
		HasScore: true,
	}
}

// clampScore keeps score within 0..maxScore.
func clampScore(score, maxScore int) int {
	return min(max(score, 0), maxScore)
}

// matchEmail answers for an email address by the rule every fuzzy attribute
// follows: true when the normalised forms are equal, otherwise false with a
// score of those forms. The normalised form of an address keeps the '@'
// between its local part and its domain, each normalised on its own (see
// emailForm), so that only case, dots and other separators within either
// part are ignored. Since equal forms answer true, a false answer never
// carries the score of identical values.
func matchEmail(v Version, sent, stored string) Outcome {
	return scoreAgainst(v, emailForm(sent), nonEmpty(emailForm(stored)))
}

// emailForm is the normalised form of an email address: the local part and
// the domain normalised as fuzzy text and joined by '@', or the whole value
// normalised when it holds no '@'. A form of nothing but '@' is empty.
func emailForm(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return fuzzy.Normalize(s)
	}
	local, domain := fuzzy.Normalize(s[:at]), fuzzy.Normalize(s[at+1:])
	if local == "" && domain == "" {
		return ""
	}
	return local + "@" + domain
}

// compareCanonical answers an exact comparison of canonical forms. A stored
// value with no canonical form cannot be matched (not_available); a sent
// one never matches.
func compareCanonical(sent, stored string) Outcome {
	switch {
	case stored == "":
		return Outcome{Result: NotAvailable}
	case sent != "" && sent == stored:
		return Outcome{Result: True}
	default:
		return Outcome{Result: False}
	}
}

// matchDate answers for a calendar date. A stored value that is not a date
// cannot be matched; a sent one never matches.
func matchDate(sent, stored string) Outcome {
	want, ok := parseDate(stored)
	if !ok {
		return Outcome{Result: NotAvailable}
	}
	got, ok := parseDate(sent)
	if ok && got == want {
		return Outcome{Result: True}
	}
	return Outcome{Result: False}
}

// dateLayout is the RFC 3339 full-date the API uses.
const dateLayout = "2006-01-02"

// parseDate reads a YYYY-MM-DD date. For stored data written as a full
// RFC 3339 timestamp the date part as written is used.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > len(dateLayout) && (s[len(dateLayout)] == 'T' || s[len(dateLayout)] == 't') {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, false
		}
		s = s[:len(dateLayout)]
	}
	d, err := time.Parse(dateLayout, s)
	return d, err == nil
}

// canonicalExact is the form in which Exact attributes (idDocument,
// postalCode, houseNumberExtension) compare: compatibility-composed, so
// that full-width characters read as ASCII, lower-cased, and with only
// letters and digits kept, so that "12345678-Z", "12.345.678 z" and
// "12345678Z" are the same document number.
func canonicalExact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// canonicalKeyword is the form in which enum values compare: trimmed and
// upper-cased, so that "male" equals "MALE".
func canonicalKeyword(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
