package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/webhook"
)

// demoClient calls a running demo with the demo client's token.
type demoClient struct {
	t     *testing.T
	base  string
	token string
}

// newDemoClient gets a token with every verification scope, as the README
// does with curl.
func newDemoClient(t *testing.T, base, dir string) *demoClient {
	t.Helper()
	secret, err := os.ReadFile(filepath.Join(dir, "data", "demo-client-secret"))
	require.NoError(t, err)
	form := url.Values{"grant_type": {"client_credentials"},
		"scope": {"flows:read verifications:read verifications:write webhooks:read webhooks:write"}}
	req, err := http.NewRequest(http.MethodPost, base+"/demo-issuer/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.SetBasicAuth("demo-client", string(secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, doJSON(t, req, &tok))
	return &demoClient{t: t, base: base, token: tok.AccessToken}
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

// verify starts a verification of flow and sends one selfie photo.
func (c *demoClient) verify(flow, identityID string, photo []byte) map[string]any {
	c.t.Helper()
	start := map[string]any{"flowId": flow, "metadata": map[string]any{"step": flow}}
	if identityID != "" {
		start["identityId"] = identityID
	}
	body, _ := json.Marshal(start)
	var v map[string]any
	require.Equal(c.t, http.StatusCreated, c.call(http.MethodPost, "/v2/verifications", "application/json", body, &v))
	id := v["id"].(string)

	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	require.NoError(c.t, w.WriteField("inputs", `[{"inputType":"selfie-photo","data":{"filename":"selfie.jpg"}}]`))
	part, err := w.CreateFormFile("selfie", "selfie.jpg")
	require.NoError(c.t, err)
	_, _ = part.Write(photo)
	require.NoError(c.t, w.Close())
	require.Equal(c.t, http.StatusOK, c.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", w.FormDataContentType(), form.Bytes(), nil))

	var done map[string]any
	require.Eventually(c.t, func() bool {
		require.Equal(c.t, http.StatusOK, c.call(http.MethodGet, "/v2/verifications/"+id, "", nil, &done))
		return done["status"] != "pending" && done["status"] != "running"
	}, 60*time.Second, 50*time.Millisecond)
	return done
}

func TestServeDemoRunsTheReVerificationStory(t *testing.T) {
	root, err := os.Getwd()
	require.NoError(t, err)
	models := filepath.Join(root, "..", "..", ".models")
	faces := filepath.Join(root, "..", "..", "..", "shared", "faces")
	for _, p := range []string{filepath.Join(models, "fr_feature.onnx"), faces} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI: %s missing", p)
			}
			t.Skipf("SKIPPED — %s missing (face models: scripts/install-face-models.sh; photos: ../shared/faces)", p)
		}
	}
	t.Setenv("KYCGATE_MODELS_DIR", models)
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(faces, name))
		require.NoError(t, err)
		return data
	}
	dir := t.TempDir()
	t.Chdir(dir)
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	c := newDemoClient(t, "http://"+addr, dir)

	first := c.verify(demoFlowSelfie, "", read("kit@1.jpg"))
	require.Equal(t, "verified", first["status"], "first verification: %v", first)
	same := c.verify(demoFlowReverify, first["identity"].(string), read("kit@3.jpg"))
	assert.Equal(t, "verified", same["status"])
	other := c.verify(demoFlowReverify, first["identity"].(string), read("obama@4.jpg"))
	assert.Equal(t, "rejected", other["status"])

	var received []webhook.Received
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, c.call(http.MethodGet, demoWebhooksPath+"/", "", nil, &received))
		return len(received) == 4+5+5
	}, 20*time.Second, 50*time.Millisecond, "every event reaches the demo receiver, signed with the flow's secret")
	codes := map[string]any{}
	for _, r := range received {
		assert.True(t, r.SignatureValid)
		var body struct {
			Step *struct {
				ID    string         `json:"id"`
				Data  map[string]any `json:"data"`
				Error map[string]any `json:"error"`
			} `json:"step"`
			Resource string `json:"resource"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		if body.Step != nil && body.Step.ID == "re-facematch" {
			codes[body.Resource] = body.Step.Error["code"]
		}
	}
	assert.Equal(t, map[string]any{
		"http://" + addr + "/v2/verifications/" + same["id"].(string):  nil,
		"http://" + addr + "/v2/verifications/" + other["id"].(string): "facematch.notConfidentComparison",
	}, codes)
	require.NoError(t, stop())
}
