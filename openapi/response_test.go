package openapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateResponse(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	withCorrelator := func(value string) http.Header {
		return http.Header{"Content-Type": {"application/json"}, "X-Correlator": {value}}
	}
	tests := []struct {
		name    string
		doc     string
		status  int
		header  http.Header
		body    string
		problem string
	}{
		{name: "match answer", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":"true","familyNameMatch":"false","familyNameMatchScore":82}`},
		{name: "empty answer object", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader, body: `{}`},
		{name: "extra property an operator adds", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":"true","operatorTrace":"x"}`},
		{name: "score 100 in 0.3", doc: "kyc-match-v0.3.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":"false","givenNameMatchScore":100}`},
		{name: "score 100 in 0.4", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":"false","givenNameMatchScore":100}`, problem: "givenNameMatchScore"},
		{name: "result not in the enum", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":"maybe"}`, problem: "givenNameMatch"},
		{name: "boolean instead of string", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":true}`, problem: "givenNameMatch"},
		{name: "not JSON", doc: "kyc-match-v0.4.yaml", status: 200, header: jsonHeader,
			body: `{"givenNameMatch":`, problem: "not valid JSON"},
		{name: "HTML error page", doc: "kyc-match-v0.4.yaml", status: 200, header: http.Header{"Content-Type": {"text/html"}},
			body: `"<html>"`, problem: "Content-Type"},
		{name: "declared error", doc: "kyc-match-v0.4.yaml", status: 404, header: jsonHeader,
			body: `{"status":404,"code":"IDENTIFIER_NOT_FOUND","message":"x"}`},
		{name: "idDocument error", doc: "kyc-match-v0.3.yaml", status: 403, header: jsonHeader,
			body: `{"status":403,"code":"KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED","message":"x"}`},
		{name: "error code of another status", doc: "kyc-match-v0.4.yaml", status: 404, header: jsonHeader,
			body: `{"status":404,"code":"SERVICE_NOT_APPLICABLE","message":"x"}`, problem: "code"},
		{name: "error without message", doc: "kyc-match-v0.4.yaml", status: 422, header: jsonHeader,
			body: `{"status":422,"code":"SERVICE_NOT_APPLICABLE"}`, problem: "message"},
		{name: "undeclared status", doc: "kyc-match-v0.4.yaml", status: 418, header: jsonHeader,
			body: `{"status":418,"code":"TEAPOT","message":"x"}`, problem: "status is not supported"},
		{name: "valid correlator echoed", doc: "kyc-match-v0.3.yaml", status: 200, header: withCorrelator("abc-123"),
			body: `{"givenNameMatch":"true"}`},
		{name: "correlator outside the pattern", doc: "kyc-match-v0.3.yaml", status: 200, header: withCorrelator("urn:x.1"),
			body: `{"givenNameMatch":"true"}`, problem: "x-correlator"},
	}
	docs := map[string]*Document{}
	for _, name := range []string{"kyc-match-v0.3.yaml", "kyc-match-v0.4.yaml"} {
		doc, err := NewDocument(name)
		require.NoError(t, err)
		docs[name] = doc
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := docs[tc.doc]
			op, err := doc.Operation(http.MethodPost, "/kyc-match/"+versionSegment(tc.doc)+"/match")
			require.NoError(t, err)
			err = op.ValidateResponse(context.Background(), tc.status, tc.header, []byte(tc.body))
			if tc.problem == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrResponseNotConforming)
			assert.Contains(t, err.Error(), tc.problem)
		})
	}
}

func TestValidateResponseNeverRepeatsValues(t *testing.T) {
	doc, err := NewDocument("kyc-match-v0.4.yaml")
	require.NoError(t, err)
	op, err := doc.Operation(http.MethodPost, "/kyc-match/v0.4/match")
	require.NoError(t, err)
	err = op.ValidateResponse(context.Background(), 200, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"givenNameMatch":"Federica Sanchez"}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Federica")
}

// versionSegment returns "v0.4" for "kyc-match-v0.4.yaml".
func versionSegment(doc string) string { return doc[len("kyc-match-") : len(doc)-len(".yaml")] }
