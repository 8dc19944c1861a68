package mrz

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The specimen MRZs published in ICAO Doc 9303 (parts 4, 5 and 6).
const (
	specimenTD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10"
	specimenTD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n" +
		"7408122F1204159UTO<<<<<<<<<<<6\n" +
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
	specimenTD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n" +
		"D231458907UTO7408122F1204159<<<<<<<6"
)

func TestCheckDigitKnownValues(t *testing.T) {
	cases := []struct {
		in   string
		want byte
	}{
		{"L898902C3", '6'},
		{"740812", '2'},
		{"120415", '9'},
		{"ZE184226B<<<<<", '1'},
		{"D23145890", '7'},
		{"<<<<<<<<<", '0'},
	}
	for _, tc := range cases {
		got, ok := CheckDigit(tc.in)
		require.True(t, ok)
		assert.Equal(t, string(tc.want), string(got), tc.in)
	}
	_, ok := CheckDigit("abc")
	assert.False(t, ok)
}

func TestParseICAOSpecimens(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		format Format
		code   string
		number string
		opt1   string
	}{
		{"TD3", specimenTD3, TD3, "P", "L898902C3", "ZE184226B"},
		{"TD1", specimenTD1, TD1, "I", "D23145890", ""},
		{"TD2", specimenTD2, TD2, "I", "D23145890", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.text)
			require.NoError(t, err)
			assert.Equal(t, tc.format, m.Format)
			assert.Equal(t, tc.code, m.DocumentCode)
			assert.Equal(t, "UTO", m.IssuingState)
			assert.Equal(t, "UTO", m.Nationality)
			assert.Equal(t, tc.number, m.DocumentNumber)
			assert.Equal(t, "ERIKSSON", m.Surname)
			assert.Equal(t, "ANNA MARIA", m.GivenNames)
			assert.Equal(t, "740812", m.DateOfBirth)
			assert.Equal(t, "F", m.Sex)
			assert.Equal(t, "120415", m.DateOfExpiry)
			assert.Equal(t, tc.opt1, m.OptionalData1)

			expiry, err := m.ExpiryDate()
			require.NoError(t, err)
			assert.Equal(t, time.Date(2012, 4, 15, 0, 0, 0, 0, time.UTC), expiry)
			birth, err := m.BirthDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			require.NoError(t, err)
			assert.Equal(t, 1974, birth.Year())
		})
	}
}

func TestParseRejectsEveryCorruptedCheckDigit(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		pos   int // index in the joined text
		field string
	}{
		{"TD3 document number", specimenTD3, 44 + 9, "document_number"},
		{"TD3 birth", specimenTD3, 44 + 19, "date_of_birth"},
		{"TD3 expiry", specimenTD3, 44 + 27, "date_of_expiry"},
		{"TD3 optional", specimenTD3, 44 + 42, "optional_data"},
		{"TD3 composite", specimenTD3, 44 + 43, "composite"},
		{"TD1 document number", specimenTD1, 14, "document_number"},
		{"TD1 composite", specimenTD1, 59, "composite"},
		{"TD2 expiry", specimenTD2, 36 + 27, "date_of_expiry"},
		{"TD2 composite", specimenTD2, 71, "composite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			joined := []byte(strings.ReplaceAll(tc.text, "\n", ""))
			joined[tc.pos] = bump(joined[tc.pos])
			_, err := Parse(string(joined))
			var cd *CheckDigitError
			require.ErrorAs(t, err, &cd)
			assert.Equal(t, tc.field, cd.Field)
			assert.ErrorIs(t, err, ErrCheckDigit)
		})
	}
}

// bump changes a digit to the next one.
func bump(c byte) byte {
	if c == '9' {
		return '0'
	}
	if c == '<' {
		return '1'
	}
	return c + 1
}

func TestParseTamperedFieldFailsComposite(t *testing.T) {
	// A changed birth date digit is caught by the field's check digit.
	joined := []byte(strings.ReplaceAll(specimenTD3, "\n", ""))
	joined[44+14] = '5'
	_, err := Parse(string(joined))
	assert.ErrorIs(t, err, ErrCheckDigit)
}

func TestParseLongDocumentNumberTD1(t *testing.T) {
	// A twelve-character number: nine characters in the number field, '<'
	// in its check digit position, the remaining three and the check digit
	// of the whole number at the start of the optional data.
	number := "D23145890734"
	digit, ok := CheckDigit(number)
	require.True(t, ok)
	line1 := "I<UTO" + number[:9] + "<" + number[9:] + string(digit)
	line1 += strings.Repeat("<", 30-len(line1))
	line2 := "7408122F1204159UTO<<<<<<<<<<<"
	composite, _ := CheckDigit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
	line2 += string(composite)
	line3 := "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"

	m, err := Parse(line1 + line2 + line3)
	require.NoError(t, err)
	assert.Equal(t, number, m.DocumentNumber)
	assert.Empty(t, m.OptionalData1)

	bad := []byte(line1 + line2 + line3)
	bad[17] = '5' // a character of the overflow
	_, err = Parse(string(bad))
	assert.ErrorIs(t, err, ErrCheckDigit)
}

func TestParseRejectsBadLayout(t *testing.T) {
	for _, in := range []string{"", "P<UTO", strings.Repeat("#", 88), strings.Repeat("<", 87) + "é"} {
		_, err := Parse(in)
		assert.ErrorIs(t, err, ErrFormat)
	}
}

func TestErrorsDoNotRevealData(t *testing.T) {
	joined := []byte(strings.ReplaceAll(specimenTD3, "\n", ""))
	joined[44+9] = '0'
	_, err := Parse(string(joined))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "L898902C3")
}
