package gateway_test

import (
	"net/http"
	"testing"

	"github.com/kycgate/kycgate/gateway/auth/devissuer"

	"github.com/kycgate/kycgate/kycmatch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullBody04 sends every 0.4 attribute with the values on record.
const fullBody04 = `{
 "phoneNumber": "+34629255833",
 "idDocument": "66666666Q", "idDocumentType": "passport", "idDocumentExpiryDate": "2027-07-12",
 "name": "Federica Sánchez Arjona", "givenName": "FEDERICA", "familyName": "Sanchez Arjona",
 "nameKanaHankaku": "フェデリカ・サンチェス", "nameKanaZenkaku": "ﾌｪﾃﾞﾘｶ ｻﾝﾁｪｽ",
 "middleNames": "Sanchez", "familyNameAtBirth": "Arjona",
 "address": "Calle de Nicolas Salmeron 4", "streetName": "Nicolás Salmerón", "streetNumber": "4",
 "postalCode": "28046", "region": "Madrid", "locality": "Madrid", "country": "es",
 "houseNumberExtension": "2b", "birthdate": "1978-08-22", "email": "Federica.Sanchez@example.com",
 "gender": "FEMALE", "cityOfBirth": "Madrid", "countryOfBirth": "ES", "nationality": "ES"
}`

func TestKYCMatchAllAttributesTrue(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.match(kycmatch.V04, e.token(matchScope), fullBody04)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	m := r.json(t)
	for _, a := range kycmatch.Attributes {
		assert.Equal(t, "true", m[a.Name+"Match"], a.Name)
		assert.NotContains(t, m, a.Name+"MatchScore", "no score with true")
	}
	assert.Len(t, m, len(kycmatch.Attributes))
}

func TestKYCMatchOnlySentAttributesWithScoresOnFalse(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.match(kycmatch.V04, e.token(matchScope), `{"phoneNumber":"+34629255833",
		"givenName":"Frederica","familyName":"Sanchez Arjona","birthdate":"1978-08-23","gender":"MALE"}`)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	m := r.json(t)
	assert.Equal(t, map[string]any{
		"givenNameMatch":      "false",
		"givenNameMatchScore": m["givenNameMatchScore"],
		"familyNameMatch":     "true",
		"birthdateMatch":      "false",
		"genderMatch":         "false",
	}, m, "only the attributes sent; scores only for scored attributes answered false")
	score, ok := m["givenNameMatchScore"].(float64)
	require.True(t, ok, "givenNameMatchScore must be an integer")
	assert.Equal(t, float64(89), score, "Jaro-Winkler of federica/frederica, rounded")
}

func TestKYCMatchNotAvailableWhenRecordLacksValue(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.match(kycmatch.V04, e.token(matchScope), `{"phoneNumber":"+34600000002","givenName":"Jose","familyName":"Muller","birthdate":"1990-01-01","email":"jose@example.com"}`)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.Equal(t, map[string]any{
		"givenNameMatch":  "true",
		"familyNameMatch": "true",
		"birthdateMatch":  "not_available",
		"emailMatch":      "not_available",
	}, r.json(t))
}

func TestKYCMatchVersion03(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.match(kycmatch.V03, e.token(matchScope), `{"phoneNumber":"+34629255833","idDocument":"66666666q","name":"Federica Sanchez Arjona","givenName":"Fede"}`)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	m := r.json(t)
	assert.Equal(t, "true", m["idDocumentMatch"])
	assert.Equal(t, "true", m["nameMatch"])
	assert.Equal(t, "false", m["givenNameMatch"])
	assert.Contains(t, m, "givenNameMatchScore")

	t.Run("0.4 attributes are unknown properties in 0.3", func(t *testing.T) {
		r := e.match(kycmatch.V03, e.token(matchScope), `{"phoneNumber":"+34629255833","nationality":"ES"}`)
		requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
	})
}

func TestKYCMatchBodyRules(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(matchScope)
	tests := []struct {
		name   string
		since  int // the first 0.x version whose schema knows the body's attributes
		body   string
		status int
		code   string
		field  string
	}{
		{"empty object", 3, `{}`, 400, "KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION", ""},
		{"only phone number", 3, `{"phoneNumber":"+34629255833"}`, 400, "KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION", ""},
		{"not an object", 3, `["givenName"]`, 400, "INVALID_ARGUMENT", ""},
		{"wrong type", 3, `{"phoneNumber":"+34629255833","givenName":5}`, 400, "INVALID_ARGUMENT", "givenName"},
		{"bad enum", 3, `{"phoneNumber":"+34629255833","gender":"UNKNOWN"}`, 400, "INVALID_ARGUMENT", "gender"},
		{"bad document type", 4, `{"phoneNumber":"+34629255833","idDocumentType":"visa"}`, 400, "INVALID_ARGUMENT", "idDocumentType"},
		{"bad date", 3, `{"phoneNumber":"+34629255833","birthdate":"1978-13-45"}`, 400, "INVALID_ARGUMENT", "birthdate"},
		{"bad expiry date", 4, `{"phoneNumber":"+34629255833","idDocumentExpiryDate":"12/07/2027"}`, 400, "INVALID_ARGUMENT", "idDocumentExpiryDate"},
		{"bad email", 3, `{"phoneNumber":"+34629255833","email":"not-an-email"}`, 400, "INVALID_ARGUMENT", "email"},
		{"phone without plus", 3, `{"phoneNumber":"34629255833","givenName":"Federica"}`, 400, "INVALID_ARGUMENT", "phoneNumber"},
		{"phone too short", 3, `{"phoneNumber":"+3462","givenName":"Federica"}`, 400, "INVALID_ARGUMENT", "phoneNumber"},
		{"phone leading zero", 3, `{"phoneNumber":"+0462925583","givenName":"Federica"}`, 400, "INVALID_ARGUMENT", "phoneNumber"},
		{"unknown property", 3, `{"phoneNumber":"+34629255833","shoeSize":"44"}`, 400, "INVALID_ARGUMENT", "shoeSize"},
		{"country alpha-3", 3, `{"phoneNumber":"+34629255833","country":"USA"}`, 400, "INVALID_ARGUMENT", "country"},
		{"country numeric", 3, `{"phoneNumber":"+34629255833","country":"34"}`, 400, "INVALID_ARGUMENT", "country"},
		{"country one letter", 4, `{"phoneNumber":"+34629255833","countryOfBirth":"S"}`, 400, "INVALID_ARGUMENT", "countryOfBirth"},
		{"country empty", 4, `{"phoneNumber":"+34629255833","nationality":""}`, 400, "INVALID_ARGUMENT", "nationality"},
		{"country not assigned", 4, `{"phoneNumber":"+34629255833","nationality":"QQ"}`, 400, "INVALID_ARGUMENT", "nationality"},
		{"country empty in country", 3, `{"phoneNumber":"+34629255833","country":""}`, 400, "INVALID_ARGUMENT", "country"},
		{"lower-case country accepted", 3, `{"phoneNumber":"+34629255833","country":"es"}`, 200, "", ""},
		{"lower-case nationality accepted", 4, `{"phoneNumber":"+34629255833","country":"es","nationality":"es"}`, 200, "", ""},
	}
	for _, tt := range tests {
		forVersionsSince(t, tt.since, tt.name, func(t *testing.T, v kycmatch.Version) {
			r := e.match(v, tok, tt.body)
			if tt.status == 200 {
				require.Equal(t, 200, r.status, "body: %s", r.body)
				return
			}
			requireError(t, r, tt.status, tt.code)
			if tt.field != "" {
				assert.Contains(t, r.json(t)["message"], tt.field, "the message names the field")
			}
		})
	}
}

// forVersionsSince runs fn as a subtest for every KYC Match version from
// 0.since on, so that each rule is checked against every official document
// whose schema the body fits.
func forVersionsSince(t *testing.T, since int, name string, fn func(t *testing.T, v kycmatch.Version)) {
	t.Helper()
	for _, v := range kycmatch.Versions {
		if v.Minor < since {
			continue
		}
		t.Run(v.String()+"/"+name, func(t *testing.T) { fn(t, v) })
	}
}

func TestKYCMatchErrorMessagesNeverEchoValues(t *testing.T) {
	e := newEnv(t, envOptions{})
	secret := "SECRETVALUE123"
	for _, body := range []string{
		`{"phoneNumber":"+34629255833","birthdate":"` + secret + `"}`,
		`{"phoneNumber":"+34629255833","email":"` + secret + `"}`,
		`{"phoneNumber":"+34629255833","gender":"` + secret + `"}`,
		`{"phoneNumber":"` + secret + `","givenName":"x"}`,
		`{"phoneNumber":"+34629255833","country":"` + secret + `"}`,
	} {
		for _, v := range kycmatch.Versions {
			r := e.match(v, e.token(matchScope), body)
			require.Equal(t, http.StatusBadRequest, r.status, "version %s", v)
			assert.NotContains(t, string(r.body), secret)
		}
	}
	assert.NotContains(t, e.logs.String(), secret, "values never reach the log")
}

func TestKYCMatchSubjectRules(t *testing.T) {
	e := newEnv(t, envOptions{})
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		code   string
	}{
		{"2-legged without phone number", e.token(matchScope), `{"givenName":"Federica"}`, 422, "MISSING_IDENTIFIER"},
		{"3-legged with a different phone number", e.token3(federica), `{"phoneNumber":"+34600000002","givenName":"Federica"}`, 403, "INVALID_TOKEN_CONTEXT"},
		{"3-legged with the same phone number", e.token3(federica), `{"phoneNumber":"+34629255833","givenName":"Federica"}`, 200, ""},
		{"3-legged without phone number", e.token3(federica), `{"givenName":"Federica"}`, 200, ""},
		{"3-legged from phone_number claim", e.mint(devClaims3(federica)), `{"givenName":"Federica"}`, 200, ""},
	}
	for _, tt := range tests {
		forVersionsSince(t, 3, tt.name, func(t *testing.T, v kycmatch.Version) {
			r := e.match(v, tt.token, tt.body)
			if tt.status == 200 {
				require.Equal(t, 200, r.status, "body: %s", r.body)
				assert.Equal(t, "true", r.json(t)["givenNameMatch"])
				return
			}
			requireError(t, r, tt.status, tt.code)
		})
	}
}

func TestKYCMatchOperatorAnswers(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(matchScope)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"unknown subscriber", `{"phoneNumber":"` + unknownES + `","givenName":"X"}`, 404, "IDENTIFIER_NOT_FOUND"},
		{"no operator for the number", `{"phoneNumber":"` + unroutedJP + `","givenName":"X"}`, 404, "IDENTIFIER_NOT_FOUND"},
		{"IoT line", `{"phoneNumber":"` + iotLine + `","givenName":"Sensor"}`, 422, "SERVICE_NOT_APPLICABLE"},
		{"idDocument required and absent", `{"phoneNumber":"` + oliverUK + `","givenName":"Oliver"}`, 403, "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED"},
		{"idDocument required and different", `{"phoneNumber":"` + oliverUK + `","idDocument":"ZZ999999","givenName":"Oliver"}`, 403, "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH"},
	}
	for _, tt := range tests {
		forVersionsSince(t, 3, tt.name, func(t *testing.T, v kycmatch.Version) {
			requireError(t, e.match(v, tok, tt.body), tt.status, tt.code)
		})
	}
	forVersionsSince(t, 3, "idDocument required and equal", func(t *testing.T, v kycmatch.Version) {
		r := e.match(v, tok, `{"phoneNumber":"`+oliverUK+`","idDocument":"ab 123456","givenName":"Olivia","familyName":"Smith"}`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		m := r.json(t)
		assert.Equal(t, "true", m["idDocumentMatch"])
		assert.Equal(t, "false", m["givenNameMatch"])
		assert.Equal(t, "true", m["familyNameMatch"])
	})
	// The corner case of the API description: an operator that requires
	// idDocument still answers a request whose only attribute is
	// idDocument, matching it like any other attribute.
	for _, tt := range []struct{ name, document, want string }{
		{"idDocument required, the only attribute and different", "ZZ999999", "false"},
		{"idDocument required, the only attribute and equal", "AB123456", "true"},
	} {
		forVersionsSince(t, 3, tt.name, func(t *testing.T, v kycmatch.Version) {
			r := e.match(v, tok, `{"phoneNumber":"`+oliverUK+`","idDocument":"`+tt.document+`"}`)
			require.Equal(t, 200, r.status, "body: %s", r.body)
			assert.Equal(t, map[string]any{"idDocumentMatch": tt.want}, r.json(t))
		})
	}
	forVersionsSince(t, 3, "never UNNECESSARY_IDENTIFIER", func(t *testing.T, v kycmatch.Version) {
		r := e.match(v, e.token3(federica), `{"phoneNumber":"+34629255833","givenName":"Federica"}`)
		require.Equal(t, 200, r.status)
	})
}

func TestKYCMatchScoreRangePerVersion(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(matchScope)
	// A long address missing its last character: Jaro-Winkler rounds to
	// 100, which 0.3 allows with "false" and 0.4 clamps to 99.
	body := `{"phoneNumber":"+34600000002","address":"Avenida de la Constitucion de mil ochocientos doce 12"}`
	for _, tt := range []struct {
		v    kycmatch.Version
		want float64
	}{{kycmatch.V03, 100}, {kycmatch.V04, 99}} {
		r := e.match(tt.v, tok, body)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		m := r.json(t)
		assert.Equal(t, "false", m["addressMatch"])
		assert.Equal(t, tt.want, m["addressMatchScore"], "version %s", tt.v)
	}
}

func TestKYCMatchLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.match(kycmatch.V04, e.token(matchScope), fullBody04)
	e.match(kycmatch.V04, e.token(matchScope), `{"phoneNumber":"+34699999999","givenName":"Federica"}`)
	logs := e.logs.String()
	require.Contains(t, logs, `"route":"/kyc-match/v0.4/match"`, "the access log is written")
	for _, pii := range []string{"629255833", "699999999", "Federica", "Sanchez", "66666666", "1978-08-22", "example.com"} {
		assert.NotContains(t, logs, pii)
	}
}

func devClaims3(phone string) devissuer.Claims {
	return devissuer.Claims{Scope: dpvScope, Extra: map[string]any{"phone_number": phone}}
}
