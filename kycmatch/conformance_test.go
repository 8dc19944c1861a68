package kycmatch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/kycgate/kycgate/openapi/openapitest"
)

// The tests in this file hold the Attributes table and the codec to the
// official CAMARA KYC Match documents in ../shared/reference/camara.

// officialDocument parses the official OpenAPI document of version v; the
// test skips when the shared folder is absent (and fails under CI, see
// openapitest.SharedDir).
func officialDocument(t *testing.T, v Version) *yaml.Node {
	t.Helper()
	path := filepath.Join(openapitest.SharedDir(t), openapitest.CamaraReferenceDir, "kyc-match-v"+v.String()+".yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	return doc.Content[0]
}

// child returns the value of key in a mapping node, following the path.
func child(t *testing.T, n *yaml.Node, path ...string) *yaml.Node {
	t.Helper()
	for _, key := range path {
		require.Equal(t, yaml.MappingNode, n.Kind, "looking for %s", key)
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				n, found = n.Content[i+1], true
				break
			}
		}
		require.True(t, found, "key %s not found", key)
	}
	return n
}

// keys lists the keys of a mapping node in document order.
func keys(n *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// asJSON converts a YAML node into JSON bytes.
func asJSON(t *testing.T, n *yaml.Node) []byte {
	t.Helper()
	var v map[string]any
	require.NoError(t, n.Decode(&v))
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

func TestAttributesFollowTheOfficialSchemas(t *testing.T) {
	for _, v := range Versions {
		t.Run(v.String(), func(t *testing.T) {
			doc := officialDocument(t, v)
			schemas := child(t, doc, "components", "schemas")

			wantRequest := []string{phoneNumberProperty}
			var wantResponse []string
			for _, a := range Attributes {
				if !v.Has(a) {
					continue
				}
				wantRequest = append(wantRequest, a.Name)
				wantResponse = append(wantResponse, a.Name+"Match")
				if a.Scored {
					wantResponse = append(wantResponse, a.Name+"MatchScore")
				}
			}
			assert.Equal(t, wantRequest, keys(child(t, schemas, "KYC_MatchRequestBody", "properties")))
			assert.Equal(t, wantResponse, keys(child(t, schemas, "KYC_MatchResponse", "properties")))

			var maximum int
			require.NoError(t, child(t, schemas, "MatchScoreResult", "maximum").Decode(&maximum))
			assert.Equal(t, v.MaxScore, maximum)
		})
	}
}

func TestOfficialExamplesDecodeAndValidate(t *testing.T) {
	for _, v := range Versions {
		t.Run(v.String(), func(t *testing.T) {
			doc := officialDocument(t, v)
			post := child(t, doc, "paths", "/match", "post")

			examples := child(t, post, "requestBody", "content", "application/json", "examples")
			for i := 0; i+1 < len(examples.Content); i += 2 {
				body := asJSON(t, child(t, examples.Content[i+1], "value"))
				_, req, err := DecodeRequest(v, body)
				require.Nil(t, err, examples.Content[i].Value)
				assert.Nil(t, ValidateRequest(v, req), examples.Content[i].Value)
			}

			responses := child(t, post, "responses", "200", "content", "application/json", "examples")
			for i := 0; i+1 < len(responses.Content); i += 2 {
				body := asJSON(t, child(t, responses.Content[i+1], "value"))
				resp, err := DecodeResponse(v, body)
				require.NoError(t, err)
				assert.JSONEq(t, string(body), string(AppendResponseJSON(nil, v, resp)))
			}
		})
	}
}

func TestOfficialExampleMatchesItsOwnRecord(t *testing.T) {
	// The 0.4 example request matched against a record holding the same
	// data answers true everywhere, idDocument policy included.
	doc := officialDocument(t, V04)
	example := child(t, doc, "paths", "/match", "post", "requestBody", "content", "application/json",
		"examples", "Two-Legged and Three-leg Access Token Example", "value")
	phone, req, derr := DecodeRequest(V04, asJSON(t, example))
	require.Nil(t, derr)

	rec := Subscriber{PhoneNumber: phone, Attributes: map[string]string{}}
	for name, value := range req.Values {
		rec.Attributes[name] = value
	}
	resp, err := Match(V04, req, rec, Policy{RequireIDDocument: true})
	require.NoError(t, err)
	require.Len(t, resp, len(Attributes))
	for name, o := range resp {
		assert.Equal(t, Outcome{Result: True}, o, name)
	}
}
