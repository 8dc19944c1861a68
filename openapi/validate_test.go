package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
)

// secret is a distinctive value that must never appear in an error.
const secret = "SECRET-VALUE-123"

// fullBodyV04 sends every attribute of KYC Match 0.4.
const fullBodyV04 = `{
  "phoneNumber": "+34629255833",
  "idDocument": "66666666q",
  "idDocumentType": "passport",
  "idDocumentExpiryDate": "2027-07-12",
  "name": "Ada Lovelace Example",
  "givenName": "Ada",
  "familyName": "Example",
  "nameKanaHankaku": "ｴｲﾀﾞ",
  "nameKanaZenkaku": "エイダ",
  "middleNames": "Augusta",
  "familyNameAtBirth": "Byron",
  "address": "12 Example Street, London",
  "streetName": "Example Street",
  "streetNumber": "12",
  "postalCode": "SW1A 1AA",
  "region": "Greater London",
  "locality": "London",
  "country": "GB",
  "houseNumberExtension": "B",
  "birthdate": "1990-12-10",
  "email": "ada@example.org",
  "gender": "FEMALE",
  "cityOfBirth": "London",
  "countryOfBirth": "GB",
  "nationality": "GB"
}`

var (
	operationsOnce sync.Once
	operations     map[string]*Operation
	operationsErr  error
)

// matchOperation returns the resolved POST /match operation of version
// "v0.3" or "v0.4", built once for the whole test binary.
func matchOperation(t testing.TB, version string) *Operation {
	t.Helper()
	operationsOnce.Do(func() {
		operations = map[string]*Operation{}
		for _, v := range []string{"v0.3", "v0.4"} {
			doc, err := NewDocument("kyc-match-" + v + ".yaml")
			if err != nil {
				operationsErr = err
				return
			}
			op, err := doc.Operation(http.MethodPost, "/kyc-match/"+v+"/match")
			if err != nil {
				operationsErr = err
				return
			}
			operations[v] = op
		}
	})
	require.NoError(t, operationsErr)
	op := operations[version]
	require.NotNil(t, op, "unknown version %s", version)
	return op
}

// matchRequest builds a JSON POST to the version's match path.
func matchRequest(version, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/kyc-match/"+version+"/match", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// validate runs ValidateRequest on a JSON POST of body.
func validate(t testing.TB, version, body string) *camara.Error {
	t.Helper()
	return matchOperation(t, version).ValidateRequest(context.Background(), matchRequest(version, body), nil, []byte(body))
}

func TestValidateRequestAcceptsConformingBodies(t *testing.T) {
	tests := []struct {
		name, version, body string
	}{
		{"v0.4 every attribute", "v0.4", fullBodyV04},
		{"v0.3 empty object reaches the gateway's own check", "v0.3", `{}`},
		{"v0.4 empty object reaches the gateway's own check", "v0.4", `{}`},
		{"v0.4 phone only", "v0.4", `{"phoneNumber":"+447700900123"}`},
		{"v0.4 three-legged without phone", "v0.4", `{"givenName":"Ada","birthdate":"1990-12-10"}`},
		{"v0.3 shortest phone", "v0.3", `{"phoneNumber":"+12345","name":"Ada"}`},
		{"v0.4 longest phone", "v0.4", `{"phoneNumber":"+123456789012345","name":"Ada"}`},
		{"v0.4 lower-case country codes", "v0.4", `{"country":"gb","countryOfBirth":"es","nationality":"Jp"}`},
		{"v0.4 leap day", "v0.4", `{"birthdate":"2024-02-29"}`},
		{"v0.3 empty strings", "v0.3", `{"name":"","address":""}`},
		{"v0.4 every document type", "v0.4", `{"idDocumentType":"driver_licence"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Nil(t, validate(t, tt.version, tt.body))
		})
	}
}

func TestValidateRequestRefusesNonConformingBodies(t *testing.T) {
	tests := []struct {
		name, version, body, wantMsg string
	}{
		{"number for string", "v0.4", `{"name":42}`, `request body property "name" is invalid: must be a string`},
		{"null for string", "v0.4", `{"givenName":null}`, `request body property "givenName" is invalid: must be a string`},
		{"object for string", "v0.3", `{"address":{"street":"x"}}`, `request body property "address" is invalid: must be a string`},
		{"bad gender", "v0.4", `{"gender":"male"}`, `request body property "gender" is invalid: must be one of "MALE", "FEMALE", "OTHER"`},
		{"bad document type", "v0.4", `{"idDocumentType":"passport_card"}`, `request body property "idDocumentType" is invalid: must be one of`},
		{"impossible date", "v0.4", `{"birthdate":"2020-13-45"}`, `request body property "birthdate" is invalid: must be a date (YYYY-MM-DD)`},
		{"non-leap day", "v0.3", `{"birthdate":"2021-02-29"}`, `request body property "birthdate" is invalid: must be a date (YYYY-MM-DD)`},
		{"date-time for date", "v0.4", `{"idDocumentExpiryDate":"2027-07-12T00:00:00Z"}`, `request body property "idDocumentExpiryDate" is invalid: must be a date (YYYY-MM-DD)`},
		{"not an email", "v0.4", `{"email":"not-an-email"}`, `request body property "email" is invalid: must be an email address`},
		{"email with display name", "v0.3", `{"email":"Ada <ada@example.org>"}`, `request body property "email" is invalid: must be an email address`},
		{"phone without plus", "v0.4", `{"phoneNumber":"34629255833"}`, `request body property "phoneNumber" does not match the required pattern ^\+[1-9][0-9]{4,14}$`},
		{"phone too short", "v0.3", `{"phoneNumber":"+1234"}`, `"phoneNumber" does not match the required pattern`},
		{"phone too long", "v0.4", `{"phoneNumber":"+1234567890123456"}`, `"phoneNumber" does not match the required pattern`},
		{"phone with leading zero", "v0.4", `{"phoneNumber":"+0123456"}`, `"phoneNumber" does not match the required pattern`},
		{"unknown property", "v0.4", `{"name":"Ada","favouriteColour":"blue"}`, `request body property "favouriteColour" is not allowed`},
		{"0.4 attribute on 0.3", "v0.3", `{"nationality":"GB"}`, `request body property "nationality" is not allowed`},
		{"three-letter country", "v0.4", `{"country":"USA"}`, `request body property "country" does not match the required pattern ^[A-Za-z]{2}$`},
		{"numeric country", "v0.3", `{"country":"12"}`, `request body property "country" does not match the required pattern`},
		{"three-letter nationality", "v0.4", `{"nationality":"ESP"}`, `request body property "nationality" does not match the required pattern`},
		{"array body", "v0.4", `[{"name":"Ada"}]`, `request body must be a JSON object`},
		{"string body", "v0.4", `"Ada"`, `request body must be a JSON object`},
		{"null body", "v0.3", `null`, `request body must be a JSON object`},
		{"not JSON", "v0.4", `name=Ada`, `request body is not valid JSON`},
		{"truncated JSON", "v0.4", `{"name":"Ada"`, `request body is not valid JSON`},
		{"trailing data", "v0.4", `{"name":"Ada"} {"name":"Eve"}`, `request body is not valid JSON`},
		{"invalid UTF-8", "v0.4", "{\"name\":\"\xff\"}", `request body is not valid JSON`},
		{"empty body", "v0.4", ``, `request body is required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := validate(t, tt.version, tt.body)
			require.NotNil(t, got)
			assert.ErrorIs(t, got, camara.ErrInvalidArgument)
			assert.Equal(t, http.StatusBadRequest, got.Status)
			assert.Contains(t, got.Message, tt.wantMsg)
		})
	}
}

func TestValidateRequestNeverEchoesValues(t *testing.T) {
	tests := []struct {
		name, version, body, correlator string
	}{
		{name: "phone", version: "v0.4", body: `{"phoneNumber":"` + secret + `"}`},
		{name: "birthdate", version: "v0.4", body: `{"birthdate":"` + secret + `"}`},
		{name: "expiry date", version: "v0.4", body: `{"idDocumentExpiryDate":"` + secret + `"}`},
		{name: "email", version: "v0.3", body: `{"email":"` + secret + `"}`},
		{name: "email with display name", version: "v0.4", body: `{"email":"` + secret + ` <a@example.org>"}`},
		{name: "gender", version: "v0.4", body: `{"gender":"` + secret + `"}`},
		{name: "document type", version: "v0.4", body: `{"idDocumentType":"` + secret + `"}`},
		{name: "country", version: "v0.3", body: `{"country":"` + secret + `"}`},
		{name: "country of birth", version: "v0.4", body: `{"countryOfBirth":"` + secret + `"}`},
		{name: "nationality", version: "v0.4", body: `{"nationality":"` + secret + `"}`},
		{name: "array for string", version: "v0.4", body: `{"name":["` + secret + `"]}`},
		{name: "object for string", version: "v0.4", body: `{"name":{"inner":"` + secret + `"}}`},
		{name: "value of an unknown property", version: "v0.4", body: `{"nickname":"` + secret + `"}`},
		{name: "truncated JSON", version: "v0.4", body: `{"name":"` + secret},
		{name: "bare word", version: "v0.4", body: secret},
		{name: "trailing data", version: "v0.4", body: `{"name":"Ada"} "` + secret + `"`},
		{name: "x-correlator v0.3", version: "v0.3", body: `{"name":"Ada"}`, correlator: secret + ":x"},
		{name: "x-correlator v0.4", version: "v0.4", body: `{"name":"Ada"}`, correlator: secret + " x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := matchRequest(tt.version, tt.body)
			if tt.correlator != "" {
				r.Header.Set("x-correlator", tt.correlator)
			}
			got := matchOperation(t, tt.version).ValidateRequest(context.Background(), r, nil, []byte(tt.body))
			require.NotNil(t, got, "the value is refused")
			assert.ErrorIs(t, got, camara.ErrInvalidArgument)
			assert.NotContains(t, got.Message, "SECRET")
			assert.NotContains(t, got.Error(), "SECRET")
			assert.Nil(t, errors.Unwrap(got), "no cause is kept: its text could hold the value")
		})
	}
}

func TestValidateRequestChecksTheVersionsCorrelatorPattern(t *testing.T) {
	tests := []struct {
		name, version, correlator string
		valid                     bool
	}{
		{"v0.3 uuid", "v0.3", "5f0c6a52-2d0e-4a8e-9f43-0c6f1d2b7a11", true},
		{"v0.3 55 characters", "v0.3", strings.Repeat("a", 55), true},
		{"v0.3 56 characters", "v0.3", strings.Repeat("a", 56), false},
		{"v0.3 colon", "v0.3", "trace:1", false},
		{"v0.4 colon and braces", "v0.4", "trace:{1};a.b/c<d>_e", true},
		{"v0.4 256 characters", "v0.4", strings.Repeat("a", 256), true},
		{"v0.4 257 characters", "v0.4", strings.Repeat("a", 257), false},
		{"v0.4 space", "v0.4", "a b", false},
		{"v0.4 non-ASCII", "v0.4", "é", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := matchRequest(tt.version, `{"name":"Ada"}`)
			r.Header.Set("x-correlator", tt.correlator)
			got := matchOperation(t, tt.version).ValidateRequest(context.Background(), r, nil, []byte(`{"name":"Ada"}`))
			if tt.valid {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.ErrorIs(t, got, camara.ErrInvalidArgument)
			assert.Contains(t, got.Message, `header "x-correlator" does not match the required pattern`)
		})
	}
}

func TestValidateRequestRefusesUndeclaredMediaTypes(t *testing.T) {
	tests := []struct {
		name, contentType string
		wantStatus        int
	}{
		{"json with charset", "application/json; charset=utf-8", 0},
		{"json upper case", "Application/JSON", 0},
		{"plain text", "text/plain", http.StatusUnsupportedMediaType},
		{"form", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"missing", "", http.StatusUnsupportedMediaType},
		{"malformed", "application/", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"name":"Ada"}`
			r := matchRequest("v0.4", body)
			r.Header.Set("Content-Type", tt.contentType)
			got := matchOperation(t, "v0.4").ValidateRequest(context.Background(), r, nil, []byte(body))
			if tt.wantStatus == 0 {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.ErrorIs(t, got, camara.ErrUnsupportedMediaType)
			assert.Equal(t, "request body must be sent as application/json", got.Message)
		})
	}
}

func TestValidateRequestLeavesTheCallersRequestUntouched(t *testing.T) {
	r := matchRequest("v0.4", "body as the gateway left it")
	r.Header.Set("x-correlator", "abc")
	before := r.Header.Clone()

	got := matchOperation(t, "v0.4").ValidateRequest(context.Background(), r, nil, []byte(`{"name":"Ada"}`))

	require.Nil(t, got)
	rest, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, "body as the gateway left it", string(rest))
	assert.Equal(t, before, r.Header)
	assert.Equal(t, int64(len("body as the gateway left it")), r.ContentLength)
}

func TestValidateRequestWithoutRequest(t *testing.T) {
	got := matchOperation(t, "v0.4").ValidateRequest(context.Background(), nil, nil, []byte(`{}`))
	require.NotNil(t, got)
	assert.ErrorIs(t, got, camara.ErrInternal)
}

func TestValidateRequestIsSafeForConcurrentUse(t *testing.T) {
	bodies := []struct {
		body  string
		valid bool
	}{
		{fullBodyV04, true},
		{`{"birthdate":"2020-13-45"}`, false},
		{`{"phoneNumber":"+447700900123","email":"ada@example.org"}`, true},
		{`{"country":"USA"}`, false},
	}
	op := matchOperation(t, "v0.4")
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				b := bodies[(g+i)%len(bodies)]
				got := op.ValidateRequest(context.Background(), matchRequest("v0.4", b.body), nil, []byte(b.body))
				if (got == nil) != b.valid {
					errs <- fmt.Sprintf("body %q: got %v", b.body, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkValidateRequestFullV04Body(b *testing.B) {
	op := matchOperation(b, "v0.4")
	body := []byte(fullBodyV04)
	r := matchRequest("v0.4", fullBodyV04)
	r.Header.Set("x-correlator", "5f0c6a52-2d0e-4a8e-9f43-0c6f1d2b7a11")
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := op.ValidateRequest(ctx, r, nil, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateRequestRefusedV04Body(b *testing.B) {
	op := matchOperation(b, "v0.4")
	body := []byte(`{"phoneNumber":"+447700900123","birthdate":"2020-13-45"}`)
	r := matchRequest("v0.4", string(body))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := op.ValidateRequest(ctx, r, nil, body); err == nil {
			b.Fatal("accepted an impossible date")
		}
	}
}
