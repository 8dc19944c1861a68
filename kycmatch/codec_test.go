package kycmatch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
)

func TestDecodeRequest(t *testing.T) {
	phone, req, err := DecodeRequest(V04, []byte(`{"phoneNumber":"+34629255833","givenName":"Federica","nationality":"ES"}`))
	require.Nil(t, err)
	assert.Equal(t, "+34629255833", phone)
	assert.Equal(t, Request{PhoneNumber: "+34629255833", Values: map[string]string{"givenName": "Federica", "nationality": "ES"}}, req)
}

func TestDecodeRequestWithoutAttributes(t *testing.T) {
	for _, body := range []string{`{}`, ` { } `, `{"phoneNumber":"+34629255833"}`} {
		_, req, err := DecodeRequest(V04, []byte(body))
		require.Nil(t, err, body)
		assert.NotNil(t, req.Values, body)
		assert.Empty(t, req.Values, body)
		assert.ErrorIs(t, ValidateRequest(V04, req), camara.ErrInvalidParamCombo, body)
	}
}

func TestDecodeRequestRefusals(t *testing.T) {
	tests := []struct {
		name     string
		v        Version
		body     string
		wantText string
	}{
		{"empty body", V04, ``, "JSON object"},
		{"null", V04, `null`, "JSON object"},
		{"array", V04, `[{"givenName":"Federica"}]`, "JSON object"},
		{"string", V04, `"Federica"`, "JSON object"},
		{"truncated", V04, `{"givenName":"Federica"`, "JSON object"},
		{"trailing data", V04, `{"givenName":"Federica"} {}`, "JSON object"},
		{"number value", V04, `{"streetNumber":4}`, "streetNumber"},
		{"null value", V04, `{"givenName":null}`, "givenName"},
		{"object value", V04, `{"givenName":{"first":"Federica"}}`, "givenName"},
		{"array value", V04, `{"givenName":["Federica"]}`, "givenName"},
		{"boolean phoneNumber", V04, `{"phoneNumber":true,"givenName":"Federica"}`, "phoneNumber"},
		{"unknown property", V04, `{"givenName":"Federica","shoeSize":"42"}`, "shoeSize"},
		{"0.4 property in 0.3", V03, `{"givenName":"Federica","cityOfBirth":"Madrid"}`, "cityOfBirth"},
		{"repeated attribute", V04, `{"givenName":"Federica","givenName":"Maria"}`, "givenName"},
		{"repeated phoneNumber", V04, `{"phoneNumber":"+34629255833","phoneNumber":"+34600000000"}`, "phoneNumber"},
		{"odd property name", V04, `{"Federica 66666666q":"x"}`, "property"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phone, req, err := DecodeRequest(tt.v, []byte(tt.body))
			require.NotNil(t, err)
			assert.ErrorIs(t, err, camara.ErrInvalidArgument)
			assert.Contains(t, err.Message, tt.wantText)
			for _, secret := range []string{"Federica", "Maria", "Madrid", "66666666q", "+34"} {
				assert.NotContains(t, err.Message, secret)
			}
			assert.Empty(t, phone)
			assert.Nil(t, req.Values)
		})
	}
}

func TestEncodeRequestRoundTrip(t *testing.T) {
	req := Request{PhoneNumber: "+34629255833", Values: map[string]string{}}
	for i, a := range Attributes {
		req.Values[a.Name] = "value " + a.Name + string(rune('a'+i))
	}
	req.Values["familyName"] = "O\"Brien \\ \n\t\u0001 \u2028 Sánchez ﾀﾞ"
	for _, v := range Versions {
		t.Run(v.String(), func(t *testing.T) {
			body, err := EncodeRequest(v, req)
			require.NoError(t, err)
			require.True(t, json.Valid(body), string(body))

			phone, got, derr := DecodeRequest(v, body)
			require.Nil(t, derr)
			assert.Equal(t, req.PhoneNumber, phone)
			want := map[string]string{}
			for _, a := range Attributes {
				if v.Has(a) {
					want[a.Name] = req.Values[a.Name]
				}
			}
			assert.Equal(t, want, got.Values)
		})
	}
}

func TestEncodeRequestOrderAndShape(t *testing.T) {
	req := Request{PhoneNumber: "+34629255833", Values: map[string]string{
		"nationality": "ES", "givenName": "Federica", "idDocument": "66666666q",
	}}
	body, err := EncodeRequest(V04, req)
	require.NoError(t, err)
	assert.Equal(t, `{"phoneNumber":"+34629255833","idDocument":"66666666q","givenName":"Federica","nationality":"ES"}`, string(body))

	body, err = EncodeRequest(V03, req)
	require.NoError(t, err)
	assert.Equal(t, `{"phoneNumber":"+34629255833","idDocument":"66666666q","givenName":"Federica"}`, string(body))

	body, err = EncodeRequest(V04, Request{Values: map[string]string{"givenName": "Federica"}})
	require.NoError(t, err)
	assert.Equal(t, `{"givenName":"Federica"}`, string(body))
}

func TestEncodeRequestErrors(t *testing.T) {
	_, err := EncodeRequest(V04, Request{Values: map[string]string{"shoeSize": "42"}})
	assert.ErrorContains(t, err, "shoeSize")

	_, err = EncodeRequest(V04, Request{Values: map[string]string{"givenName": "Fede\xffrica"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "givenName")
	assert.NotContains(t, err.Error(), "Fede")

	_, err = EncodeRequest(V04, Request{PhoneNumber: "+34\xff", Values: map[string]string{"givenName": "F"}})
	assert.Error(t, err)
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted"`, `back\slash`, "ctl\x00\x01\x1f\x7f", "line\nfeed\r\ttab", "ünï©ødé ﾀﾞ 山田", "\u2028\u2029", "bad\xffutf8"} {
		got := appendJSONString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), string(got))
		assert.Equal(t, strings.ToValidUTF8(s, "\uFFFD"), back)
	}
}

func TestAppendResponseJSON(t *testing.T) {
	resp := Response{
		"nationality": {Result: True},
		"givenName":   {Result: False, Score: 89, HasScore: true},
		"familyName":  {Result: False},
		"email":       {Result: False, Score: 100, HasScore: true},
		"postalCode":  {Result: False, Score: 50, HasScore: true}, // not scored in the schema
		"middleNames": {Result: True, Score: 100, HasScore: true}, // true never carries a score
		"region":      {Result: False, Score: -3, HasScore: true},
		"locality":    {Result: NotAvailable},
		"gender":      {Result: "maybe"},
		"idDocument":  {Result: True},
	}
	tests := []struct {
		v    Version
		want string
	}{
		{V04, `{"idDocumentMatch":"true","givenNameMatch":"false","givenNameMatchScore":89,"familyNameMatch":"false",` +
			`"middleNamesMatch":"true","postalCodeMatch":"false","regionMatch":"false","regionMatchScore":0,` +
			`"localityMatch":"not_available","emailMatch":"false","emailMatchScore":99,"genderMatch":"not_available",` +
			`"nationalityMatch":"true"}`},
		{V03, `{"idDocumentMatch":"true","givenNameMatch":"false","givenNameMatchScore":89,"familyNameMatch":"false",` +
			`"middleNamesMatch":"true","postalCodeMatch":"false","regionMatch":"false","regionMatchScore":0,` +
			`"localityMatch":"not_available","emailMatch":"false","emailMatchScore":100,"genderMatch":"not_available"}`},
	}
	for _, tt := range tests {
		t.Run(tt.v.String(), func(t *testing.T) {
			got := AppendResponseJSON(nil, tt.v, resp)
			assert.Equal(t, tt.want, string(got))
			assert.True(t, json.Valid(got))
		})
	}
}

func TestAppendResponseJSONAppends(t *testing.T) {
	assert.Equal(t, `prefix{}`, string(AppendResponseJSON([]byte("prefix"), V04, Response{})))
	assert.Equal(t, `{}`, string(AppendResponseJSON(nil, V04, nil)))
}

func TestResponseRoundTrip(t *testing.T) {
	for _, v := range Versions {
		t.Run(v.String(), func(t *testing.T) {
			resp := Response{}
			for i, a := range Attributes {
				if !v.Has(a) {
					continue
				}
				switch {
				case a.Scored && i%2 == 0:
					resp[a.Name] = Outcome{Result: False, Score: i * 4, HasScore: true}
				case i%3 == 0:
					resp[a.Name] = Outcome{Result: NotAvailable}
				case i%3 == 1:
					resp[a.Name] = Outcome{Result: True}
				default:
					resp[a.Name] = Outcome{Result: False}
				}
			}
			got, err := DecodeResponse(v, AppendResponseJSON(nil, v, resp))
			require.NoError(t, err)
			assert.Equal(t, resp, got)
		})
	}
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		name string
		v    Version
		body string
		want Response
	}{
		{"results and score", V04, `{"givenNameMatch":"false","givenNameMatchScore":87,"countryMatch":"true","emailMatch":"not_available"}`,
			Response{"givenName": scored(87), "country": matched, "email": notAvailable}},
		{"unknown properties ignored", V04, `{"givenNameMatch":"true","operatorTrace":{"id":1},"shoeSizeMatch":"true"}`,
			Response{"givenName": matched}},
		{"0.4 attribute ignored in 0.3", V03, `{"givenNameMatch":"true","nationalityMatch":"true"}`,
			Response{"givenName": matched}},
		{"score of a true result dropped", V04, `{"givenNameMatch":"true","givenNameMatchScore":100}`,
			Response{"givenName": matched}},
		{"score of an unscored attribute ignored", V04, `{"postalCodeMatch":"false","postalCodeMatchScore":12}`,
			Response{"postalCode": unmatched}},
		{"null score is absent", V04, `{"givenNameMatch":"false","givenNameMatchScore":null}`,
			Response{"givenName": unmatched}},
		{"score without result ignored", V04, `{"givenNameMatchScore":50}`, Response{}},
		{"100 accepted from any version", V04, `{"givenNameMatch":"false","givenNameMatchScore":100}`,
			Response{"givenName": scored(100)}},
		{"empty object", V04, `{}`, Response{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeResponse(tt.v, []byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecodeResponseErrors(t *testing.T) {
	tests := []struct {
		name, body, wantText string
	}{
		{"not JSON", `<html>`, "JSON object"},
		{"null", `null`, "JSON object"},
		{"array", `[]`, "JSON object"},
		{"boolean result", `{"givenNameMatch":true}`, "givenNameMatch"},
		{"unknown result", `{"givenNameMatch":"maybe"}`, "givenNameMatch"},
		{"null result", `{"givenNameMatch":null}`, "givenNameMatch"},
		{"string score", `{"givenNameMatch":"false","givenNameMatchScore":"87"}`, "givenNameMatchScore"},
		{"fractional score", `{"givenNameMatch":"false","givenNameMatchScore":87.5}`, "givenNameMatchScore"},
		{"negative score", `{"givenNameMatch":"false","givenNameMatchScore":-1}`, "givenNameMatchScore"},
		{"score over 100", `{"givenNameMatch":"false","givenNameMatchScore":101}`, "givenNameMatchScore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeResponse(V04, []byte(tt.body))
			assert.ErrorContains(t, err, tt.wantText)
		})
	}
}

func TestTranslateResponse(t *testing.T) {
	sent := Request{Values: map[string]string{"givenName": "x", "email": "x", "nationality": "x", "cityOfBirth": "x", "birthdate": "x"}}
	tests := []struct {
		name     string
		from, to Version
		sent     Request
		resp     Response
		want     Response
	}{
		{"0.3 operator, 0.4 caller", V03, V04, sent,
			Response{"givenName": scored(100), "email": matched, "birthdate": unmatched, "familyName": matched},
			Response{"givenName": scored(99), "email": matched, "birthdate": unmatched, "nationality": notAvailable, "cityOfBirth": notAvailable}},
		{"0.4 operator, 0.3 caller", V04, V03, Request{Values: map[string]string{"givenName": "x", "email": "x"}},
			Response{"givenName": scored(99), "email": scored(10), "nationality": matched},
			Response{"givenName": scored(99), "email": scored(10)}},
		{"same version", V04, V04, sent,
			Response{"givenName": scored(88), "email": notAvailable, "nationality": matched, "cityOfBirth": unmatched, "birthdate": matched},
			Response{"givenName": scored(88), "email": notAvailable, "nationality": matched, "cityOfBirth": unmatched, "birthdate": matched}},
		{"operator left attributes out", V04, V04, sent,
			Response{"givenName": matched},
			Response{"givenName": matched, "email": notAvailable, "nationality": notAvailable, "cityOfBirth": notAvailable, "birthdate": notAvailable}},
		{"invalid scores and results repaired", V04, V04, Request{Values: map[string]string{"givenName": "x", "birthdate": "x", "email": "x"}},
			Response{"givenName": {Result: True, Score: 80, HasScore: true}, "birthdate": {Result: False, Score: 80, HasScore: true}, "email": {Result: "yes"}},
			Response{"givenName": matched, "birthdate": unmatched, "email": notAvailable}},
		{"nothing sent", V04, V04, Request{}, Response{"givenName": matched}, Response{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, TranslateResponse(tt.from, tt.to, tt.sent, tt.resp))
		})
	}
}

// fullRequest sends every 0.4 attribute with a value close to, but not
// always equal to, the stored one.
func fullRequest() (Request, Subscriber) {
	sent := map[string]string{
		"idDocument": "66666666q", "idDocumentType": "passport", "idDocumentExpiryDate": "2027-07-12",
		"name": "Frederica Sanchez Arjona", "givenName": "Federica", "familyName": "Sánchez Arjona",
		"nameKanaHankaku": "ﾌｪﾃﾞﾘｶ", "nameKanaZenkaku": "フェデリカ", "middleNames": "Maria",
		"familyNameAtBirth": "Arjona", "address": "Nicolas Salmeron 4", "streetName": "Nicolas Salmeron",
		"streetNumber": "4", "postalCode": "28001", "region": "Madrid", "locality": "Madrid", "country": "ES",
		"houseNumberExtension": "2B", "birthdate": "1978-08-22", "email": "federica@example.com",
		"gender": "FEMALE", "cityOfBirth": "Madrid", "countryOfBirth": "ES", "nationality": "ES",
	}
	stored := map[string]string{
		"idDocument": "66666666-Q", "idDocumentType": "passport", "idDocumentExpiryDate": "2027-07-12",
		"givenName": "Frederica", "middleNames": "María", "familyName": "Sanchez Arjona",
		"nameKanaZenkaku": "フェデリカ", "nameKanaHankaku": "ﾌｪﾃﾞﾘｶ", "familyNameAtBirth": "Arjona",
		"streetName": "Nicolás Salmerón", "streetNumber": "4", "houseNumberExtension": "2 B", "postalCode": "28 001",
		"region": "Comunidad de Madrid", "locality": "Madrid", "country": "ES", "birthdate": "1978-08-22",
		"email": "federica.sanchez@example.com", "gender": "FEMALE", "cityOfBirth": "Madrid",
		"countryOfBirth": "ES", "nationality": "ES",
	}
	return Request{PhoneNumber: "+34629255833", Values: sent}, Subscriber{PhoneNumber: "+34629255833", Attributes: stored}
}

func TestFullRequestAnswersEveryAttribute(t *testing.T) {
	req, rec := fullRequest()
	require.Nil(t, ValidateRequest(V04, req))
	resp, err := Match(V04, req, rec, Policy{RequireIDDocument: true})
	require.NoError(t, err)
	assert.Len(t, resp, len(Attributes))
	assert.Equal(t, True, resp["name"].Result, "composed as given and family name, middle name left out")
	assert.Equal(t, False, resp["givenName"].Result)
	assert.True(t, resp["givenName"].HasScore)
	assert.Equal(t, False, resp["region"].Result)

	var decoded map[string]any
	require.NoError(t, json.Unmarshal(AppendResponseJSON(nil, V04, resp), &decoded))
	assert.Equal(t, "false", decoded["givenNameMatch"])
	assert.EqualValues(t, 89, decoded["givenNameMatchScore"])
}

func BenchmarkMatchAndAppendResponseJSON(b *testing.B) {
	req, rec := fullRequest()
	policy := Policy{RequireIDDocument: true}
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := Match(V04, req, rec, policy)
		if err != nil {
			b.Fatal(err)
		}
		buf = AppendResponseJSON(buf[:0], V04, resp)
	}
}
