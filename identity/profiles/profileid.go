package profiles

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao"
)

// Canonical document types of profile ids.
const (
	DocumentPassport        = "PASSPORT"
	DocumentNationalID      = "NATIONAL-ID"
	DocumentDrivingLicense  = "DRIVING-LICENSE"
	DocumentResidencePermit = "RESIDENCE-PERMIT"
	DocumentVisa            = "VISA"
)

// maxDocumentNumber bounds a normalised document number.
const maxDocumentNumber = 40

// ErrInvalidDocument is wrapped by the errors of NormalizeDocument and
// ParseProfileID. Their messages name the faulty part, never its value.
var ErrInvalidDocument = errors.New("profiles: invalid document identity")

// documentTypeSynonyms maps folded spellings to canonical types.
var documentTypeSynonyms = map[string]string{
	"PASSPORT":           DocumentPassport,
	"NATIONAL-ID":        DocumentNationalID,
	"NATIONAL-ID-CARD":   DocumentNationalID,
	"NATIONAL-IDENTITY":  DocumentNationalID,
	"ID":                 DocumentNationalID,
	"ID-CARD":            DocumentNationalID,
	"IDENTITY-CARD":      DocumentNationalID,
	"DRIVING-LICENSE":    DocumentDrivingLicense,
	"DRIVING-LICENCE":    DocumentDrivingLicense,
	"DRIVERS-LICENSE":    DocumentDrivingLicense,
	"DRIVERS-LICENCE":    DocumentDrivingLicense,
	"DRIVER-LICENSE":     DocumentDrivingLicense,
	"DRIVER-LICENCE":     DocumentDrivingLicense,
	"DL":                 DocumentDrivingLicense,
	"RESIDENCE-PERMIT":   DocumentResidencePermit,
	"RESIDENT-PERMIT":    DocumentResidencePermit,
	"RESIDENCE-CARD":     DocumentResidencePermit,
	"RESIDENT-CARD":      DocumentResidencePermit,
	"VISA":               DocumentVisa,
	"PERMANENT-RESIDENT": DocumentResidencePermit,
}

// mrzDocumentLetters maps the first letter of an ICAO 9303 document code
// to a canonical type: P passports, I, A and C identity cards, V visas.
var mrzDocumentLetters = map[byte]string{
	'P': DocumentPassport,
	'I': DocumentNationalID,
	'A': DocumentNationalID,
	'C': DocumentNationalID,
	'V': DocumentVisa,
}

// NormalizeDocument returns d in canonical form: an ISO 3166-1 alpha-2
// country, a canonical document type and an upper-case alphanumeric
// number without separators.
func NormalizeDocument(d DocumentIdentity) (DocumentIdentity, error) {
	country, err := normalizeCountry(d.Country)
	if err != nil {
		return DocumentIdentity{}, err
	}
	docType, err := normalizeDocumentType(d.Type)
	if err != nil {
		return DocumentIdentity{}, err
	}
	number, err := normalizeDocumentNumber(d.Number)
	if err != nil {
		return DocumentIdentity{}, err
	}
	return DocumentIdentity{Country: country, Type: docType, Number: number}, nil
}

// ProfileID returns the profile id of a normalised document:
// COUNTRY|DOCUMENT-TYPE|NUMBER.
func (d DocumentIdentity) ProfileID() string {
	return d.Country + "|" + d.Type + "|" + d.Number
}

// String hides the document number, so that a document cannot leak into
// logs or errors by accident.
func (d DocumentIdentity) String() string {
	return fmt.Sprintf("DocumentIdentity{country=%s, type=%s, number=redacted}", d.Country, d.Type)
}

// Format makes every fmt verb (including %#v) print the redacted String
// form.
func (d DocumentIdentity) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprint(f, d.String())
}

// ProfileIDOf normalises d and returns its profile id.
func ProfileIDOf(d DocumentIdentity) (string, error) {
	n, err := NormalizeDocument(d)
	if err != nil {
		return "", err
	}
	return n.ProfileID(), nil
}

// ParseProfileID normalises a profile id given by a client, so that
// "us|driving license|12 345" finds "US|DRIVING-LICENSE|12345".
func ParseProfileID(s string) (string, error) {
	parts := strings.Split(s, "|")
	if len(parts) != 3 {
		return "", fmt.Errorf("%w: a profile id is COUNTRY|DOCUMENT-TYPE|NUMBER", ErrInvalidDocument)
	}
	return ProfileIDOf(DocumentIdentity{Country: parts[0], Type: parts[1], Number: parts[2]})
}

// normalizeCountry accepts alpha-2 codes and the alpha-3 and special codes
// of MRZ issuing states, with or without '<' fillers.
func normalizeCountry(s string) (string, error) {
	c := strings.ToUpper(strings.Trim(strings.TrimSpace(s), "<"))
	if a2, ok := icao.CountryAlpha2(c); ok {
		return a2, nil
	}
	if len(c) == 2 && isUpperLetter(c[0]) && isUpperLetter(c[1]) {
		return c, nil
	}
	return "", fmt.Errorf("%w: the country is not an ISO 3166-1 alpha-2 or alpha-3 code", ErrInvalidDocument)
}

// normalizeDocumentType folds case, spaces, underscores and apostrophes and
// maps synonyms and MRZ document codes to the canonical types.
func normalizeDocumentType(s string) (string, error) {
	folded := strings.ToUpper(strings.TrimSpace(s))
	folded = strings.NewReplacer("_", "-", " ", "-", "'", "", "’", "").Replace(folded)
	if t, ok := documentTypeSynonyms[folded]; ok {
		return t, nil
	}
	mrz := strings.TrimRight(folded, "<")
	if len(mrz) >= 1 && len(mrz) <= 2 {
		if t, ok := mrzDocumentLetters[mrz[0]]; ok {
			return t, nil
		}
	}
	return "", fmt.Errorf("%w: the document type is not one of %s, %s, %s, %s, %s or an MRZ document code",
		ErrInvalidDocument, DocumentPassport, DocumentNationalID, DocumentDrivingLicense, DocumentResidencePermit, DocumentVisa)
}

// normalizeDocumentNumber upper-cases the number and drops spaces, dashes,
// dots, slashes and MRZ fillers.
func normalizeDocumentNumber(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '<' || r == '\t':
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%w: the document number may hold only letters, digits and separators", ErrInvalidDocument)
		}
	}
	n := b.String()
	if n == "" || len(n) > maxDocumentNumber {
		return "", fmt.Errorf("%w: the document number must have 1 to %d letters or digits", ErrInvalidDocument, maxDocumentNumber)
	}
	return n, nil
}

func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
