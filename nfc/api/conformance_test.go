package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/api"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/openapi"
)

// contracts holds, per route path, the operation of the NFC documents
// that describes its answers, and the NFCResult schema of the webhook.
var contracts struct {
	once       sync.Once
	err        error
	operations map[string]*openapi.Operation
	result     *openapi3.Schema
}

// loadContracts resolves the five routes in nfc-partner-v1.yaml and
// nfc-reader-v1.yaml (with kin-openapi) once per test binary.
func loadContracts(t testing.TB) {
	t.Helper()
	contracts.once.Do(func() {
		routes := []struct{ doc, method, path string }{
			{api.PartnerDocument, http.MethodPost, api.PathSessionInit},
			{api.PartnerDocument, http.MethodPost, api.PathWebhookConfirmation},
			{api.ReaderDocument, http.MethodPost, api.PathRedeem},
			{api.ReaderDocument, http.MethodPost, api.PathUpload},
			{api.ReaderDocument, http.MethodGet, api.PathStatus},
		}
		contracts.operations = map[string]*openapi.Operation{}
		for _, r := range routes {
			doc, err := openapi.NewDocument(r.doc)
			if err != nil {
				contracts.err = err
				return
			}
			op, err := doc.Operation(r.method, r.path)
			if err != nil {
				contracts.err = err
				return
			}
			contracts.operations[r.method+" "+r.path] = op
		}
		spec, err := openapi.Load(api.PartnerDocument)
		if err != nil {
			contracts.err = err
			return
		}
		ref, ok := spec.Components.Schemas["NFCResult"]
		if !ok || ref.Value == nil {
			contracts.err = errNoResultSchema
			return
		}
		contracts.result = ref.Value
	})
	require.NoError(t, contracts.err)
}

// errNoResultSchema means the partner document lost its NFCResult schema.
var errNoResultSchema = errors.New("components.schemas.NFCResult missing from " + api.PartnerDocument)

// conformingHandler wraps the gateway so that every answer of an NFC route
// is checked against its OpenAPI operation: declared status, headers and
// body schema. A non-conforming answer fails the test that caused it.
func conformingHandler(t *testing.T, next http.Handler) http.Handler {
	loadContracts(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		op, ok := contracts.operations[r.Method+" "+r.URL.Path]
		if !ok {
			return
		}
		if err := op.ValidateResponse(context.Background(), rec.status, rec.Header(), rec.body.Bytes()); err != nil {
			t.Errorf("%s %s answered %d not as documented: %v\nbody: %s", r.Method, r.URL.Path, rec.status, err, rec.body.Bytes())
		}
	})
}

// recorder copies the status and body of an answer while writing it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Write records the body.
func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// validateResultWebhook checks a delivered result webhook body against
// components.schemas.NFCResult of nfc-partner-v1.yaml.
func validateResultWebhook(t testing.TB, body []byte) error {
	loadContracts(t)
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return err
	}
	return contracts.result.VisitJSON(value)
}

func TestResultSchemaRefusesWrongBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"minimal error", `{"result":"Err","code":208,"message":"Invalid or tampered data","ref":"","data":{},"face_match":null,` +
			`"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[],"verdict":"AA_FAILED","flags":[]}`, true},
		{"result not in enum", `{"result":"OK","code":0,"message":"","ref":"","data":{},"face_match":null,` +
			`"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[],"verdict":"AUTHENTIC","flags":[]}`, false},
		{"face_match above 1", `{"result":"Ok","code":0,"message":"","ref":"","data":{},"face_match":1.5,` +
			`"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[],"verdict":"AUTHENTIC","flags":[]}`, false},
		{"liveness entry null", `{"result":"Ok","code":0,"message":"","ref":"","data":{},"face_match":null,` +
			`"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[null],"verdict":"AUTHENTIC","flags":[]}`, false},
		{"flags missing", `{"result":"Ok","code":0,"message":"","ref":"","data":{},"face_match":null,` +
			`"face_match_confidence":null,"liveness_confidence":null,"liveness_confidence_array":[],"verdict":"AUTHENTIC"}`, false},
	}
	for _, tc := range tests {
		err := validateResultWebhook(t, []byte(tc.body))
		if tc.ok {
			assert.NoError(t, err, tc.name)
		} else {
			assert.Error(t, err, tc.name)
		}
	}
}

// TestResultSchemaEnumsMatchTheCode ties the NFCResult schema's verdict and
// flag enums to result.Outcomes() and result.Flags().
func TestResultSchemaEnumsMatchTheCode(t *testing.T) {
	loadContracts(t)
	var verdicts []any
	for _, o := range result.Outcomes() {
		verdicts = append(verdicts, o.Name)
	}
	assert.ElementsMatch(t, verdicts, contracts.result.Properties["verdict"].Value.Enum)
	var flags []any
	for _, f := range result.Flags() {
		flags = append(flags, f)
	}
	assert.ElementsMatch(t, flags, contracts.result.Properties["flags"].Value.Items.Value.Enum)
}
