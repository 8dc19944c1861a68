package kycmatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flatResponseBodies are answers the fast path must read exactly like the
// general path, or leave to it.
var flatResponseBodies = []string{
	`{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82}`,
	`{}`,
	`{"givenNameMatch":"maybe"}`,
	`{"givenNameMatch":true}`,
	`{"givenNameMatch":"false","givenNameMatchScore":100}`,
	`{"givenNameMatch":"false","givenNameMatchScore":101}`,
	`{"givenNameMatch":"false","givenNameMatchScore":-1}`,
	`{"givenNameMatch":"false","givenNameMatchScore":-0}`,
	`{"givenNameMatch":"false","givenNameMatchScore":82.5}`,
	`{"givenNameMatch":"false","givenNameMatchScore":"82"}`,
	`{"givenNameMatch":"false","givenNameMatchScore":null}`,
	`{"givenNameMatch":"true","givenNameMatchScore":"x"}`,
	`{"birthdateMatch":"false","birthdateMatchScore":12}`,
	`{"givenNameMatch":"true","givenNameMatch":"false"}`,
	`{"givenNameMatchScore":40,"givenNameMatch":"false","givenNameMatchScore":50}`,
	`{"givenNameMatch":"true","operatorTrace":"x","operatorCount":3}`,
	`{"idDocumentTypeMatch":"true","nameKanaHankakuMatch":"false","nameKanaHankakuMatchScore":70}`,
	`{"MatchScore":1,"Match":"true"}`,
	`{"givenNameMatch":"not_available","givenNameMatchScore":5}`,
	`{"givenNameMatch":"tru\u0065"}`,
	`null`,
	`[]`,
	`{"givenNameMatch":"true"`,
}

// requireFlatAgrees checks that whatever the fast path reads from body, in
// every version, the general path reads the same way and without error.
func requireFlatAgrees(t *testing.T, body string) {
	t.Helper()
	for _, v := range Versions {
		fast, ok := decodeFlatResponse(v, []byte(body))
		if !ok {
			continue
		}
		general, err := decodeResponseGenerally(v, []byte(body))
		require.NoError(t, err, "0.%d: the fast path read what the general path refuses: %q", v.Minor, body)
		require.Equal(t, general, fast, "0.%d: %q", v.Minor, body)
	}
}

func TestFlatResponseDecodesLikeEncodingJSON(t *testing.T) {
	for _, body := range flatResponseBodies {
		requireFlatAgrees(t, body)
	}
}

func TestFlatResponseTakesUsualAnswers(t *testing.T) {
	resp, ok := decodeFlatResponse(V04, []byte(`{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82,"idDocumentTypeMatch":"not_available"}`))
	require.True(t, ok)
	assert.Equal(t, Response{
		"givenName":      {Result: True},
		"familyName":     {Result: False, Score: 82, HasScore: true},
		"idDocumentType": {Result: NotAvailable},
	}, resp)
	resp, ok = decodeFlatResponse(V03, []byte(`{"idDocumentTypeMatch":"true","givenNameMatch":"false","givenNameMatchScore":100}`))
	require.True(t, ok)
	assert.Equal(t, Response{"givenName": {Result: False, Score: 100, HasScore: true}}, resp, "0.3 has no idDocumentType")
}

func BenchmarkDecodeResponse(b *testing.B) {
	body := []byte(`{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82,"birthdateMatch":"true","addressMatch":"false","addressMatchScore":77,"emailMatch":"true"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResponse(V04, body); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFlatResponseDecodesLikeEncodingJSON checks the fast path against
// the general path on arbitrary answers.
func FuzzFlatResponseDecodesLikeEncodingJSON(f *testing.F) {
	for _, body := range flatResponseBodies {
		f.Add(body)
	}
	f.Fuzz(requireFlatAgrees)
}
