package mrz

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format is an MRZ layout.
type Format int

// The three ICAO 9303 layouts.
const (
	// TD1 is the ID-card format of three lines of 30 characters.
	TD1 Format = iota + 1
	// TD2 is the format of two lines of 36 characters.
	TD2
	// TD3 is the passport format of two lines of 44 characters.
	TD3
)

// String names the format.
func (f Format) String() string {
	switch f {
	case TD1:
		return "TD1"
	case TD2:
		return "TD2"
	case TD3:
		return "TD3"
	default:
		return "unknown"
	}
}

// Errors returned by Parse.
var (
	// ErrFormat means the text is not an MRZ of a known layout.
	ErrFormat = errors.New("mrz: unrecognised layout or characters")
	// ErrCheckDigit means a check digit did not match; see CheckDigitError.
	ErrCheckDigit = errors.New("mrz: check digit mismatch")
)

// CheckDigitError names the field whose check digit failed.
type CheckDigitError struct {
	// Field is the field name, for example "document_number" or "composite".
	Field string
}

// Error describes the failure without revealing the field's value.
func (e *CheckDigitError) Error() string {
	return fmt.Sprintf("mrz: check digit mismatch on %s", e.Field)
}

// Unwrap makes errors.Is(err, ErrCheckDigit) true.
func (e *CheckDigitError) Unwrap() error {
	return ErrCheckDigit
}

// MRZ holds the fields of a machine readable zone. Text fields keep the MRZ
// alphabet with fillers removed; dates stay in the MRZ form YYMMDD.
type MRZ struct {
	// Format is the layout.
	Format Format
	// DocumentCode is the document type, for example "P" or "ID".
	DocumentCode string
	// IssuingState is the three-letter issuing state or organisation.
	IssuingState string
	// DocumentNumber is the full document number, long numbers included.
	DocumentNumber string
	// Surname is the primary identifier.
	Surname string
	// GivenNames is the secondary identifier, names separated by spaces.
	GivenNames string
	// Nationality is the three-letter nationality code.
	Nationality string
	// DateOfBirth is YYMMDD; unknown parts may be '<'.
	DateOfBirth string
	// Sex is "M", "F" or "<" (unspecified).
	Sex string
	// DateOfExpiry is YYMMDD.
	DateOfExpiry string
	// OptionalData1 is the optional data (personal number in TD3).
	OptionalData1 string
	// OptionalData2 is the second optional data field of TD1.
	OptionalData2 string
	// Lines are the MRZ lines as parsed.
	Lines []string
}

// Parse reads an MRZ given as its lines joined with or without line breaks
// and checks every check digit.
func Parse(text string) (*MRZ, error) {
	lines, format, err := splitLines(text)
	if err != nil {
		return nil, err
	}
	var m *MRZ
	switch format {
	case TD1:
		m, err = parseTD1(lines)
	case TD2:
		m, err = parseTwoLine(lines, TD2)
	default:
		m, err = parseTwoLine(lines, TD3)
	}
	if err != nil {
		return nil, err
	}
	m.Lines = lines
	return m, nil
}

// splitLines normalises the text and cuts it into the lines of its layout.
func splitLines(text string) ([]string, Format, error) {
	joined := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(text))
	for i := 0; i < len(joined); i++ {
		if _, ok := charValue(joined[i]); !ok {
			return nil, 0, ErrFormat
		}
	}
	switch len(joined) {
	case 90:
		return []string{joined[:30], joined[30:60], joined[60:]}, TD1, nil
	case 72:
		return []string{joined[:36], joined[36:]}, TD2, nil
	case 88:
		return []string{joined[:44], joined[44:]}, TD3, nil
	default:
		return nil, 0, fmt.Errorf("%w: %d characters", ErrFormat, len(joined))
	}
}

// parseTwoLine reads the TD2 and TD3 layouts, which differ only in the width
// of the name and optional data fields.
func parseTwoLine(lines []string, format Format) (*MRZ, error) {
	l1, l2 := lines[0], lines[1]
	width := len(l1)
	m := &MRZ{Format: format, DocumentCode: trim(l1[0:2]), IssuingState: trim(l1[2:5])}
	m.Surname, m.GivenNames = splitName(l1[5:])
	m.Nationality = trim(l2[10:13])
	m.DateOfBirth, m.Sex, m.DateOfExpiry = l2[13:19], l2[20:21], l2[21:27]
	optEnd := width - 1
	if format == TD3 {
		optEnd = width - 2
	}
	docNumber, optional, err := resolveDocumentNumber(l2[0:9], l2[9], l2[28:optEnd])
	if err != nil {
		return nil, err
	}
	m.DocumentNumber, m.OptionalData1 = docNumber, optional
	if err := checkDates(l2[13:20], l2[21:28]); err != nil {
		return nil, err
	}
	if format == TD3 && !checkDigitMatches(l2[28:42], l2[42], true) {
		return nil, &CheckDigitError{Field: "optional_data"}
	}
	composite := l2[0:10] + l2[13:20] + l2[21:width-1]
	if !checkDigitMatches(composite, l2[width-1], false) {
		return nil, &CheckDigitError{Field: "composite"}
	}
	return m, nil
}

// parseTD1 reads the three-line ID-card layout.
func parseTD1(lines []string) (*MRZ, error) {
	l1, l2, l3 := lines[0], lines[1], lines[2]
	m := &MRZ{Format: TD1, DocumentCode: trim(l1[0:2]), IssuingState: trim(l1[2:5])}
	docNumber, optional, err := resolveDocumentNumber(l1[5:14], l1[14], l1[15:30])
	if err != nil {
		return nil, err
	}
	m.DocumentNumber, m.OptionalData1 = docNumber, optional
	m.DateOfBirth, m.Sex, m.DateOfExpiry = l2[0:6], l2[7:8], l2[8:14]
	m.Nationality = trim(l2[15:18])
	m.OptionalData2 = trim(l2[18:29])
	m.Surname, m.GivenNames = splitName(l3)
	if err := checkDates(l2[0:7], l2[8:15]); err != nil {
		return nil, err
	}
	composite := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	if !checkDigitMatches(composite, l2[29], false) {
		return nil, &CheckDigitError{Field: "composite"}
	}
	return m, nil
}

// resolveDocumentNumber checks the document number. When its check digit
// position holds '<', the number is longer than nine characters: it
// continues in the optional data up to the first filler, and the last
// character before that filler is the check digit of the whole number.
func resolveDocumentNumber(field string, check byte, optional string) (number, rest string, err error) {
	if check != '<' {
		if !checkDigitMatches(field, check, false) {
			return "", "", &CheckDigitError{Field: "document_number"}
		}
		return trim(field), trim(optional), nil
	}
	end := strings.IndexByte(optional, '<')
	if end < 0 {
		end = len(optional)
	}
	if end < 2 {
		return "", "", &CheckDigitError{Field: "document_number"}
	}
	full := field + optional[:end-1]
	if !checkDigitMatches(full, optional[end-1], false) {
		return "", "", &CheckDigitError{Field: "document_number"}
	}
	return trim(full), trim(optional[end:]), nil
}

// checkDates verifies the birth and expiry fields, each followed by its digit.
func checkDates(birth, expiry string) error {
	if !checkDigitMatches(birth[:6], birth[6], false) {
		return &CheckDigitError{Field: "date_of_birth"}
	}
	if !checkDigitMatches(expiry[:6], expiry[6], false) {
		return &CheckDigitError{Field: "date_of_expiry"}
	}
	return nil
}

// trim removes fillers at both ends and turns inner fillers into spaces.
func trim(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.Trim(s, "<"), "<", " "))
}

// splitName cuts the name field at the double filler into primary and
// secondary identifiers.
func splitName(s string) (surname, given string) {
	primary, secondary, _ := strings.Cut(strings.TrimRight(s, "<"), "<<")
	return trim(primary), trim(secondary)
}

// ExpiryDate returns the expiry date; MRZ expiry years are always 20YY.
func (m *MRZ) ExpiryDate() (time.Time, error) {
	t, err := time.Parse("20060102", "20"+m.DateOfExpiry)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date of expiry", ErrFormat)
	}
	return t, nil
}

// BirthDate returns the birth date, choosing the century that puts it in
// the past relative to now.
func (m *MRZ) BirthDate(now time.Time) (time.Time, error) {
	t, err := time.Parse("20060102", "20"+m.DateOfBirth)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date of birth", ErrFormat)
	}
	if t.After(now) {
		t = t.AddDate(-100, 0, 0)
	}
	return t, nil
}

// valueFolder removes the MRZ filler '<' and spaces.
var valueFolder = strings.NewReplacer("<", "", " ", "")

// NormalizeValue upper-cases an MRZ value and removes fillers ('<') and
// spaces, so that "D<<", "d" and "D" name the same issuing state and a
// document number compares equal however it was padded.
func NormalizeValue(s string) string {
	return strings.ToUpper(valueFolder.Replace(s))
}
