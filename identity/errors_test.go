package identity_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

// stepError returns a step's error object from a resource.
func stepError(t *testing.T, resource map[string]any, id string) map[string]any {
	t.Helper()
	step := stepOf(resource, id)
	require.NotNil(t, step, "step %s in %v", id, resource)
	e, _ := step["error"].(map[string]any)
	return e
}

// requireStepWebhooks checks the step_completed webhooks of a verification
// against the seeds and returns them by step id.
func requireStepWebhooks(t *testing.T, e *env, verificationID string) map[string]map[string]any {
	t.Helper()
	hooks := e.receiver.waitFor(verificationID)
	e.receiver.requireSigned(hooks)
	out := map[string]map[string]any{}
	for _, h := range hooks {
		if h.eventName == identity.EventStepCompleted {
			requireSeedEnvelope(t, h.body)
			step := h.body["step"].(map[string]any)
			out[step["id"].(string)] = step
		}
	}
	return out
}

func TestMissingInputFailsItsStepAndTheDependentOnes(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine(), inputTimeout: 500 * time.Millisecond})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	v := e.start(merchantA, flow, "", nil)
	id := v["id"].(string)
	r := e.sendInput(e.token(merchantA), id, file{inputType: identity.InputDocumentPhoto, name: "front.jpg",
		data: noFacePhoto(t), extra: map[string]string{"type": "national-id", "country": "ES", "page": "front"}})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	done := e.waitEnded(merchantA, id)
	assert.Equal(t, identity.StatusReviewNeeded, done["status"])
	assert.True(t, done["expired"].(bool), "the input window passed without the selfie")
	assert.Equal(t, "input.failed", stepError(t, done, identity.StepSelfie)["code"])
	assert.Equal(t, "Cannot meet dependent input", stepError(t, done, identity.StepSelfie)["message"])
	assert.Equal(t, "node.failed", stepError(t, done, identity.StepFacematch)["code"])
	assert.Equal(t, "Cannot meet dependent node", stepError(t, done, identity.StepFacematch)["message"])
	documents := done["documents"].([]any)
	require.Len(t, documents, 1)
	assert.Equal(t, "ES", documents[0].(map[string]any)["country"])

	steps := requireStepWebhooks(t, e, id)
	assert.NotContains(t, steps[identity.StepSelfie], "data", "no data without the input, as in the seed")
	assert.NotContains(t, steps[identity.StepFacematch], "data")

	late := e.sendInput(e.token(merchantA), id, file{inputType: selfieInput, name: "late.jpg", data: noFacePhoto(t)})
	requireError(t, late, http.StatusConflict, "VERIFICATIONS.INPUTS_CLOSED")
}

func TestFailedPrerequisiteFailsTheDependentStep(t *testing.T) {
	e := newEnv(t, envOptions{})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	v := e.start(merchantA, flow, "", nil)
	id := v["id"].(string)
	r := e.sendInput(e.token(merchantA), id,
		file{inputType: selfieInput, name: "selfie.jpg", data: noFacePhoto(t)},
		file{inputType: identity.InputDocumentPhoto, name: "front.jpg", data: face(t, personLater)})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	done := e.waitEnded(merchantA, id)
	assert.Equal(t, identity.StatusReviewNeeded, done["status"])
	assert.Equal(t, "selfieFraudDetection.negligence", stepError(t, done, identity.StepSelfie)["code"], "no face in the selfie")
	assert.Equal(t, "node.failed", stepError(t, done, identity.StepFacematch)["code"])
	steps := requireStepWebhooks(t, e, id)
	assert.Contains(t, steps[identity.StepSelfie]["data"], "selfiePhotoUrl")
}

func TestFacematchAgainstTheDocumentPhoto(t *testing.T) {
	e := newEnv(t, envOptions{})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	tests := []struct {
		name     string
		document string
		status   string
		errCode  any
	}{
		{"same person", personLater, identity.StatusVerified, nil},
		{"another person", otherPerson, identity.StatusRejected, "legacy.error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.start(merchantA, flow, "", nil)
			id := v["id"].(string)
			r := e.sendInput(e.token(merchantA), id,
				file{inputType: selfieInput, name: "selfie.jpg", data: face(t, personFirst)},
				file{inputType: identity.InputDocumentPhoto, name: "front.jpg", data: face(t, tt.document)})
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			done := e.waitEnded(merchantA, id)
			assert.Equal(t, tt.status, done["status"])
			steps := requireStepWebhooks(t, e, id)
			fm := steps[identity.StepFacematch]
			score := fm["data"].(map[string]any)["score"].(float64)
			if tt.errCode == nil {
				assert.Nil(t, fm["error"])
				assert.Greater(t, score, 41.0)
			} else {
				assert.Equal(t, "The face did not match the document", fm["error"].(map[string]any)["message"])
				assert.Less(t, score, 41.0)
			}
		})
	}
}

func TestEngineFailuresAreSystemErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    func(t *testing.T) envOptions
		message string
	}{
		{"engine unavailable", func(*testing.T) envOptions { return envOptions{engine: noneEngine()} }, "Internal error"},
		{"engine past the step time limit", func(t *testing.T) envOptions {
			return envOptions{engine: sharedEngine(t), stepTimeout: time.Millisecond}
		}, "Step timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts(t))
			flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
			v := e.start(merchantA, flow, "", nil)
			id := v["id"].(string)
			r := e.sendInput(e.token(merchantA), id,
				file{inputType: selfieInput, name: "selfie.jpg", data: face(t, personFirst)},
				file{inputType: identity.InputDocumentPhoto, name: "front.jpg", data: face(t, personLater)})
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			done := e.waitEnded(merchantA, id)
			assert.Equal(t, identity.StatusReviewNeeded, done["status"])
			assert.Equal(t, map[string]any{"type": "SystemError", "code": "system.internalError", "message": tt.message},
				stepError(t, done, identity.StepSelfie))
			assert.Equal(t, "node.failed", stepError(t, done, identity.StepFacematch)["code"])
			steps := requireStepWebhooks(t, e, id)
			assert.Contains(t, steps[identity.StepSelfie]["data"], "selfiePhotoUrl", "the photo is shown, as in the seed")
			assert.NotContains(t, e.logs.String(), "selfie.jpg", "no file names in the logs")
		})
	}
}

func TestSendInputSizeLimits(t *testing.T) {
	const maxPhoto, maxVideo = 4096, 8192
	e := newEnv(t, envOptions{engine: noneEngine(), maxPhotoBytes: maxPhoto, maxVideoBytes: maxVideo})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepLiveness)
	small := tinyPhoto(t)
	require.Less(t, len(small), maxPhoto)
	mp4 := func(size int) []byte { return append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, size-12)...) }

	tests := []struct {
		name    string
		files   []file
		status  int
		code    string
		message string
	}{
		{"photo one byte over max_photo_bytes", []file{{inputType: selfieInput, name: "a.jpg", data: padded(small, maxPhoto+1)}},
			http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "at most 4096 bytes"},
		{"video one byte over max_video_bytes", []file{{inputType: identity.InputSelfieVideo, name: "v.mp4", data: mp4(maxVideo + 1)}},
			http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "8192 bytes"},
		{"body over the route's cap", []file{{inputType: identity.InputSelfieVideo, name: "v.mp4", data: mp4(256 << 10)}},
			http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "exceeds"},
		{"video over the photo limit but within its own", []file{{inputType: identity.InputSelfieVideo, name: "v.mp4", data: mp4(maxPhoto + 1)}},
			http.StatusOK, "", ""},
		{"photo at max_photo_bytes", []file{{inputType: selfieInput, name: "a.jpg", data: padded(small, maxPhoto)}},
			http.StatusOK, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := e.start(merchantA, flow, "", nil)["id"].(string)
			r := e.sendInput(e.token(merchantA), id, tt.files...)
			if tt.status == http.StatusOK {
				require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
				assert.JSONEq(t, `[{"result":true}]`, string(r.body))
				return
			}
			requireError(t, r, tt.status, tt.code)
			assert.Contains(t, r.object(t)["message"], tt.message)
			got := e.get(merchantA, id).object(t)
			for _, in := range got["inputs"].([]any) {
				assert.Equal(t, float64(0), in.(map[string]any)["status"], "nothing of a refused upload is kept")
			}
		})
	}
}

// tinyPhoto is a valid 32×32 JPEG of a few hundred bytes.
func tinyPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}

// padded appends zero bytes after a JPEG's end marker up to size bytes,
// as some cameras do; decoders ignore them.
func padded(data []byte, size int) []byte {
	return append(append([]byte{}, data...), make([]byte, size-len(data))...)
}

func TestSendInputRefusals(t *testing.T) {
	e := newEnv(t, envOptions{engine: noneEngine()})
	flow := e.createFlow(merchantA, identity.StepSelfie, identity.StepFacematch)
	tokenA := e.token(merchantA)
	v := e.start(merchantA, flow, "", nil)
	id := v["id"].(string)
	photo := noFacePhoto(t)

	tests := []struct {
		name   string
		token  string
		id     string
		files  []file
		status int
		code   string
	}{
		{"text instead of a photo", tokenA, id, []file{{inputType: selfieInput, name: "a.txt", data: []byte("not an image at all")}}, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"video the flow does not use", tokenA, id, []file{{inputType: identity.InputSelfieVideo, name: "v.mp4", data: photo}}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"unknown input type", tokenA, id, []file{{inputType: "passport-scan", name: "p.jpg", data: photo}}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"same input twice", tokenA, id, []file{{inputType: selfieInput, name: "a.jpg", data: photo}, {inputType: selfieInput, name: "b.jpg", data: photo}}, http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"another merchant", e.token(merchantB), id, []file{{inputType: selfieInput, name: "a.jpg", data: photo}}, http.StatusNotFound, "NOT_FOUND"},
		{"unknown verification", tokenA, "0123456789abcdef01234567", []file{{inputType: selfieInput, name: "a.jpg", data: photo}}, http.StatusNotFound, "NOT_FOUND"},
		{"without the write scope", e.token(merchantA, "verifications:read"), id, []file{{inputType: selfieInput, name: "a.jpg", data: photo}}, http.StatusForbidden, "PERMISSION_DENIED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireError(t, e.sendInput(tt.token, tt.id, tt.files...), tt.status, tt.code)
		})
	}

	t.Run("malformed forms", func(t *testing.T) {
		path := "/v2/verifications/" + id + "/send-input"
		body, contentType := multipartForm(t, `[{"inputType":"selfie-photo","data":{"filename":"missing.jpg"}}]`,
			[]file{{inputType: selfieInput, name: "other.jpg", data: photo}})
		requireError(t, e.call(http.MethodPost, path, tokenA, body, contentType), http.StatusBadRequest, "INVALID_ARGUMENT")
		body, contentType = multipartForm(t, `{"not":"an array"}`, nil)
		requireError(t, e.call(http.MethodPost, path, tokenA, body, contentType), http.StatusBadRequest, "INVALID_ARGUMENT")
		requireError(t, e.call(http.MethodPost, path, tokenA, []byte(`{}`), "application/json"), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")
	})

	t.Run("already received", func(t *testing.T) {
		r := e.sendInput(tokenA, id, file{inputType: selfieInput, name: "a.jpg", data: photo})
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		requireError(t, e.sendInput(tokenA, id, file{inputType: selfieInput, name: "b.jpg", data: photo}), http.StatusConflict, "CONFLICT")
		got := e.get(merchantA, id).object(t)
		assert.Equal(t, identity.StatusPending, got["status"], "still waiting for the document")
	})

	t.Run("input the flow does not use", func(t *testing.T) {
		selfieOnly := e.createFlow(merchantA, identity.StepSelfie)
		other := e.start(merchantA, selfieOnly, "", nil)["id"].(string)
		r := e.sendInput(tokenA, other, file{inputType: identity.InputDocumentPhoto, name: "d.jpg", data: photo})
		requireError(t, r, http.StatusBadRequest, "INVALID_ARGUMENT")
		assert.Contains(t, r.object(t)["message"], "does not use")
	})
}
