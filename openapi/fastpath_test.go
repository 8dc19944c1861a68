package openapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastPathBodies are KYC Match bodies the fast path must decide like
// openapi3filter: conforming ones, every kind of refusal, and shapes it
// leaves to openapi3filter.
var fastPathBodies = []string{
	fullBodyV04,
	`{}`,
	`{"phoneNumber":"+34629255833"}`,
	`{"givenName":"Fe\u0064erica","address":"Calle \"Mayor\" 4"}`,
	`{"givenName":"\ud800"}`,
	`{"gender":"FEMALE","gender":"FEMALE"}`,
	`{"gender":"FEMALE","gender":"male"}`,
	`{"gender":"male","gender":"FEMALE"}`,
	`{"gender":"male"}`,
	`{"idDocumentType":"passport_card"}`,
	`{"birthdate":"2020-13-45"}`,
	`{"birthdate":"2020-02-29"}`,
	`{"email":"Ada <ada@example.org>"}`,
	`{"email":"ada@example.org"}`,
	`{"phoneNumber":"34629255833"}`,
	`{"country":"USA"}`,
	`{"country":"es"}`,
	`{"nationality":"GB"}`,
	`{"cityOfBirth":"Madrid"}`,
	`{"favouriteColour":"blue"}`,
	`{"name":42}`,
	`{"name":null}`,
	`{"address":{"street":"x"}}`,
	`[{"name":"Ada"}]`,
	`"Ada"`,
	`null`,
	`name=Ada`,
	`{"name":"Ada"`,
	`{"name":"Ada"} {"name":"Eve"}`,
	"{\"name\":\"\xff\"}",
	"\uFEFF{}",
	``,
}

// validateBoth runs ValidateRequest and openapi3filter alone on the same
// request.
func validateBoth(t testing.TB, op *Operation, version, contentType, correlator, body string) (got, want error) {
	t.Helper()
	r := matchRequest(version, body)
	r.Header.Set("Content-Type", contentType)
	if correlator != "" {
		r.Header.Set("x-correlator", correlator)
	}
	ctx := context.Background()
	if g := op.ValidateRequest(ctx, r, nil, []byte(body)); g != nil {
		got = g
	}
	if e := op.checkMediaType(contentType, []byte(body)); e != nil {
		return got, e
	}
	if w := op.validateFully(ctx, r, nil, []byte(body)); w != nil {
		want = w
	}
	return got, want
}

func TestFastPathDecidesLikeOpenAPI3Filter(t *testing.T) {
	for _, version := range []string{"v0.3", "v0.4"} {
		op := matchOperation(t, version)
		require.NotNil(t, op.fast, "KYC Match bodies take the fast path")
		for _, body := range fastPathBodies {
			for _, correlator := range []string{"", "b4333c46-49c0-4f62-80d7-f0ef930f1c46", "bad correlator!"} {
				got, want := validateBoth(t, op, version, "application/json", correlator, body)
				assert.Equal(t, want, got, "%s body %q correlator %q", version, body, correlator)
			}
		}
	}
}

func TestFastPathTakesConformingKYCMatchBodies(t *testing.T) {
	op := matchOperation(t, "v0.4")
	r := matchRequest("v0.4", fullBodyV04)
	params := op.documentPathParams(nil)
	assert.True(t, op.acceptsFast(context.Background(), r, params, "application/json", []byte(fullBodyV04)))
	assert.True(t, op.acceptsFast(context.Background(), r, params, "application/json; charset=utf-8", []byte(fullBodyV04)))
	assert.False(t, op.acceptsFast(context.Background(), r, params, "application/json", []byte(`{"gender":"male"}`)),
		"a refusal is left to openapi3filter, which words it")
}

func TestFastPathStepsAsideForACustomJSONDecoder(t *testing.T) {
	custom := func(body io.Reader, h http.Header, s *openapi3.SchemaRef, enc openapi3filter.EncodingFn) (any, error) {
		return openapi3filter.JSONBodyDecoder(body, h, s, enc)
	}
	openapi3filter.RegisterBodyDecoder(jsonMediaType, custom)
	t.Cleanup(func() { openapi3filter.RegisterBodyDecoder(jsonMediaType, openapi3filter.JSONBodyDecoder) })
	op := matchOperation(t, "v0.4")
	r := matchRequest("v0.4", fullBodyV04)
	assert.False(t, op.acceptsFast(context.Background(), r, nil, "application/json", []byte(fullBodyV04)))
	assert.Nil(t, op.ValidateRequest(context.Background(), r, nil, []byte(fullBodyV04)))
}

// everyOperation resolves every operation of every embedded document.
func everyOperation(t *testing.T) map[string]*Operation {
	t.Helper()
	ops := map[string]*Operation{}
	for _, name := range Names() {
		doc, err := NewDocument(name)
		require.NoError(t, err)
		base := doc.servers[0].basePath
		for template, item := range doc.spec.Paths.Map() {
			ginPath := base + toGinPath(template)
			for method := range item.Operations() {
				op, err := doc.Operation(method, ginPath)
				require.NoError(t, err, "%s %s %s", name, method, ginPath)
				ops[name+" "+method+" "+ginPath] = op
			}
		}
	}
	return ops
}

// toGinPath turns "{param}" template segments into gin's ":param".
func toGinPath(template string) string {
	segments := strings.Split(template, "/")
	for i, s := range segments {
		if p, ok := templateParam(s); ok {
			segments[i] = ":" + p
		}
	}
	return strings.Join(segments, "/")
}

// TestFastPathAgreesOnEveryDocument sends, to every operation the fast
// path serves, bodies built from its own schema: each declared property
// alone with its example or a plain string, all of them together, an
// undeclared property and an empty object.
func TestFastPathAgreesOnEveryDocument(t *testing.T) {
	served := 0
	for key, op := range everyOperation(t) {
		if op.fast == nil {
			continue
		}
		served++
		for _, body := range schemaBodies(op.fast.mediaType.Schema.Value) {
			r := httptest.NewRequest(op.Method(), "/", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			ctx := context.Background()
			got := op.ValidateRequest(ctx, r, nil, []byte(body))
			want := op.validateFully(ctx, r, op.documentPathParams(nil), []byte(body))
			assert.Equal(t, want, got, "%s body %s", key, body)
		}
	}
	assert.Positive(t, served)
}

// schemaBodies builds request bodies from an object schema.
func schemaBodies(s *openapi3.Schema) []string {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	var all []string
	bodies := []string{`{}`, `{"undeclaredProperty":"x"}`}
	for _, name := range names {
		member := quote(name) + ":" + quote(exampleOf(s.Properties[name].Value))
		all = append(all, member)
		bodies = append(bodies, "{"+member+"}", "{"+quote(name)+`:"x"}`, "{"+quote(name)+`:1}`)
	}
	return append(bodies, "{"+strings.Join(all, ",")+"}")
}

// exampleOf returns the schema's string example, or "x".
func exampleOf(s *openapi3.Schema) string {
	if e, ok := s.Example.(string); ok {
		return e
	}
	if len(s.Enum) > 0 {
		if e, ok := s.Enum[0].(string); ok {
			return e
		}
	}
	return "x"
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// FuzzFastPathDecidesLikeOpenAPI3Filter checks the fast path against
// openapi3filter alone on arbitrary bodies.
func FuzzFastPathDecidesLikeOpenAPI3Filter(f *testing.F) {
	for _, body := range fastPathBodies {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, version := range []string{"v0.3", "v0.4"} {
			got, want := validateBoth(t, matchOperation(t, version), version, "application/json", "", body)
			require.Equal(t, want, got, "%s body %q", version, body)
		}
	})
}
