package kycmatch

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
)

// record builds a subscriber holding the given attributes.
func record(attrs map[string]string) Subscriber {
	return Subscriber{PhoneNumber: "+34629255833", LineType: LineMobile, Attributes: attrs}
}

// request builds a request sending the given attributes.
func request(values map[string]string) Request {
	return Request{PhoneNumber: "+34629255833", Values: values}
}

var (
	matched      = Outcome{Result: True}
	unmatched    = Outcome{Result: False}
	notAvailable = Outcome{Result: NotAvailable}
)

func scored(score int) Outcome { return Outcome{Result: False, Score: score, HasScore: true} }

// matchCase is one attribute sent against one stored record.
type matchCase struct {
	name   string
	attr   string
	sent   string
	stored map[string]string
	want   Outcome
}

func runMatchCases(t *testing.T, v Version, tests []matchCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := Match(v, request(map[string]string{tt.attr: tt.sent}), record(tt.stored), Policy{})
			require.NoError(t, err)
			assert.Equal(t, Response{tt.attr: tt.want}, resp)
		})
	}
}

func TestMatchExactAttributes(t *testing.T) {
	runMatchCases(t, V04, []matchCase{
		{"idDocument equal", "idDocument", "66666666q", map[string]string{"idDocument": "66666666q"}, matched},
		{"idDocument ignores case and separators", "idDocument", "66.666.666-Q", map[string]string{"idDocument": "66666666q"}, matched},
		{"idDocument full-width digits", "idDocument", "６６６６６６６６Q", map[string]string{"idDocument": "66666666q"}, matched},
		{"idDocument different, never scored", "idDocument", "66666667q", map[string]string{"idDocument": "66666666q"}, unmatched},
		{"idDocument only separators", "idDocument", "--", map[string]string{"idDocument": "66666666q"}, unmatched},
		{"idDocument not stored", "idDocument", "66666666q", map[string]string{}, notAvailable},
		{"idDocument stored blank", "idDocument", "66666666q", map[string]string{"idDocument": "  "}, notAvailable},
		{"postalCode ignores spaces", "postalCode", "28 001", map[string]string{"postalCode": "28001"}, matched},
		{"postalCode ignores hyphen", "postalCode", "102-8460", map[string]string{"postalCode": "1028460"}, matched},
		{"postalCode case-insensitive", "postalCode", "sw1a 1aa", map[string]string{"postalCode": "SW1A 1AA"}, matched},
		{"postalCode different", "postalCode", "28002", map[string]string{"postalCode": "28001"}, unmatched},
		{"houseNumberExtension slash and case", "houseNumberExtension", "3/b", map[string]string{"houseNumberExtension": "3B"}, matched},
		{"houseNumberExtension different", "houseNumberExtension", "3A", map[string]string{"houseNumberExtension": "3B"}, unmatched},
	})
}

func TestMatchDates(t *testing.T) {
	runMatchCases(t, V04, []matchCase{
		{"birthdate equal", "birthdate", "1978-08-22", map[string]string{"birthdate": "1978-08-22"}, matched},
		{"birthdate stored as timestamp", "birthdate", "1978-08-22", map[string]string{"birthdate": "1978-08-22T00:00:00Z"}, matched},
		{"birthdate different", "birthdate", "1978-08-23", map[string]string{"birthdate": "1978-08-22"}, unmatched},
		{"birthdate sent malformed", "birthdate", "22/08/1978", map[string]string{"birthdate": "1978-08-22"}, unmatched},
		{"birthdate stored malformed", "birthdate", "1978-08-22", map[string]string{"birthdate": "sometime in 1978"}, notAvailable},
		{"birthdate stored timestamp malformed", "birthdate", "1978-08-22", map[string]string{"birthdate": "1978-08-22Tnoon"}, notAvailable},
		{"birthdate not stored", "birthdate", "1978-08-22", map[string]string{}, notAvailable},
		{"idDocumentExpiryDate equal", "idDocumentExpiryDate", "2027-07-12", map[string]string{"idDocumentExpiryDate": "2027-07-12"}, matched},
		{"idDocumentExpiryDate different", "idDocumentExpiryDate", "2027-07-13", map[string]string{"idDocumentExpiryDate": "2027-07-12"}, unmatched},
	})
}

func TestMatchCountriesAndKeywords(t *testing.T) {
	runMatchCases(t, V04, []matchCase{
		{"country case-insensitive", "country", "es", map[string]string{"country": "ES"}, matched},
		{"country stored as alpha-3", "country", "ES", map[string]string{"country": "ESP"}, matched},
		{"country stored as UK", "country", "GB", map[string]string{"country": "UK"}, matched},
		{"country different", "country", "FR", map[string]string{"country": "ES"}, unmatched},
		{"countryOfBirth equal", "countryOfBirth", "ES", map[string]string{"countryOfBirth": "es"}, matched},
		{"nationality different, never scored", "nationality", "PT", map[string]string{"nationality": "ES"}, unmatched},
		{"nationality not stored", "nationality", "PT", map[string]string{}, notAvailable},
		{"gender case-insensitive", "gender", "female", map[string]string{"gender": "FEMALE"}, matched},
		{"gender different", "gender", "OTHER", map[string]string{"gender": "FEMALE"}, unmatched},
		{"idDocumentType equal", "idDocumentType", "passport", map[string]string{"idDocumentType": "PASSPORT"}, matched},
		{"idDocumentType different", "idDocumentType", "passport", map[string]string{"idDocumentType": "national_id_card"}, unmatched},
	})
}

func TestMatchFuzzyAttributes(t *testing.T) {
	runMatchCases(t, V04, []matchCase{
		{"givenName equal", "givenName", "Federica", map[string]string{"givenName": "Federica"}, matched},
		{"givenName accents and case", "givenName", "JOSÉ MARÍA", map[string]string{"givenName": "José María"}, matched},
		{"givenName full-width", "givenName", "Ｆｅｄｅｒｉｃａ", map[string]string{"givenName": "Federica"}, matched},
		{"givenName different is scored", "givenName", "Frederica", map[string]string{"givenName": "Federica"}, scored(89)},
		{"givenName with nothing to compare", "givenName", "-", map[string]string{"givenName": "Federica"}, unmatched},
		{"givenName stored as punctuation only", "givenName", "Federica", map[string]string{"givenName": "?"}, notAvailable},
		{"familyName compound with hyphen", "familyName", "Sanchez-Arjona", map[string]string{"familyName": "Sánchez Arjona"}, matched},
		{"familyName sharp s", "familyName", "Strauss", map[string]string{"familyName": "Strauß"}, matched},
		{"familyName different", "familyName", "Sanches", map[string]string{"familyName": "Sanchez"}, scored(94)},
		{"middleNames equal", "middleNames", "Maria", map[string]string{"middleNames": "María"}, matched},
		{"familyNameAtBirth not stored", "familyNameAtBirth", "Arjona", map[string]string{}, notAvailable},
		{"streetName equal", "streetName", "Nicolás Salmerón", map[string]string{"streetName": "Nicolas Salmeron"}, matched},
		{"streetNumber equal", "streetNumber", "4", map[string]string{"streetNumber": "4"}, matched},
		{"region equal", "region", "tokyo", map[string]string{"region": "Tokyo"}, matched},
		{"locality equal", "locality", "Chiyoda-ku", map[string]string{"locality": "Chiyoda ku"}, matched},
		{"cityOfBirth different", "cityOfBirth", "Madrd", map[string]string{"cityOfBirth": "Madrid"}, scored(97)},
	})
}

func TestMatchKana(t *testing.T) {
	runMatchCases(t, V04, []matchCase{
		{"hankaku sent, zenkaku stored", "nameKanaHankaku", "ﾔﾏﾀﾞ ﾀﾛｳ", map[string]string{"nameKanaHankaku": "ヤマダ タロウ"}, matched},
		{"zenkaku sent, hankaku stored", "nameKanaZenkaku", "ヤマダ　タロウ", map[string]string{"nameKanaZenkaku": "ﾔﾏﾀﾞ ﾀﾛｳ"}, matched},
		{"voiced mark matters", "nameKanaZenkaku", "ヤマタ タロウ", map[string]string{"nameKanaZenkaku": "ヤマダ タロウ"}, scored(91)},
		{"latin in a kana field", "nameKanaHankaku", "federica", map[string]string{"nameKanaHankaku": "Ｆｅｄｅｒｉｃａ"}, matched},
		{"not stored", "nameKanaHankaku", "ﾔﾏﾀﾞ", map[string]string{}, notAvailable},
	})
}

func TestMatchEmail(t *testing.T) {
	stored := map[string]string{"email": "abc@example.com"}
	for _, v := range Versions {
		t.Run(v.String(), func(t *testing.T) {
			runMatchCases(t, v, []matchCase{
				{"equal", "email", "abc@example.com", stored, matched},
				{"case-insensitive local part and domain", "email", "ABC@Example.COM", stored, matched},
				// Equal normalised forms answer true, never false with the
				// score of identical values.
				{"dot in local part", "email", "a.bc@example.com", stored, matched},
				{"separators in the domain", "email", "abc@example-com", stored, matched},
				{"different local part is scored", "email", "abd@example.com", stored, scored(96)},
				{"the '@' still separates the parts", "email", "ab@cexample.com", stored, scored(98)},
				{"nothing left once normalised", "email", ".@.", stored, unmatched},
				{"not stored", "email", "abc@example.com", map[string]string{}, notAvailable},
			})
		})
	}
}

// TestMatchEmailNeverFalseAtMaximum checks the rule across address pairs
// that differ only in case and separators, and pairs that differ in a
// letter: the first answer true, the second false with a score below the
// version's maximum.
func TestMatchEmailNeverFalseAtMaximum(t *testing.T) {
	stored := "federica.sanchez@example.com"
	for _, v := range Versions {
		for _, sent := range []string{"federicasanchez@example.com", "Federica.Sanchez@EXAMPLE.com", "federica_sanchez@example.com", "f.e.d.e.r.i.c.a.sanchez@example.com"} {
			resp, err := Match(v, request(map[string]string{"email": sent}), record(map[string]string{"email": stored}), Policy{})
			require.NoError(t, err)
			assert.Equal(t, matched, resp["email"], "%s %s", v, sent)
		}
		for _, sent := range []string{"federica.sanches@example.com", "federica.sanchez@example.org", "federica.sanchez@exemple.com"} {
			resp, err := Match(v, request(map[string]string{"email": sent}), record(map[string]string{"email": stored}), Policy{})
			require.NoError(t, err)
			got := resp["email"]
			assert.Equal(t, False, got.Result, "%s %s", v, sent)
			assert.True(t, got.HasScore)
			assert.Less(t, got.Score, v.MaxScore, "%s %s: a false answer below the maximum", v, sent)
		}
	}
}

func TestMatchComposedName(t *testing.T) {
	parts := func(country, given, middle, family string) map[string]string {
		return map[string]string{"country": country, "givenName": given, "middleNames": middle, "familyName": family}
	}
	runMatchCases(t, V04, []matchCase{
		{"given first in Spain", "name", "Federica Sanchez Arjona", parts("ES", "Federica", "", "Sánchez Arjona"), matched},
		{"given first without country", "name", "Federica Sanchez Arjona", parts("", "Federica", "", "Sánchez Arjona"), matched},
		{"family first sent in Spain", "name", "Sanchez Arjona Federica", parts("ES", "Federica", "", "Sánchez Arjona"), scored(72)},
		{"middle names included", "name", "John Ronald Reuel Tolkien", parts("GB", "John", "Ronald Reuel", "Tolkien"), matched},
		{"middle names left out", "name", "John Tolkien", parts("GB", "John", "Ronald Reuel", "Tolkien"), matched},
		{"family first in Japan", "name", "Yamada Taro", parts("JP", "Taro", "", "Yamada"), matched},
		{"given first sent in Japan", "name", "Taro Yamada", parts("JP", "Taro", "", "Yamada"), scored(66)},
		{"family first in Japan, kanji", "name", "山田 太郎", parts("jp", "太郎", "", "山田"), matched},
		{"family middle given in Vietnam", "name", "Nguyễn Văn An", parts("VN", "An", "Văn", "Nguyễn"), matched},
		{"Hungarian order", "name", "Kovács János Péter", parts("HU", "János", "Péter", "Kovács"), matched},
		{"family name missing", "name", "Federica Sanchez", parts("ES", "Federica", "", ""), notAvailable},
		{"no name at all", "name", "Federica Sanchez", map[string]string{"country": "ES"}, notAvailable},
		{"stored full name wins over parts", "name", "Federica Sanchez Arjona",
			map[string]string{"name": "Federica Sanchez", "givenName": "Federica", "familyName": "Sanchez Arjona"}, scored(94)},
		{"stored full name", "name", "federica sánchez arjona", map[string]string{"name": "Federica Sanchez Arjona"}, matched},
	})
}

func TestMatchComposedAddress(t *testing.T) {
	street := func(country, name, number, ext string) map[string]string {
		return map[string]string{"country": country, "streetName": name, "streetNumber": number, "houseNumberExtension": ext}
	}
	japan := map[string]string{"country": "JP", "region": "Tokyo-to", "locality": "Chiyoda-ku", "streetName": "Iidabashi", "streetNumber": "3-10-10"}
	runMatchCases(t, V04, []matchCase{
		{"street name first in Spain", "address", "Nicolás Salmerón 4", street("ES", "Nicolas Salmeron", "4", ""), matched},
		{"street name first by default", "address", "Nicolas Salmeron 4", street("", "Nicolas Salmeron", "4", ""), matched},
		{"extension included in the Netherlands", "address", "Keizersgracht 123 A", street("NL", "Keizersgracht", "123", "A"), matched},
		{"extension left out in the Netherlands", "address", "Keizersgracht 123", street("NL", "Keizersgracht", "123", "A"), matched},
		{"street number first in the US", "address", "1600 Pennsylvania Avenue", street("US", "Pennsylvania Avenue", "1600", ""), matched},
		{"street number first in France", "address", "55 rue du Faubourg Saint-Honoré", street("FR", "rue du Faubourg Saint-Honoré", "55", ""), matched},
		{"wrong order for the US", "address", "Pennsylvania Avenue 1600", street("US", "Pennsylvania Avenue", "1600", ""), scored(88)},
		{"Japan, as in the API example", "address", "Tokyo-to Chiyoda-ku Iidabashi 3-10-10", japan, matched},
		{"Japan without region and locality", "address", "Iidabashi 3-10-10", japan, scored(53)},
		{"street number missing", "address", "Calle Mayor", street("ES", "Calle Mayor", "", ""), notAvailable},
		{"stored full address", "address", "Calle Mayor, 4", map[string]string{"address": "Calle Mayor 4", "country": "ES"}, matched},
	})
}

func TestMatchPartsAreNotComposed(t *testing.T) {
	// A part is matched against the stored part only, never cut out of a
	// stored complete value.
	runMatchCases(t, V04, []matchCase{
		{"givenName against full name only", "givenName", "Federica", map[string]string{"name": "Federica Sanchez"}, notAvailable},
		{"streetName against full address only", "streetName", "Calle Mayor", map[string]string{"address": "Calle Mayor 4"}, notAvailable},
	})
}

func TestMatchAnswersExactlyTheSentAttributes(t *testing.T) {
	rec := record(map[string]string{"givenName": "Federica", "familyName": "Sanchez", "birthdate": "1978-08-22", "cityOfBirth": "Madrid"})
	resp, err := Match(V04, request(map[string]string{"givenName": "Federica", "email": "abc@example.com"}), rec, Policy{})
	require.NoError(t, err)
	assert.Equal(t, Response{"givenName": matched, "email": notAvailable}, resp)
}

func TestMatchVersion03IgnoresLaterAttributes(t *testing.T) {
	rec := record(map[string]string{"givenName": "Federica", "cityOfBirth": "Madrid", "nationality": "ES"})
	req := request(map[string]string{"givenName": "Federica", "cityOfBirth": "Madrid", "nationality": "ES", "idDocumentType": "passport"})

	resp03, err := Match(V03, req, rec, Policy{})
	require.NoError(t, err)
	assert.Equal(t, Response{"givenName": matched}, resp03)

	resp04, err := Match(V04, req, rec, Policy{})
	require.NoError(t, err)
	assert.Equal(t, Response{"givenName": matched, "cityOfBirth": matched, "nationality": matched, "idDocumentType": notAvailable}, resp04)
}

func TestMatchScoreRangeFollowsTheVersion(t *testing.T) {
	// Two long names that differ in their last letter are 99.6% similar:
	// the score rounds to 100, which version 0.3 allows and 0.4 does not.
	stored := strings.Repeat("abcdefghij", 10)
	sent := stored[:len(stored)-1] + "z"
	rec := record(map[string]string{"familyName": stored})
	req := request(map[string]string{"familyName": sent})

	resp03, err := Match(V03, req, rec, Policy{})
	require.NoError(t, err)
	assert.Equal(t, scored(100), resp03["familyName"])

	resp04, err := Match(V04, req, rec, Policy{})
	require.NoError(t, err)
	assert.Equal(t, scored(99), resp04["familyName"])
}

func TestMatchScoresAreTheSameInBothVersions(t *testing.T) {
	rec := record(map[string]string{"givenName": "Federica", "email": "abc@example.com"})
	req := request(map[string]string{"givenName": "Frederica", "email": "abd@example.com"})
	for _, v := range Versions {
		resp, err := Match(v, req, rec, Policy{})
		require.NoError(t, err)
		assert.Equal(t, Response{"givenName": scored(89), "email": scored(96)}, resp, v.String())
	}
}

func TestMatchRequiredIDDocument(t *testing.T) {
	stored := record(map[string]string{"idDocument": "66666666q", "givenName": "Federica"})
	withoutDocument := record(map[string]string{"givenName": "Federica"})
	required := Policy{RequireIDDocument: true}
	tests := []struct {
		name    string
		values  map[string]string
		rec     Subscriber
		policy  Policy
		wantErr *camara.Error
		want    Response
	}{
		{"absent", map[string]string{"givenName": "Federica"}, stored, required, camara.ErrIDDocumentRequired, nil},
		{"blank", map[string]string{"idDocument": " ", "givenName": "Federica"}, stored, required, camara.ErrIDDocumentRequired, nil},
		{"different", map[string]string{"idDocument": "12345678Z", "givenName": "Federica"}, stored, required, camara.ErrIDDocumentMismatch, nil},
		{"not stored", map[string]string{"idDocument": "66666666q", "givenName": "Federica"}, withoutDocument, required, camara.ErrIDDocumentMismatch, nil},
		{"checked before other attributes", map[string]string{"idDocument": "12345678Z", "givenName": "Frederica"}, stored, required, camara.ErrIDDocumentMismatch, nil},
		{"equal in canonical form", map[string]string{"idDocument": "66666666-Q", "givenName": "Frederica"}, stored, required, nil,
			Response{"idDocument": matched, "givenName": scored(89)}},
		// The corner case of the API description: idDocument alone is
		// matched like any other attribute.
		{"only idDocument, different", map[string]string{"idDocument": "12345678Z"}, stored, required, nil,
			Response{"idDocument": unmatched}},
		{"only idDocument, equal", map[string]string{"idDocument": "66666666q"}, stored, required, nil,
			Response{"idDocument": matched}},
		{"only idDocument, not stored", map[string]string{"idDocument": "66666666q"}, withoutDocument, required, nil,
			Response{"idDocument": notAvailable}},
		{"only idDocument with the phone number in the body", map[string]string{"phoneNumber": "+34629255833", "idDocument": "12345678Z"}, stored, required, nil,
			Response{"idDocument": unmatched}},
		{"not required: absent is fine", map[string]string{"givenName": "Federica"}, stored, Policy{}, nil,
			Response{"givenName": matched}},
		{"not required: different is false", map[string]string{"idDocument": "12345678Z", "givenName": "Federica"}, stored, Policy{}, nil,
			Response{"idDocument": unmatched, "givenName": matched}},
	}
	for _, tt := range tests {
		for _, v := range Versions {
			t.Run(v.String()+"/"+tt.name, func(t *testing.T) {
				resp, err := Match(v, request(tt.values), tt.rec, tt.policy)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					assert.Nil(t, resp)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, resp)
			})
		}
	}
}

func TestMatchErrorIsUntypedNilOnSuccess(t *testing.T) {
	_, err := Match(V04, request(map[string]string{"idDocument": "66666666q", "givenName": "F"}),
		record(map[string]string{"idDocument": "66666666q"}), Policy{RequireIDDocument: true})
	assert.True(t, err == nil, "a nil *camara.Error must not be returned as a non-nil error")
}
