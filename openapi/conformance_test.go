package openapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/openapi/openapitest"
)

// countryPattern is the documented tightening of the country properties.
const countryPattern = `^[A-Za-z]{2}$`

// conformanceCases pairs each of our documents with the official one.
var conformanceCases = []struct {
	version, ours, official string
	// tightenedPatterns are request properties whose pattern we add on
	// purpose (documented under "Differences from the CAMARA document").
	tightenedPatterns map[string]string
}{
	{"v0.3", "kyc-match-v0.3.yaml", "kyc-match-v0.3.0.yaml", map[string]string{"country": countryPattern}},
	{"v0.4", "kyc-match-v0.4.yaml", "kyc-match-v0.4.0.yaml", map[string]string{"country": countryPattern, "countryOfBirth": countryPattern, "nationality": countryPattern}},
}

// addedErrorResponses are the statuses we document beyond the official ones,
// with the CAMARA error the gateway emits for each.
var addedErrorResponses = map[string]*camara.Error{
	"405": camara.ErrMethodNotAllowed,
	"413": camara.ErrPayloadTooLarge,
	"415": camara.ErrUnsupportedMediaType,
	"429": camara.ErrTooManyRequests,
	"500": camara.ErrInternal,
	"503": camara.ErrUnavailable,
	"504": camara.ErrTimeout,
}

func TestConformanceWithOfficialDocuments(t *testing.T) {
	for _, tc := range conformanceCases {
		t.Run(tc.version, func(t *testing.T) {
			official := openapitest.OfficialDocument(t, tc.official)
			ours, err := Load(tc.ours)
			require.NoError(t, err)

			t.Run("server base path", func(t *testing.T) {
				assert.Equal(t, serverPaths(t, official), serverPaths(t, ours))
			})
			t.Run("paths and methods", func(t *testing.T) {
				assert.Equal(t, operationKeys(official), operationKeys(ours))
			})
			for _, key := range operationKeys(official) {
				theirs, mine := operationOf(official, key), operationOf(ours, key)
				if mine == nil {
					continue // reported by "paths and methods"
				}
				t.Run(key, func(t *testing.T) {
					assertSameOperation(t, official, ours, theirs, mine, tc.tightenedPatterns)
				})
			}
		})
	}
}

// assertSameOperation compares one operation of both documents.
func assertSameOperation(t *testing.T, officialDoc, oursDoc *openapi3.T, official, ours *openapi3.Operation, tightened map[string]string) {
	t.Run("operationId", func(t *testing.T) {
		assert.Equal(t, official.OperationID, ours.OperationID)
	})
	t.Run("security", func(t *testing.T) {
		assert.Equal(t, securityOf(officialDoc, official), securityOf(oursDoc, ours))
	})
	t.Run("x-correlator pattern", func(t *testing.T) {
		want := correlatorPattern(t, official)
		require.NotEmpty(t, want)
		assert.Equal(t, want, correlatorPattern(t, ours))
		for status, pattern := range responseCorrelatorPatterns(ours) {
			assert.Equal(t, want, pattern, "x-correlator header of response %s", status)
		}
	})
	t.Run("request body", func(t *testing.T) {
		assertSameRequestBody(t, official, ours, tightened)
	})
	t.Run("response 200", func(t *testing.T) {
		theirs := objectProperties(successSchema(t, official))
		mine := objectProperties(successSchema(t, ours))
		assert.Equal(t, theirs, mine)
	})
	t.Run("error codes", func(t *testing.T) {
		assertSameErrorCodes(t, official, ours)
	})
}

// assertSameRequestBody compares the request body's media types and
// properties; documented tightenings are checked, then ignored.
func assertSameRequestBody(t *testing.T, official, ours *openapi3.Operation, tightened map[string]string) {
	require.NotNil(t, official.RequestBody)
	require.NotNil(t, ours.RequestBody)
	assert.Equal(t, official.RequestBody.Value.Required, ours.RequestBody.Value.Required)
	assert.Equal(t, slices.Sorted(maps.Keys(official.RequestBody.Value.Content)), slices.Sorted(maps.Keys(ours.RequestBody.Value.Content)))

	oursSchema := requestSchema(t, ours)
	require.NotNil(t, oursSchema.AdditionalProperties.Has, "additionalProperties is set")
	assert.False(t, *oursSchema.AdditionalProperties.Has, "documented tightening: additionalProperties: false")
	assert.Zero(t, oursSchema.MinProps, "no minProperties: {} must reach the gateway's own check")

	theirs := objectProperties(requestSchema(t, official))
	mine := objectProperties(oursSchema)
	for name, pattern := range tightened {
		assert.Empty(t, theirs[name].Pattern, "official %s has no pattern", name)
		assert.Equal(t, pattern, mine[name].Pattern, "documented tightening of %s", name)
		p := mine[name]
		p.Pattern = theirs[name].Pattern
		mine[name] = p
	}
	assert.Equal(t, theirs, mine)
}

// assertSameErrorCodes compares the error codes of each official status and
// checks that our extra statuses are exactly the documented additions.
func assertSameErrorCodes(t *testing.T, official, ours *openapi3.Operation) {
	theirs, mine := errorCodes(official), errorCodes(ours)
	for status, codes := range theirs {
		assert.Equal(t, codes, mine[status], "codes of status %s", status)
	}
	for status, codes := range mine {
		if _, ok := theirs[status]; ok {
			continue
		}
		added, ok := addedErrorResponses[status]
		if !assert.True(t, ok, "status %s is neither official nor a documented addition", status) {
			continue
		}
		assert.Equal(t, []string{added.Code}, codes, "codes of added status %s", status)
		assert.Equal(t, status, fmt.Sprint(added.Status))
	}
	for status := range addedErrorResponses {
		assert.Contains(t, mine, status, "documented addition %s is present", status)
	}
}

// property is what the conformance test compares of a schema property.
type property struct {
	Types   []string
	Enum    []string
	Format  string
	Pattern string
	Min     *float64
	Max     *float64
}

// objectProperties summarises the properties of an object schema, merging
// allOf parts.
func objectProperties(s *openapi3.Schema) map[string]property {
	out := map[string]property{}
	for _, part := range flatten(s) {
		for name, ref := range part.Properties {
			out[name] = mergeProperty(out[name], summarize(ref.Value))
		}
	}
	return out
}

// summarize reduces a schema, allOf parts included, to a property.
func summarize(s *openapi3.Schema) property {
	var p property
	for _, part := range flatten(s) {
		p = mergeProperty(p, property{
			Types:   typesOf(part),
			Enum:    enumOf(part.Enum),
			Format:  part.Format,
			Pattern: part.Pattern,
			Min:     part.Min,
			Max:     part.Max,
		})
	}
	return p
}

// mergeProperty fills the empty fields of a from b.
func mergeProperty(a, b property) property {
	if a.Types == nil {
		a.Types = b.Types
	}
	if a.Enum == nil {
		a.Enum = b.Enum
	}
	if a.Format == "" {
		a.Format = b.Format
	}
	if a.Pattern == "" {
		a.Pattern = b.Pattern
	}
	if a.Min == nil {
		a.Min = b.Min
	}
	if a.Max == nil {
		a.Max = b.Max
	}
	return a
}

// flatten returns s followed by its allOf parts, recursively.
func flatten(s *openapi3.Schema) []*openapi3.Schema {
	if s == nil {
		return nil
	}
	out := []*openapi3.Schema{s}
	for _, ref := range s.AllOf {
		out = append(out, flatten(ref.Value)...)
	}
	return out
}

func typesOf(s *openapi3.Schema) []string {
	if s.Type == nil || len(*s.Type) == 0 {
		return nil
	}
	return slices.Clone(*s.Type)
}

func enumOf(values []any) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprint(v)
	}
	slices.Sort(out)
	return out
}

// errorCodes collects, per status of 400 and above, the enum of the error
// body's "code" property.
func errorCodes(op *openapi3.Operation) map[string][]string {
	out := map[string][]string{}
	for status, ref := range op.Responses.Map() {
		if status < "400" {
			continue
		}
		media := ref.Value.Content.Get("application/json")
		if media == nil || media.Schema == nil {
			out[status] = nil
			continue
		}
		out[status] = objectProperties(media.Schema.Value)["code"].Enum
	}
	return out
}

// securityOf renders the security requirements with each scheme's type, e.g.
// "openId(openIdConnect): kyc-match:match".
func securityOf(doc *openapi3.T, op *openapi3.Operation) []string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []string
	for _, req := range reqs {
		for name, scopes := range req {
			kind := "undeclared"
			if ref := doc.Components.SecuritySchemes[name]; ref != nil && ref.Value != nil {
				kind = ref.Value.Type
			}
			out = append(out, fmt.Sprintf("%s(%s): %s", name, kind, strings.Join(scopes, " ")))
		}
	}
	slices.Sort(out)
	return out
}

// correlatorPattern returns the pattern of the x-correlator header parameter.
func correlatorPattern(t *testing.T, op *openapi3.Operation) string {
	p := op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "x-correlator")
	require.NotNil(t, p, "x-correlator parameter")
	require.NotNil(t, p.Schema)
	return summarize(p.Schema.Value).Pattern
}

// responseCorrelatorPatterns returns the x-correlator header pattern of each
// response.
func responseCorrelatorPatterns(op *openapi3.Operation) map[string]string {
	out := map[string]string{}
	for status, ref := range op.Responses.Map() {
		h := ref.Value.Headers["x-correlator"]
		if h == nil || h.Value == nil || h.Value.Schema == nil {
			out[status] = ""
			continue
		}
		out[status] = summarize(h.Value.Schema.Value).Pattern
	}
	return out
}

func requestSchema(t *testing.T, op *openapi3.Operation) *openapi3.Schema {
	media := op.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, media)
	require.NotNil(t, media.Schema)
	return media.Schema.Value
}

func successSchema(t *testing.T, op *openapi3.Operation) *openapi3.Schema {
	ref := op.Responses.Status(http.StatusOK)
	require.NotNil(t, ref)
	media := ref.Value.Content.Get("application/json")
	require.NotNil(t, media)
	require.NotNil(t, media.Schema)
	return media.Schema.Value
}

// operationKeys lists "METHOD /path" for every operation of the document.
func operationKeys(doc *openapi3.T) []string {
	var keys []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			keys = append(keys, method+" "+path)
		}
	}
	slices.Sort(keys)
	return keys
}

func operationOf(doc *openapi3.T, key string) *openapi3.Operation {
	method, path, _ := strings.Cut(key, " ")
	item := doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	return item.GetOperation(method)
}

func serverPaths(t *testing.T, doc *openapi3.T) []string {
	var out []string
	for _, s := range doc.Servers {
		p, err := serverBasePath(s)
		require.NoError(t, err)
		out = append(out, p)
	}
	return out
}

// officialRequestExamples returns the request body examples of the official
// POST /match, by name.
func officialRequestExamples(t *testing.T, official *openapi3.T) map[string]map[string]any {
	op := operationOf(official, "POST /match")
	require.NotNil(t, op)
	media := op.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, media)
	require.NotEmpty(t, media.Examples)
	out := map[string]map[string]any{}
	for name, ref := range media.Examples {
		body, ok := ref.Value.Value.(map[string]any)
		require.True(t, ok, "example %s is an object", name)
		out[name] = body
	}
	return out
}

func TestOfficialRequestExamplesPassOurValidator(t *testing.T) {
	for _, tc := range conformanceCases {
		official := openapitest.OfficialDocument(t, tc.official)
		for name, example := range officialRequestExamples(t, official) {
			t.Run(tc.version+"/"+name, func(t *testing.T) {
				body, err := json.Marshal(example)
				require.NoError(t, err)
				assert.Nil(t, validate(t, tc.version, string(body)))
			})
		}
	}
}

func TestOfficialResponseExamplesFitOurSchema(t *testing.T) {
	for _, tc := range conformanceCases {
		t.Run(tc.version, func(t *testing.T) {
			official := openapitest.OfficialDocument(t, tc.official)
			ours, err := Load(tc.ours)
			require.NoError(t, err)
			media := operationOf(official, "POST /match").Responses.Status(http.StatusOK).Value.Content.Get("application/json")
			require.NotEmpty(t, media.Examples)
			schema := successSchema(t, operationOf(ours, "POST /match"))
			for name, ex := range media.Examples {
				assert.NoError(t, schema.VisitJSON(ex.Value.Value, openapi3.VisitAsResponse()), "official example %s", name)
			}
		})
	}
}

func TestOurRequestExamplesFitTheOfficialSchema(t *testing.T) {
	for _, tc := range conformanceCases {
		t.Run(tc.version, func(t *testing.T) {
			official := openapitest.OfficialDocument(t, tc.official)
			ours, err := Load(tc.ours)
			require.NoError(t, err)
			schema := requestSchema(t, operationOf(official, "POST /match"))
			media := operationOf(ours, "POST /match").RequestBody.Value.Content.Get("application/json")
			require.NotEmpty(t, media.Examples)
			for name, ex := range media.Examples {
				assert.NoError(t, schema.VisitJSON(ex.Value.Value, openapi3.VisitAsRequest()), "our example %s", name)
			}
		})
	}
}

func TestSpoiledOfficialExamplesAreRefusedNamingTheField(t *testing.T) {
	spoilers := []struct {
		name, field string
		value       any
	}{
		{"wrong type", "givenName", 7},
		{"bad enum", "gender", "UNKNOWN"},
		{"bad date", "birthdate", "2020-13-45"},
		{"bad email", "email", "not-an-email"},
		{"bad phone pattern", "phoneNumber", "0034629255833"},
		{"unknown property", "shoeSize", "42"},
		{"three-letter country", "country", "USA"},
	}
	for _, tc := range conformanceCases {
		official := openapitest.OfficialDocument(t, tc.official)
		for exampleName, example := range officialRequestExamples(t, official) {
			for _, s := range spoilers {
				t.Run(tc.version+"/"+exampleName+"/"+s.name, func(t *testing.T) {
					spoiled := maps.Clone(example)
					spoiled[s.field] = s.value
					body, err := json.Marshal(spoiled)
					require.NoError(t, err)
					got := validate(t, tc.version, string(body))
					require.NotNil(t, got)
					assert.ErrorIs(t, got, camara.ErrInvalidArgument)
					assert.Contains(t, got.Message, fmt.Sprintf("%q", s.field))
					if str, ok := s.value.(string); ok {
						assert.NotContains(t, got.Message, str)
					}
				})
			}
		}
	}
}
