package specimen

import (
	"errors"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao/mrz"
)

// Document holds the MRZ fields of a specimen document. Dates are YYMMDD.
type Document struct {
	// Format is mrz.TD3 (passport, the default) or mrz.TD1 (ID card).
	Format mrz.Format
	// DocumentCode is, for example, "P" or "ID".
	DocumentCode string
	// IssuingState is the three-letter issuing state, e.g. "UTO".
	IssuingState string
	// Surname and GivenNames form the name field.
	Surname, GivenNames string
	// DocumentNumber may exceed nine characters (TD1 overflow rule).
	DocumentNumber string
	// Nationality is the three-letter nationality.
	Nationality string
	// DateOfBirth and DateOfExpiry are YYMMDD.
	DateOfBirth, DateOfExpiry string
	// Sex is "M", "F" or "<".
	Sex string
	// OptionalData is the personal number (TD3) or first optional field (TD1).
	OptionalData string
}

// errMRZField reports a field that does not fit the layout.
var errMRZField = errors.New("specimen: MRZ field too long or not in the MRZ alphabet")

// MRZ renders the document's MRZ lines, concatenated, with all check digits.
func (d Document) MRZ() (string, error) {
	if err := d.validate(); err != nil {
		return "", err
	}
	var text string
	if d.Format == mrz.TD1 {
		text = d.td1()
	} else {
		text = d.td3()
	}
	if _, err := mrz.Parse(text); err != nil {
		return "", errors.Join(errMRZField, err)
	}
	return text, nil
}

// validate checks that every field uses the MRZ alphabet and fits its
// layout, so that rendering cannot go out of bounds.
func (d Document) validate() error {
	maxNumber := 9
	if d.Format == mrz.TD1 {
		maxNumber = 13
	}
	limits := []struct {
		value    string
		min, max int
	}{
		{d.DocumentCode, 1, 2}, {d.IssuingState, 1, 3}, {d.Nationality, 1, 3},
		{d.DocumentNumber, 1, maxNumber}, {d.DateOfBirth, 6, 6}, {d.DateOfExpiry, 6, 6},
		{d.Sex, 1, 1}, {d.Surname, 1, 39}, {d.GivenNames, 0, 39}, {d.OptionalData, 0, 14},
	}
	for _, l := range limits {
		v := field(l.value)
		if len(v) < l.min || len(v) > l.max {
			return errMRZField
		}
		if _, ok := mrz.CheckDigit(v); !ok {
			return errMRZField
		}
	}
	return nil
}

// td3 renders the two 44-character passport lines.
func (d Document) td3() string {
	line1 := pad(field(d.DocumentCode), 2) + pad(field(d.IssuingState), 3) + pad(nameField(d.Surname, d.GivenNames), 39)
	number := pad(field(d.DocumentNumber), 9)
	optional := pad(field(d.OptionalData), 14)
	line2 := number + digit(number) + pad(field(d.Nationality), 3) +
		d.DateOfBirth + digit(d.DateOfBirth) + pad(field(d.Sex), 1) +
		d.DateOfExpiry + digit(d.DateOfExpiry) + optional + digit(optional)
	composite := line2[0:10] + line2[13:20] + line2[21:43]
	return line1 + line2 + digit(composite)
}

// td1 renders the three 30-character ID-card lines, moving the tail of a
// long document number and its check digit into the optional data.
func (d Document) td1() string {
	number := field(d.DocumentNumber)
	var numberField, optional string
	if len(number) > 9 {
		numberField = number[:9] + "<"
		optional = pad(number[9:]+digit(number)+"<"+field(d.OptionalData), 15)
	} else {
		numberField = pad(number, 9) + digit(pad(number, 9))
		optional = pad(field(d.OptionalData), 15)
	}
	line1 := pad(field(d.DocumentCode), 2) + pad(field(d.IssuingState), 3) + numberField + optional
	line2 := d.DateOfBirth + digit(d.DateOfBirth) + pad(field(d.Sex), 1) +
		d.DateOfExpiry + digit(d.DateOfExpiry) + pad(field(d.Nationality), 3) + strings.Repeat("<", 11)
	composite := line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
	line2 += digit(composite)
	return line1 + line2 + pad(nameField(d.Surname, d.GivenNames), 30)
}

// field converts text to the MRZ alphabet: upper case, spaces as fillers.
func field(s string) string {
	return strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), " ", "<")
}

// nameField joins primary and secondary identifiers with a double filler.
func nameField(surname, given string) string {
	if given == "" {
		return field(surname)
	}
	return field(surname) + "<<" + field(given)
}

// pad fills s with '<' to width, truncating longer values.
func pad(s string, width int) string {
	if len(s) >= width {
		return s[:width]
	}
	return s + strings.Repeat("<", width-len(s))
}

// digit returns the check digit of s as a one-character string ("<" when
// s holds characters outside the MRZ alphabet, which Parse then rejects).
func digit(s string) string {
	d, ok := mrz.CheckDigit(s)
	if !ok {
		return "<"
	}
	return string(d)
}
