package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/webhook"
)

// demoClient calls a running demo with the demo client's token.
type demoClient struct {
	t     *testing.T
	base  string
	token string
}

// newDemoClient waits until the demo is ready, then gets a token with every
// verification scope, as the README does with curl.
func newDemoClient(t *testing.T, base, dir string) *demoClient {
	t.Helper()
	awaitReady(t, base)
	token := demoToken(t, base, dir, "flows:read verifications:read verifications:write webhooks:read webhooks:write profiles:read")
	return &demoClient{t: t, base: base, token: token}
}

// awaitReady waits until GET /health/ready answers 200. `serve` logs that
// it started as soon as it listens, but its token verifier loads the demo
// issuer's keys from that same listener afterwards, and until then every
// authenticated call is refused with 503 UNAVAILABLE (Retry-After), as
// documented: a test that calls right away races with that load.
func awaitReady(t *testing.T, base string) {
	t.Helper()
	require.Eventually(t, func() bool {
		res, err := http.Get(base + "/health/ready")
		if err != nil {
			return false
		}
		_ = res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 20*time.Second, 10*time.Millisecond, "ready once the issuer keys are loaded")
}

// doJSON sends req and decodes a JSON answer into out.
func doJSON(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if out != nil && len(body) > 0 {
		require.NoError(t, json.Unmarshal(body, out), "body: %s", body)
	}
	return res.StatusCode
}

// call sends a request with the token.
func (c *demoClient) call(method, path, contentType string, body []byte, out any) int {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return doJSON(c.t, req, out)
}

// startVerification starts a verification of flow, for identityID when it
// is not empty, and returns the resource.
func (c *demoClient) startVerification(flow, identityID string, metadata map[string]any) map[string]any {
	c.t.Helper()
	start := map[string]any{"flowId": flow, "metadata": metadata}
	if identityID != "" {
		start["identityId"] = identityID
	}
	body, err := json.Marshal(start)
	require.NoError(c.t, err)
	var v map[string]any
	require.Equal(c.t, http.StatusCreated, c.call(http.MethodPost, "/v2/verifications", "application/json", body, &v))
	return v
}

// upload is one file of a send-input request.
type upload struct {
	field, filename string
	data            []byte
}

// sendInput posts the inputs part and the files of a verification, as the
// README's curl -F does, and returns the per-input results.
func (c *demoClient) sendInput(id, inputs string, files ...upload) []map[string]any {
	c.t.Helper()
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	require.NoError(c.t, w.WriteField("inputs", inputs))
	for _, f := range files {
		part, err := w.CreateFormFile(f.field, f.filename)
		require.NoError(c.t, err)
		_, err = part.Write(f.data)
		require.NoError(c.t, err)
	}
	require.NoError(c.t, w.Close())
	var results []map[string]any
	require.Equal(c.t, http.StatusOK, c.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", w.FormDataContentType(), form.Bytes(), &results))
	return results
}

// await polls a verification until it leaves pending and running.
func (c *demoClient) await(id string) map[string]any {
	c.t.Helper()
	var done map[string]any
	require.Eventually(c.t, func() bool {
		require.Equal(c.t, http.StatusOK, c.call(http.MethodGet, "/v2/verifications/"+id, "", nil, &done))
		return done["status"] != "pending" && done["status"] != "running"
	}, 60*time.Second, 50*time.Millisecond)
	return done
}

// selfieInputs is the inputs part of a send-input with one selfie photo.
const selfieInputs = `[{"inputType":"selfie-photo","data":{"filename":"selfie.jpg"}}]`

// verify starts a verification of flow and sends one selfie photo.
func (c *demoClient) verify(flow, identityID string, photo []byte) map[string]any {
	c.t.Helper()
	v := c.startVerification(flow, identityID, map[string]any{"step": flow})
	id := v["id"].(string)
	c.sendInput(id, selfieInputs, upload{"selfie", "selfie.jpg", photo})
	return c.await(id)
}

// demoAssets returns the face models folder (KYCGATE_MODELS_DIR, else the
// module's .models) and the shared photos folder (KYCGATE_FACES_DIR, else
// ../shared/faces); it skips loudly when one is missing, and fails in CI.
func demoAssets(t testing.TB) (models, faces string) {
	t.Helper()
	models = os.Getenv(biometric.ModelsDirEnv)
	if models == "" {
		models = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	if _, err := os.Stat(filepath.Join(models, "fr_feature.onnx")); err != nil {
		testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", models)
	}
	faces = testassets.FacesDir(t)
	models, err := filepath.Abs(models)
	require.NoError(t, err)
	return models, faces
}

// stepOf returns the step with id of a verification resource.
func stepOf(t *testing.T, v map[string]any, id string) map[string]any {
	t.Helper()
	steps, ok := v["steps"].([]any)
	require.True(t, ok, "steps: %v", v["steps"])
	for _, s := range steps {
		if step := s.(map[string]any); step["id"] == id {
			return step
		}
	}
	t.Fatalf("no step %q in %v", id, steps)
	return nil
}

// TestServeDemoRunsTheReVerificationStory follows the README's section
// "Re-verify a returning customer" against `serve --demo`: the same flows,
// photos, inputs and metadata, then the webhooks and the profile query.
func TestServeDemoRunsTheReVerificationStory(t *testing.T) {
	models, faces := demoAssets(t)
	t.Setenv(biometric.ModelsDirEnv, models)
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(faces, name))
		require.NoError(t, err)
		return data
	}
	dir := t.TempDir()
	t.Chdir(dir)
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	base := "http://" + addr
	c := newDemoClient(t, base, dir)

	// 1. First verification: kit@1.jpg as the selfie, kit@2.jpg as the ID
	// document photo, through the demo-document flow.
	first := c.startVerification(demoFlowDocument, "", map[string]any{"OriginalFlowMetadataKey": "OriginalFlowMetadataValue"})
	require.Equal(t, "pending", first["status"])
	firstID, identityID := first["id"].(string), first["identity"].(string)
	results := c.sendInput(firstID, `[{"inputType":"selfie-photo","data":{"filename":"selfie.jpg"}},
              {"inputType":"document-photo","data":{"filename":"id.jpg","type":"driving-license","country":"US","number":"1234567890"}}]`,
		upload{"selfie", "selfie.jpg", read("kit@1.jpg")}, upload{"document", "id.jpg", read("kit@2.jpg")})
	assert.Equal(t, []map[string]any{{"result": true}, {"result": true}}, results)
	done := c.await(firstID)
	require.Equal(t, "verified", done["status"], "first verification: %v", done)
	assert.Nil(t, stepOf(t, done, "selfie")["error"])
	assert.Contains(t, stepOf(t, done, "selfie")["data"].(map[string]any)["selfiePhotoUrl"], base+"/media/file?location=")
	facematch := stepOf(t, done, "facematch")
	assert.Nil(t, facematch["error"])
	assert.IsType(t, float64(0), facematch["data"].(map[string]any)["score"])

	// 2. Re-verification of the same identity with kit@3.jpg.
	same := c.startVerification(demoFlowReverify, identityID, map[string]any{"CurrentFlowMetadataKey": "CurrentFlowMetadataValue"})
	sameID := same["id"].(string)
	assert.Equal(t, []map[string]any{{"result": true}}, c.sendInput(sameID, selfieInputs, upload{"selfie", "selfie.jpg", read("kit@3.jpg")}))
	assert.Equal(t, "verified", c.await(sameID)["status"])

	// With a photo of someone else the verification is rejected.
	other := c.verify(demoFlowReverify, identityID, read("obama@4.jpg"))
	assert.Equal(t, "rejected", other["status"])

	// 3. The webhooks, each signed with the flow's secret.
	var received []webhook.Received
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, c.call(http.MethodGet, demoWebhooksPath+"/", "", nil, &received))
		return len(received) == 5+5+5 // started, inputs completed, two steps, completed
	}, 20*time.Second, 50*time.Millisecond, "every event reaches the demo receiver, signed with the flow's secret")
	events := map[string]reverifyEvent{}
	for _, r := range received {
		assert.True(t, r.SignatureValid)
		var body reverifyEvent
		require.NoError(t, json.Unmarshal(r.Body, &body))
		if body.Step != nil && body.Step.ID == "re-facematch" {
			events[body.Resource] = body
		}
	}
	require.Len(t, events, 2)
	ok := events[base+"/v2/verifications/"+sameID]
	require.NotNil(t, ok.Step)
	assert.Nil(t, ok.Step.Error)
	assert.Equal(t, "step_completed", ok.EventName)
	assert.Equal(t, demoFlowReverify, ok.FlowID)
	assert.Equal(t, map[string]any{"CurrentFlowMetadataKey": "CurrentFlowMetadataValue", "OriginalFlowMetadataKey": "OriginalFlowMetadataValue"}, ok.Metadata,
		"the metadata of the original and the current verification are merged")
	assert.Equal(t, firstID, ok.Step.Data["previousVerificationId"])
	assert.Contains(t, ok.Step.Data["currentSelfiePhotoUrl"], base+"/media/file?location=")
	assert.Contains(t, ok.Step.Data["previousSelfiePhotoUrl"], base+"/media/file?location=")
	assert.Nil(t, ok.Step.Data["currentSelfieVideoUrl"])
	assert.Nil(t, ok.Step.Data["previousSelfieVideoUrl"])
	assert.Greater(t, ok.Step.Data["facematchScore"], 50.0)
	rejected := events[base+"/v2/verifications/"+other["id"].(string)]
	require.NotNil(t, rejected.Step)
	assert.Equal(t, map[string]any{"type": "StepError", "code": "facematch.notConfidentComparison",
		"message": "The person on photos might not be the same", "reasonCode": "notConfidentComparison"}, rejected.Step.Error)

	// 4. The person's profile, named by the identity's document.
	var profile map[string]any
	require.Equal(t, http.StatusOK, c.call(http.MethodGet, "/reusage/v1/verification/"+sameID+"/profile", "", nil, &profile))
	assert.Equal(t, map[string]any{"responseStatus": "SUCCESS", "profileId": "US|DRIVING-LICENSE|1234567890"}, profile)
	query := []byte(`{"profileId":"US|DRIVING-LICENSE|1234567890"}`)
	for q, key := range map[string]string{"risk": "riskScore", "status/verification": "verificationStatus",
		"contact": "contactInformation", "merit": "uniqueMerits", "verification": "verifications", "history": "userHistory"} {
		var answer map[string]any
		require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/reusage/v1/profile/"+q, "application/json", query, &answer), q)
		assert.Equal(t, "SUCCESS", answer["responseStatus"], q)
		assert.Contains(t, answer, key, q)
	}
	require.NoError(t, stop())
}

// reverifyEvent is the part of a webhook body the story checks.
type reverifyEvent struct {
	Metadata  map[string]any `json:"metadata"`
	Resource  string         `json:"resource"`
	EventName string         `json:"eventName"`
	FlowID    string         `json:"flowId"`
	Step      *struct {
		ID    string         `json:"id"`
		Data  map[string]any `json:"data"`
		Error map[string]any `json:"error"`
	} `json:"step"`
}

// TestDemoAssetsFailInCI checks that the demo story fails, rather than
// skips, when CI is set and the models or the photos are missing.
func TestDemoAssetsFailInCI(t *testing.T) {
	empty := t.TempDir()
	for name, env := range map[string]string{"models": biometric.ModelsDirEnv, "photos": testassets.FacesDirEnv} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(env, filepath.Join(empty, "missing"))
			testassets.CheckGuard(t, func(tb testing.TB) { demoAssets(tb) })
		})
	}
}
