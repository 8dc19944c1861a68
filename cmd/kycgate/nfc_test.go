package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/internal/syncio"
	"github.com/kycgate/kycgate/nfc/setup"
	"github.com/kycgate/kycgate/webhook"
)

// postJSON posts body to url and decodes the JSON answer.
func postJSON(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	status := doJSON(t, req, &out)
	return status, out
}

// TestServeDemoRunsTheNFCStory follows nfc/README.md "The story, without a
// phone" against `serve --demo`: the specimen command, session_init, the
// reader command, the signed nfc_result webhook at the demo receiver, the
// partner's confirmation, and the reader ending in done with the redirect.
// It needs the face models (KYCGATE_MODELS_DIR) and ../shared/faces: it
// fails in CI without them and skips loudly elsewhere.
func TestServeDemoRunsTheNFCStory(t *testing.T) {
	models, faces := demoAssets(t)
	t.Setenv(biometric.ModelsDirEnv, models)
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()

	// 1. The specimen chip with kit@1.jpg as DG2, signed by the demo CSCA.
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"nfc", "specimen", "-photo", filepath.Join(faces, "kit@1.jpg")}, &out, &out))
	assert.Contains(t, out.String(), "specimen chip written to data/nfc/chip.json")
	for _, name := range []string{"chip.json", "csca.der", "csca.crl"} {
		_, err := os.Stat(filepath.Join(dir, "data", "nfc", name))
		require.NoError(t, err, name)
	}

	// 2. The gateway in demo mode trusts the demo CSCA.
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	base := "http://" + addr
	apiKey, err := os.ReadFile(filepath.Join(dir, "data", "demo-nfc-api-key"))
	require.NoError(t, err)

	// 3. session_init as in the README.
	status, initAnswer := postJSON(t, base+"/nfc/v1/session_init", map[string]any{
		"api_key": strings.TrimSpace(string(apiKey)), "ref": "order-42", "method": "enroll",
		"send_scan": []string{"docface"},
		"options":   map[string]any{"num_images_liveness": 2, "redirect_URL": "https://shop.example/kyc-done"},
	})
	require.Equal(t, http.StatusOK, status, "%v", initAnswer)
	assert.Equal(t, "Ok", initAnswer["result"])
	assert.Equal(t, 0.0, initAnswer["code"])
	code, _ := initAnswer["data"].(map[string]any)["init_code"].(string)
	require.Len(t, code, 4)

	// 4. The reader command: redeem, seal, upload, poll until the partner confirms.
	readerOut := &syncio.Buffer{}
	readerDone := make(chan error, 1)
	go func() {
		readerDone <- run(ctx, []string{"nfc", "reader", "-code", code, "-gateway", base, "-wait", "60s",
			"-selfie", filepath.Join(faces, "kit@2.jpg"), "-selfie", filepath.Join(faces, "kit@3.jpg")}, readerOut, readerOut)
	}()

	// 5. The demo receiver got the signed nfc_result webhook.
	var result map[string]any
	require.Eventually(t, func() bool {
		var received []webhook.Received
		require.Equal(t, http.StatusOK, doJSON(t, mustRequest(t, base+demoWebhooksPath+"/"), &received))
		for _, r := range received {
			if r.EventName == "nfc_result" {
				assert.True(t, r.SignatureValid, "the webhook is signed with the demo partner's secret")
				require.NoError(t, json.Unmarshal(r.Body, &result))
				return true
			}
		}
		return false
	}, 60*time.Second, 100*time.Millisecond, "reader output: %s", readerOut)
	assert.Equal(t, "Ok", result["result"])
	assert.Equal(t, 0.0, result["code"])
	assert.Equal(t, "AUTHENTIC", result["verdict"])
	assert.Equal(t, "order-42", result["ref"])
	data, _ := result["data"].(map[string]any)
	assert.Equal(t, "ANNA MARIA ERIKSSON", data["name"])
	assert.Equal(t, "L898902C3", data["document_number"])
	assert.Equal(t, "1974-08-12", data["date_of_birth"])
	assert.NotEmpty(t, result["doc_face_image"], "send_scan asked for docface")
	assert.NotContains(t, result, "selfie_image", "send_scan did not ask for the selfie")
	assert.Less(t, result["face_match"], 0.5, "kit@2.jpg is the person of kit@1.jpg")
	assert.Len(t, result["liveness_confidence_array"], 2)
	assert.NotContains(t, result["flags"], "FACE_NOT_COMPARED")

	// 6. The partner confirms; the reader ends in done with the redirect.
	status, confirmed := postJSON(t, base+"/nfc/v1/webhook_confirmation", map[string]any{
		"api_key": strings.TrimSpace(string(apiKey)), "init_code": code, "recv": "OK"})
	require.Equal(t, http.StatusOK, status, "%v", confirmed)
	assert.Equal(t, map[string]any{"result": "Ok", "code": 0.0, "message": "", "data": map[string]any{}}, confirmed)
	select {
	case err := <-readerDone:
		require.NoError(t, err, "reader output: %s", readerOut)
	case <-time.After(30 * time.Second):
		t.Fatalf("the reader did not finish after the confirmation: %s", readerOut)
	}
	lines := readerOut.String()
	assert.Contains(t, lines, "redeemed: session ")
	assert.Contains(t, lines, "2 selfie(s)")
	assert.Contains(t, lines, "Please wait while your data is being processed and submitted.")
	assert.Contains(t, lines, "done: ")
	assert.Contains(t, lines, "(redirect to https://shop.example/kyc-done)")

	require.NoError(t, stop())
}

// mustRequest builds a GET request.
func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return req
}

// TestNFCLostStolenCommands makes a key, imports a plain CSV into a hashed
// list and loads it as the gateway does; refusals quote no document.
func TestNFCLostStolenCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var keyOut bytes.Buffer
	require.NoError(t, run(ctx, []string{"nfc", "lost-stolen-key"}, &keyOut, io.Discard))
	key := strings.TrimSpace(keyOut.String())

	plain := filepath.Join(dir, "reported.csv")
	require.NoError(t, os.WriteFile(plain, []byte("issuing_state,document_number\nUTO,L898902C3\nD,C01X00T47\n"), 0o600))
	list := filepath.Join(dir, "lost-stolen.txt")
	importArgs := []string{"nfc", "lost-stolen-import", "-in", plain, "-out", list}

	t.Setenv(lostStolenKeyEnv, "")
	err := run(ctx, importArgs, io.Discard, io.Discard)
	require.ErrorContains(t, err, lostStolenKeyEnv, "no key, no list")

	t.Setenv(lostStolenKeyEnv, key)
	var out bytes.Buffer
	require.NoError(t, run(ctx, importArgs, &out, io.Discard))
	assert.Contains(t, out.String(), "2 documents read, 2 distinct entries")
	written, err := os.ReadFile(list)
	require.NoError(t, err)
	assert.NotContains(t, string(written), "L898902C3")
	assert.NotContains(t, out.String(), "L898902C3")

	loaded, err := setup.LoadLostStolen(config.NFCLostStolen{File: list, Key: key})
	require.NoError(t, err)
	assert.True(t, loaded.Listed("UTO", "L898902C3"))
	assert.True(t, loaded.Listed("D<<", "C01X00T47"))
	assert.False(t, loaded.Listed("UTO", "C01X00T47"))

	require.NoError(t, os.WriteFile(plain, []byte("UTO,L898902C3\nL898902C4\n"), 0o600))
	err = run(ctx, importArgs, io.Discard, io.Discard)
	require.ErrorContains(t, err, "line 2")
	assert.NotContains(t, err.Error(), "L898902C4")
	require.ErrorContains(t, run(ctx, []string{"nfc", "lost-stolen-import"}, io.Discard, io.Discard), "-in and -out")

	// A CSV without any document would replace the list in force with an
	// empty one: refused, the list stays.
	require.NoError(t, os.WriteFile(plain, []byte("issuing_state,document_number\n# none this week\n"), 0o600))
	require.ErrorContains(t, run(ctx, importArgs, io.Discard, io.Discard), "no document")
	kept, err := os.ReadFile(list)
	require.NoError(t, err)
	assert.Equal(t, written, kept, "the list in force is untouched")
	info, err := os.Stat(list)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}
