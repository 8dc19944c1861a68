package openapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/camara"
)

func TestNewDocumentRefusesUnknownName(t *testing.T) {
	_, err := NewDocument("kyc-match-v0.9.yaml")
	assert.ErrorIs(t, err, ErrUnknownDocument)
}

func TestDocumentNameAndVersion(t *testing.T) {
	doc, err := NewDocument("kyc-match-v0.4.yaml")
	require.NoError(t, err)
	assert.Equal(t, "kyc-match-v0.4.yaml", doc.Name())
	assert.Equal(t, "0.4.0", doc.Version())
}

func TestOperationResolvesGatewayRoutes(t *testing.T) {
	tests := []struct {
		name, doc, method, path string
		wantErr                 string
	}{
		{name: "v0.3 match", doc: "kyc-match-v0.3.yaml", method: http.MethodPost, path: "/kyc-match/v0.3/match"},
		{name: "v0.4 match", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.4/match"},
		{name: "lower-case method", doc: "kyc-match-v0.4.yaml", method: "post", path: "/kyc-match/v0.4/match"},
		{name: "other version's path", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.3/match", wantErr: "outside every server"},
		{name: "base path is a segment prefix only", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.40/match", wantErr: "outside every server"},
		{name: "unknown path", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.4/matches", wantErr: "no path of the document matches"},
		{name: "parameter instead of literal", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.4/:id", wantErr: "no path of the document matches"},
		{name: "undeclared method", doc: "kyc-match-v0.4.yaml", method: http.MethodGet, path: "/kyc-match/v0.4/match", wantErr: "has no GET operation"},
		{name: "catch-all", doc: "kyc-match-v0.4.yaml", method: http.MethodPost, path: "/kyc-match/v0.4/*rest", wantErr: "catch-all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := NewDocument(tt.doc)
			require.NoError(t, err)
			op, err := doc.Operation(tt.method, tt.path)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, op)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "KYC_Match", op.ID())
			assert.Equal(t, "/match", op.Path())
			assert.Equal(t, http.MethodPost, op.Method())
		})
	}
}

// paramsSpec is a small document with path and query parameters, to test
// gin parameter mapping, which the KYC Match documents do not need.
const paramsSpec = `
openapi: 3.0.3
info: {title: params, version: 1.0.0}
servers:
  - url: '{apiRoot}/v2'
    variables:
      apiRoot: {default: 'https://gateway.example'}
paths:
  /verifications/{verificationId}:
    get:
      operationId: getVerification
      parameters:
        - name: verificationId
          in: path
          required: true
          schema: {type: string, format: uuid, pattern: '^[0-9a-f-]{36}$'}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 50}
      responses:
        '200': {description: ok}
`

func newParamsDocument(t *testing.T) *Document {
	t.Helper()
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData([]byte(paramsSpec))
	require.NoError(t, err)
	require.NoError(t, spec.Validate(context.Background()))
	doc, err := newDocument("params.yaml", spec)
	require.NoError(t, err)
	return doc
}

func TestOperationMapsGinParametersByPosition(t *testing.T) {
	const id = "4f1c2b9e-0d7a-4b6e-9c3d-2a5f8e7b1c60"
	tests := []struct {
		name      string
		ginPath   string
		params    map[string]string
		query     string
		wantValid bool
		wantMsg   string
	}{
		{"same name", "/v2/verifications/:verificationId", map[string]string{"verificationId": id}, "", true, ""},
		{"different gin name", "/v2/verifications/:id", map[string]string{"id": id}, "", true, ""},
		{"bad path value", "/v2/verifications/:id", map[string]string{"id": "SECRET-VALUE-123"}, "", false, `path parameter "verificationId" does not match the required pattern`},
		{"missing path value", "/v2/verifications/:id", map[string]string{}, "", false, `path parameter "verificationId" is required`},
		{"query out of range", "/v2/verifications/:id", map[string]string{"id": id}, "limit=500", false, `query parameter "limit" is invalid: must not be above 50`},
		{"query not a number", "/v2/verifications/:id", map[string]string{"id": id}, "limit=SECRET-VALUE-123", false, `query parameter "limit" is invalid: must be an integer`},
	}
	doc := newParamsDocument(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := doc.Operation(http.MethodGet, tt.ginPath)
			require.NoError(t, err)
			assert.Equal(t, "getVerification", op.ID())
			r := httptest.NewRequest(http.MethodGet, "/v2/verifications/x?"+tt.query, nil)
			got := op.ValidateRequest(context.Background(), r, tt.params, nil)
			if tt.wantValid {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.ErrorIs(t, got, camara.ErrInvalidArgument)
			assert.Contains(t, got.Message, tt.wantMsg)
			assert.NotContains(t, got.Message, "SECRET-VALUE-123")
		})
	}
}

func TestServerBasePathUsesVariableDefaults(t *testing.T) {
	tests := []struct {
		url  string
		vars map[string]*openapi3.ServerVariable
		want string
	}{
		{"/kyc-match/v0.4", nil, "/kyc-match/v0.4"},
		{"{apiRoot}/kyc-match/v0.4", map[string]*openapi3.ServerVariable{"apiRoot": {Default: "http://localhost:9091"}}, "/kyc-match/v0.4"},
		{"{apiRoot}/kyc-match/v0.4", map[string]*openapi3.ServerVariable{"apiRoot": {Default: "https://api.example.com/somepath"}}, "/somepath/kyc-match/v0.4"},
		{"https://api.example.com/", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := serverBasePath(&openapi3.Server{URL: tt.url, Variables: tt.vars})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestServerBasePathRefusesMalformedURL(t *testing.T) {
	_, err := serverBasePath(&openapi3.Server{URL: "http://[::1"})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "server URL"))
}
