package kycmatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeBodies are request bodies of every shape DecodeRequest meets: the
// common flat ones its fast path reads and the odd ones it leaves to the
// tokenizer.
var decodeBodies = []string{
	`{"phoneNumber":"+34629255833","givenName":"Federica","nationality":"ES"}`,
	`{}`,
	` { "givenName" : "José" , "familyName":"Müller" } `,
	`{"givenName":"Fe\u0064erica","address":"Calle \"Mayor\" 4"}`,
	`{"givenName":"\ud800"}`,
	`{"phoneNumber":"+34600000002"}`,
	`{"phoneNumber":"+1","phoneNumber":"+2"}`,
	`{"givenName":"a","givenName":"b"}`,
	`{"unknown":"x"}`,
	`{"nationality":"ES"}`,
	`{"givenName":1}`,
	`{"givenName":null}`,
	`{"givenName":{"a":"b"}}`,
	`{"givenName":"a"} trailing`,
	`{"givenName":"a",}`,
	`["givenName"]`,
	`"text"`,
	``,
	"{\"givenName\":\"\xff\"}",
	`{"idDocument":"66666666q","idDocumentType":"passport","idDocumentExpiryDate":"2027-07-12"}`,
}

// TestDecodeRequestFastPathAgreesWithTokenizer checks, for both versions,
// that DecodeRequest answers exactly as the tokenizer alone does.
func TestDecodeRequestFastPathAgreesWithTokenizer(t *testing.T) {
	for _, v := range Versions {
		for _, body := range decodeBodies {
			t.Run(v.PathSegment()+" "+body, func(t *testing.T) {
				wantPhone, wantReq, wantErr := decodeRequestTokens(v, []byte(body))
				phone, req, err := DecodeRequest(v, []byte(body))
				assert.Equal(t, wantPhone, phone)
				assert.Equal(t, wantReq, req)
				assert.Equal(t, wantErr, err)
			})
		}
	}
}

// TestDecodeRequestFastPathTakesTheCommonBody guards the speed-up itself:
// a flat body of known attributes is read by the fast path.
func TestDecodeRequestFastPathTakesTheCommonBody(t *testing.T) {
	req, ok := decodeFlatRequest(V04, []byte(`{"phoneNumber":"+34629255833","cityOfBirth":"Madrid"}`))
	require.True(t, ok)
	assert.Equal(t, Request{PhoneNumber: "+34629255833", Values: map[string]string{"cityOfBirth": "Madrid"}}, req)
	_, ok = decodeFlatRequest(V03, []byte(`{"cityOfBirth":"Madrid"}`))
	assert.False(t, ok, "an attribute of another version is left to the tokenizer")
}

// FuzzDecodeRequestFastPath checks that the fast path never changes what
// DecodeRequest returns.
func FuzzDecodeRequestFastPath(f *testing.F) {
	for _, body := range decodeBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range Versions {
			wantPhone, wantReq, wantErr := decodeRequestTokens(v, body)
			phone, req, err := DecodeRequest(v, body)
			require.Equal(t, wantPhone, phone)
			require.Equal(t, wantReq, req)
			require.Equal(t, wantErr, err)
		}
	})
}

func BenchmarkDecodeRequestFullV04Body(b *testing.B) {
	req, _ := fullRequest()
	body, err := EncodeRequest(V04, req)
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := DecodeRequest(V04, body); err != nil {
			b.Fatal(err)
		}
	}
}
