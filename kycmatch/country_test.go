package kycmatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"
)

func TestAssignedCountriesAreCountriesForXText(t *testing.T) {
	// Guards the hand-written list against typos: every code must be a
	// country for the CLDR data of golang.org/x/text.
	for code := range assignedCountries {
		r, err := language.ParseRegion(code)
		if assert.NoError(t, err, code) {
			assert.True(t, r.IsCountry(), code)
			assert.Equal(t, code, r.String(), code)
		}
	}
}

func TestCanonicalCountry(t *testing.T) {
	tests := []struct{ in, want string }{
		{"es", "ES"},
		{" ES ", "ES"},
		{"ESP", "ES"},
		{"724", "ES"},
		{"uk", "GB"},
		{"GBR", "GB"},
		{"Narnia", "NARNIA"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, canonicalCountry(tt.in), tt.in)
	}
}
