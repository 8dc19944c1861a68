package identity_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/internal/jsonlimit"
)

// The photos of the story: two of one person without editing traces in
// their metadata, and one of another person.
const (
	personFirst  = "kit@1.jpg"
	personLater  = "kit@3.jpg"
	otherPerson  = "obama@4.jpg"
	selfieInput  = identity.InputSelfiePhoto
	reverifyStep = identity.StepReFacematch
)

// verifySelfie runs a verification of flowID with one selfie photo and
// returns the final resource and its webhooks.
func (e *env) verifySelfie(flowID, identityID string, metadata map[string]any, photo []byte) (map[string]any, []hook) {
	e.t.Helper()
	started := e.start(merchantA, flowID, identityID, metadata)
	id := started["id"].(string)
	r := e.sendInput(e.token(merchantA), id, file{inputType: selfieInput, name: "selfie.jpg", data: photo})
	require.Equal(e.t, http.StatusOK, r.status, "body: %s", r.body)
	assert.JSONEq(e.t, `[{"result":true}]`, string(r.body))
	return e.waitEnded(merchantA, id), e.receiver.waitFor(id)
}

func TestReVerificationOfAReturningCustomer(t *testing.T) {
	e := newEnv(t, envOptions{})
	first := e.createFlow(merchantA, identity.StepSelfie)
	again := e.createFlow(merchantA, identity.StepSelfie, identity.StepReFacematch)

	// The first verification creates the identity.
	original, hooks := e.verifySelfie(first, "", map[string]any{"OriginalFlowMetadataKey": "OriginalFlowMetadataValue"}, face(t, personFirst))
	assert.Equal(t, identity.StatusVerified, original["status"], "resource: %v", original)
	identityID := original["identity"].(string)
	assert.Regexp(t, `^[0-9a-f]{24}$`, identityID)
	e.receiver.requireSigned(hooks)
	assert.Equal(t, []string{"verification_started", "verification_inputs_completed", "step_completed", "verification_completed"}, names(hooks))
	requireSeedEnvelope(t, stepHook(t, hooks, identity.StepSelfie))

	t.Run("same person", func(t *testing.T) {
		current, hooks := e.verifySelfie(again, identityID, map[string]any{"CurrentFlowMetadataKey": "CurrentFlowMetadataValue"}, face(t, personLater))
		assert.Equal(t, identity.StatusVerified, current["status"])
		assert.Equal(t, identityID, current["identity"], "the same identity")
		e.receiver.requireSigned(hooks)
		body := stepHook(t, hooks, reverifyStep)
		requireSeedEnvelope(t, body)
		assert.Equal(t, map[string]any{
			"OriginalFlowMetadataKey": "OriginalFlowMetadataValue",
			"CurrentFlowMetadataKey":  "CurrentFlowMetadataValue",
		}, body["metadata"], "one merged metadata object")
		assert.Equal(t, "https://kyc.example.test/v2/verifications/"+current["id"].(string), body["resource"])
		assert.Equal(t, again, body["flowId"])
		step := body["step"].(map[string]any)
		assert.Nil(t, step["error"])
		data := step["data"].(map[string]any)
		assert.Equal(t, original["id"], data["previousVerificationId"])
		assert.Greater(t, data["facematchScore"].(float64), 50.0, "above the calibrated threshold")
		assert.LessOrEqual(t, data["facematchScore"].(float64), 100.0)
		assert.Nil(t, data["currentSelfieVideoUrl"], "no video was captured")
		assert.Contains(t, data["currentSelfiePhotoUrl"], "https://kyc.example.test/media/file?location=eyJhbGciOiJ")
		assert.Contains(t, data["previousSelfiePhotoUrl"], "https://kyc.example.test/media/file?location=")
		assert.Nil(t, data["previousSelfieVideoUrl"])
		shown := stepOf(current, reverifyStep)
		assert.Nil(t, shown["error"], "GET shows the same step")
		assert.Equal(t, data["facematchScore"], shown["data"].(map[string]any)["facematchScore"])
		completed := hooks[len(hooks)-1].body
		assert.Equal(t, "verification_completed", completed["eventName"])
		assert.Equal(t, identity.StatusVerified, completed["status"])
	})

	t.Run("another person", func(t *testing.T) {
		current, hooks := e.verifySelfie(again, identityID, nil, face(t, otherPerson))
		assert.Equal(t, identity.StatusRejected, current["status"])
		e.receiver.requireSigned(hooks)
		body := stepHook(t, hooks, reverifyStep)
		requireSeedEnvelope(t, body)
		step := body["step"].(map[string]any)
		assert.Equal(t, map[string]any{
			"type": "StepError", "code": "facematch.notConfidentComparison",
			"message": "The person on photos might not be the same", "reasonCode": "notConfidentComparison",
		}, step["error"])
		assert.Less(t, step["data"].(map[string]any)["facematchScore"].(float64), 50.0)
		assert.Equal(t, step["error"], stepOf(current, reverifyStep)["error"], "GET shows the same error")
	})
}

func TestStartVerificationRefusesUnusableIdentities(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	selfieFlow := e.createFlow(merchantA, identity.StepSelfie)
	again := e.createFlow(merchantA, identity.StepSelfie, identity.StepReFacematch)
	// A verification whose selfie could not be assessed is no reference.
	unassessed, _ := e.verifySelfie(selfieFlow, "", nil, noFacePhoto(t))
	identityID := unassessed["identity"].(string)

	tests := []struct {
		name     string
		merchant string
		body     map[string]any
		status   int
		code     string
	}{
		{"unknown identity", merchantA, map[string]any{"flowId": again, "identityId": "0123456789abcdef01234567"}, http.StatusNotFound, "NOT_FOUND"},
		{"another merchant's identity", merchantB, map[string]any{"flowId": e.createFlow(merchantB, identity.StepSelfie, identity.StepReFacematch), "identityId": identityID}, http.StatusNotFound, "NOT_FOUND"},
		{"no biometric reference", merchantA, map[string]any{"flowId": again, "identityId": identityID}, http.StatusUnprocessableEntity, "VERIFICATIONS.NO_BIOMETRIC_REFERENCE"},
		{"re-facematch without identity", merchantA, map[string]any{"flowId": again}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"malformed identity", merchantA, map[string]any{"flowId": again, "identityId": "../x"}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"unknown flow", merchantA, map[string]any{"flowId": "nope"}, http.StatusNotFound, "NOT_FOUND"},
		{"another merchant's flow", merchantB, map[string]any{"flowId": selfieFlow}, http.StatusNotFound, "NOT_FOUND"},
		{"unknown field", merchantA, map[string]any{"flowId": selfieFlow, "extra": 1}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		// Limits of every JSON body, which PostgreSQL and SQLite would
		// otherwise hit as server errors when the metadata is stored.
		{"NUL in metadata", merchantA, map[string]any{"flowId": selfieFlow, "metadata": map[string]any{"k": "a\x00b"}}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"metadata nested too deep", merchantA, map[string]any{"flowId": selfieFlow, "metadata": nestedMetadata(jsonlimit.MaxDepth)}, http.StatusBadRequest, "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postJSON("/v2/verifications", e.token(tt.merchant), tt.body)
			requireError(t, r, tt.status, tt.code)
		})
	}
}

// nestedMetadata returns metadata whose objects nest depth levels deep
// below the metadata object itself.
func nestedMetadata(depth int) map[string]any {
	m := map[string]any{"leaf": true}
	for range depth - 1 {
		m = map[string]any{"k": m}
	}
	return m
}

// requireError asserts a CAMARA error body.
func requireError(t *testing.T, r response, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	m := r.object(t)
	assert.Equal(t, float64(status), m["status"])
	assert.Equal(t, code, m["code"])
	assert.NotEmpty(t, m["message"])
	assert.Len(t, m, 3, "a CAMARA error has status, code and message")
}

// TestMetadataValuesComeBackExactlyAsSent checks that metadata values are
// kept as the merchant's JSON: integers beyond float64's precision and
// decimals are answered and sent in webhooks unchanged.
func TestMetadataValuesComeBackExactlyAsSent(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	metadata := `{"orderId":9007199254740993,"i64":9223372036854775807,"amount":10.50,"nested":{"ids":[18446744073709551615]}}`
	r := e.call(http.MethodPost, "/v2/verifications", e.token(merchantA), []byte(`{"flowId":"`+flow+`","metadata":`+metadata+`}`), "")
	require.Equal(t, http.StatusCreated, r.status, "body: %s", r.body)
	var created struct {
		ID       string          `json:"id"`
		Metadata json.RawMessage `json:"metadata"`
	}
	require.NoError(t, json.Unmarshal(r.body, &created))
	want := []string{`9007199254740993`, `9223372036854775807`, `10.50`, `18446744073709551615`}
	for _, v := range want {
		assert.Contains(t, string(created.Metadata), v, "the answer keeps %s", v)
		assert.Contains(t, string(e.get(merchantA, created.ID).body), v, "the stored resource keeps %s", v)
	}
	require.Equal(t, http.StatusOK, e.sendInput(e.token(merchantA), created.ID, file{inputType: "selfie-photo", name: "s.jpg", data: noFacePhoto(t)}).status)
	hooks := e.receiver.waitFor(created.ID)
	require.NotEmpty(t, hooks)
	for _, h := range hooks {
		for _, v := range want {
			assert.Contains(t, string(h.raw), v, "%s keeps %s", h.eventName, v)
		}
	}
}
