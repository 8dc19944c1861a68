package profiles

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeDocument(t *testing.T) {
	tests := []struct {
		name string
		in   DocumentIdentity
		want string
	}{
		{"canonical", DocumentIdentity{"US", "DRIVING-LICENSE", "1234567890"}, "US|DRIVING-LICENSE|1234567890"},
		{"lower case and spaces", DocumentIdentity{" us ", "driving license", "12 345 678 90"}, "US|DRIVING-LICENSE|1234567890"},
		{"alpha-3 and synonym", DocumentIdentity{"USA", "drivers_license", "1234-5678.90"}, "US|DRIVING-LICENSE|1234567890"},
		{"British spelling", DocumentIdentity{"GBR", "Driving Licence", "ab123"}, "GB|DRIVING-LICENSE|AB123"},
		{"MRZ Germany and passport code", DocumentIdentity{"D<<", "P<", "C01X00T47<"}, "DE|PASSPORT|C01X00T47"},
		{"MRZ identity card code", DocumentIdentity{"UTO", "ID", "L898902C3"}, "UT|NATIONAL-ID|L898902C3"},
		{"MRZ card code A", DocumentIdentity{"FRA", "AC", "X4RTBPFW4"}, "FR|NATIONAL-ID|X4RTBPFW4"},
		{"national id card", DocumentIdentity{"ES", "national_id_card", "99999999R"}, "ES|NATIONAL-ID|99999999R"},
		{"residence permit", DocumentIdentity{"it", "Residence Permit", "ry/123"}, "IT|RESIDENCE-PERMIT|RY123"},
		{"visa code", DocumentIdentity{"CAN", "V", "123"}, "CA|VISA|123"},
		{"apostrophe", DocumentIdentity{"US", "driver's license", "9"}, "US|DRIVING-LICENSE|9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ProfileIDOf(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestNormalizeDocumentRefusesWithoutRepeatingValues(t *testing.T) {
	tests := []struct {
		name string
		in   DocumentIdentity
		part string
	}{
		{"empty country", DocumentIdentity{"", "passport", "SECRET123"}, "country"},
		{"unknown alpha-3", DocumentIdentity{"XYZ", "passport", "SECRET123"}, "country"},
		{"digits in country", DocumentIdentity{"U1", "passport", "SECRET123"}, "country"},
		{"unknown type", DocumentIdentity{"US", "library card", "SECRET123"}, "type"},
		{"empty type", DocumentIdentity{"US", "", "SECRET123"}, "type"},
		{"pipe in number", DocumentIdentity{"US", "passport", "SECRET|123"}, "number"},
		{"accent in number", DocumentIdentity{"US", "passport", "SECRÉT123"}, "number"},
		{"only separators", DocumentIdentity{"US", "passport", " - . "}, "number"},
		{"too long", DocumentIdentity{"US", "passport", "SECRET12345678901234567890123456789012345"}, "number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NormalizeDocument(tc.in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidDocument))
			assert.Contains(t, err.Error(), tc.part)
			assert.NotContains(t, err.Error(), "SECRET")
		})
	}
}

func TestParseProfileID(t *testing.T) {
	got, err := ParseProfileID("us|driving license|12 345")
	require.NoError(t, err)
	assert.Equal(t, "US|DRIVING-LICENSE|12345", got)
	for _, bad := range []string{"", "US|PASSPORT", "US|PASSPORT|1|2", "US||1", "|PASSPORT|1"} {
		_, err := ParseProfileID(bad)
		assert.ErrorIs(t, err, ErrInvalidDocument, "%q", bad)
	}
}

func TestDocumentIdentityNeverPrintsTheNumber(t *testing.T) {
	d := DocumentIdentity{Country: "US", Type: "PASSPORT", Number: "SECRET123"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, d)
		assert.NotContains(t, out, "SECRET", verb)
		assert.Contains(t, out, "PASSPORT", verb)
	}
}

func TestMerits(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		nfc   bool
		want  []string
	}{
		{"none", nil, false, []string{}},
		{"biometric steps earn one merit", []string{"selfie", "liveness", "re-facematch"}, false, []string{MeritBiometric}},
		{"facematch earns document verification", []string{"facematch", "selfie"}, false, []string{MeritDocument, MeritBiometric}},
		{"authentic NFC", nil, true, []string{MeritNFCDocument}},
		{"documented order", []string{"watchlists", "email-check", "phone-check", "document-verification"}, true,
			[]string{MeritDocument, MeritNFCDocument, MeritEmail, MeritPhone, MeritAntiMoneyLaun}},
		{"unknown steps earn nothing", []string{"dance"}, false, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Merits(tc.steps, tc.nfc))
		})
	}
	assert.Equal(t, []string{MeritDocument, MeritEmail}, mergeMerits([]string{MeritEmail}, []string{MeritDocument, MeritEmail}))
}
