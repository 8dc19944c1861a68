package kycmatch

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
)

func TestValidateRequest(t *testing.T) {
	tests := []struct {
		name     string
		v        Version
		values   map[string]string
		wantErr  *camara.Error
		wantText string // the message must name this field
	}{
		{"one attribute", V04, map[string]string{"givenName": "Federica"}, nil, ""},
		{"nil values", V04, nil, camara.ErrInvalidParamCombo, ""},
		{"no attribute", V04, map[string]string{}, camara.ErrInvalidParamCombo, ""},
		{"only a phoneNumber entry", V04, map[string]string{"phoneNumber": "+34629255833"}, camara.ErrInvalidParamCombo, ""},
		{"unknown property", V04, map[string]string{"givenName": "Federica", "shoeSize": "42"}, camara.ErrInvalidArgument, "shoeSize"},
		{"0.4 property sent to 0.3", V03, map[string]string{"givenName": "Federica", "nationality": "ES"}, camara.ErrInvalidArgument, "nationality"},
		{"only an unknown property", V04, map[string]string{"shoeSize": "42"}, camara.ErrInvalidArgument, "shoeSize"},
		{"empty value", V04, map[string]string{"givenName": ""}, camara.ErrInvalidArgument, "givenName"},
		{"blank value", V04, map[string]string{"familyName": " \t"}, camara.ErrInvalidArgument, "familyName"},
		{"country lower case", V04, map[string]string{"country": "es"}, nil, ""},
		{"country upper case", V04, map[string]string{"country": "ES"}, nil, ""},
		{"country Kosovo", V04, map[string]string{"country": "XK"}, nil, ""},
		{"country alpha-3", V04, map[string]string{"country": "USA"}, camara.ErrInvalidArgument, "country"},
		{"country numeric", V04, map[string]string{"country": "34"}, camara.ErrInvalidArgument, "country"},
		{"country one letter", V04, map[string]string{"country": "S"}, camara.ErrInvalidArgument, "country"},
		{"country unknown region ZZ", V04, map[string]string{"country": "ZZ"}, camara.ErrInvalidArgument, "country"},
		{"country EU is not a country", V04, map[string]string{"country": "EU"}, camara.ErrInvalidArgument, "country"},
		{"country UK is reserved, not assigned", V04, map[string]string{"country": "UK"}, camara.ErrInvalidArgument, "country"},
		{"country withdrawn YU", V04, map[string]string{"country": "YU"}, camara.ErrInvalidArgument, "country"},
		{"country with spaces", V04, map[string]string{"country": " ES"}, camara.ErrInvalidArgument, "country"},
		{"country non-ASCII letters", V04, map[string]string{"country": "ÉS"}, camara.ErrInvalidArgument, "country"},
		{"country in 0.3", V03, map[string]string{"country": "jp"}, nil, ""},
		{"countryOfBirth invalid", V04, map[string]string{"countryOfBirth": "ESP"}, camara.ErrInvalidArgument, "countryOfBirth"},
		{"nationality invalid", V04, map[string]string{"nationality": "EU"}, camara.ErrInvalidArgument, "nationality"},
		{"nationality valid", V04, map[string]string{"nationality": "pt"}, nil, ""},
		{"birthdate valid", V04, map[string]string{"birthdate": "1978-08-22"}, nil, ""},
		{"birthdate other format", V04, map[string]string{"birthdate": "22/08/1978"}, camara.ErrInvalidArgument, "birthdate"},
		{"birthdate impossible day", V03, map[string]string{"birthdate": "1978-02-30"}, camara.ErrInvalidArgument, "birthdate"},
		{"idDocumentExpiryDate timestamp", V04, map[string]string{"idDocumentExpiryDate": "2027-07-12T00:00:00Z"}, camara.ErrInvalidArgument, "idDocumentExpiryDate"},
		{"first invalid attribute in schema order", V04, map[string]string{"nationality": "EU", "givenName": ""}, camara.ErrInvalidArgument, "givenName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateRequest(tt.v, Request{PhoneNumber: "+34629255833", Values: tt.values})
			if tt.wantErr == nil {
				assert.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Message, tt.wantText)
			for _, value := range tt.values {
				if len(strings.TrimSpace(value)) > 1 {
					assert.NotContains(t, err.Message, value, "the message must not repeat a value")
				}
			}
		})
	}
}

func TestValidateRequestDoesNotEchoOddPropertyNames(t *testing.T) {
	err := ValidateRequest(V04, Request{Values: map[string]string{"givenName": "F", "Federica Sánchez 66666666q": "x"}})
	require.NotNil(t, err)
	assert.ErrorIs(t, err, camara.ErrInvalidArgument)
	assert.NotContains(t, err.Message, "Federica")
	assert.NotContains(t, err.Message, "66666666q")
}

func TestCountryListAgreesWithItsDocumentation(t *testing.T) {
	// 249 officially assigned codes plus XK.
	assert.Len(t, assignedCountries, 250)
}
