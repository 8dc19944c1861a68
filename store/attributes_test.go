package store

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeAttributesAgreesWithEncodingJSON(t *testing.T) {
	cases := map[string]string{
		"flat":            `{"givenName":"Federica","familyName":"Sanchez Arjona"}`,
		"escapes":         `{"address":"Calle \"Mayor\" 1\n\u00e9"}`,
		"empty object":    `{}`,
		"spaces":          " \n{ \"a\" : \"b\" } ",
		"duplicate names": `{"a":"1","a":"2"}`,
		"null":            `null`,
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			var want map[string]string
			require.NoError(t, json.Unmarshal([]byte(raw), &want))
			got, err := DecodeAttributes([]byte(raw))
			require.NoError(t, err)
			if want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestDecodeAttributesRefusesWhatIsNotAnObjectOfStrings(t *testing.T) {
	for _, raw := range []string{`{"a":1}`, `{"a":"b"`, `[]`, `{"a":"b"} x`, ``} {
		_, err := DecodeAttributes([]byte(raw))
		assert.Error(t, err, raw)
	}
}
