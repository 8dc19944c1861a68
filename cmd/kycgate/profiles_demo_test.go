package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/internal/syncio"
)

// TestServeDemoFeedsProfilesFromPersonDataAndNFC checks the wiring of
// `serve --demo`: the person part of a send-input reaches the profile (the
// consented contact data), and an NFC session of the demo partner linked to
// the verification with options.verification_id names the profile from the
// chip and earns its merit. It needs the face models and ../shared/faces.
func TestServeDemoFeedsProfilesFromPersonDataAndNFC(t *testing.T) {
	models, faces := demoAssets(t)
	t.Setenv(biometric.ModelsDirEnv, models)
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"nfc", "specimen", "-photo", filepath.Join(faces, "kit@1.jpg")}, &out, &out))
	addr, stop := startServe(t, "-demo", "-config", writeConfig(t, dir, "127.0.0.1:0"))
	base := "http://" + addr
	c := newDemoClient(t, base, dir)
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(faces, name))
		require.NoError(t, err)
		return data
	}

	// 1. A verification with a document and the person part.
	v := c.startVerification(demoFlowDocument, "", map[string]any{"order": "7"})
	id := v["id"].(string)
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	require.NoError(t, w.WriteField("inputs", `[{"inputType":"selfie-photo","data":{"filename":"selfie.jpg"}},
		{"inputType":"document-photo","data":{"filename":"id.jpg","type":"driving-license","country":"US","number":"1234567890"}}]`))
	require.NoError(t, w.WriteField("person", `{"fullName":"Jane Doe","email":"jane@example.com","phoneNumber":"+1 555 010 0001","contactSharingConsent":true}`))
	for name, photo := range map[string]string{"selfie.jpg": "kit@1.jpg", "id.jpg": "kit@2.jpg"} {
		part, err := w.CreateFormFile(strings.TrimSuffix(name, ".jpg"), name)
		require.NoError(t, err)
		_, err = part.Write(read(photo))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", w.FormDataContentType(), form.Bytes(), nil))
	c.await(id)

	profileOf := func() string {
		var answer map[string]any
		if c.call(http.MethodGet, "/reusage/v1/verification/"+id+"/profile", "", nil, &answer) != http.StatusOK {
			return ""
		}
		return answer["profileId"].(string)
	}
	require.Eventually(t, func() bool { return profileOf() == "US|DRIVING-LICENSE|1234567890" }, 10*time.Second, 50*time.Millisecond)
	var contact map[string]any
	require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/reusage/v1/profile/contact", "application/json",
		[]byte(`{"profileId":"US|DRIVING-LICENSE|1234567890"}`), &contact))
	assert.Equal(t, map[string]any{"contactNumbers": []any{"+15550100001"}, "emails": []any{"jane@example.com"}, "addresses": []any{}},
		contact["contactInformation"])

	// 2. The demo partner's NFC session linked to the verification.
	apiKey, err := os.ReadFile(filepath.Join(dir, "data", "demo-nfc-api-key"))
	require.NoError(t, err)
	status, initAnswer := postJSON(t, base+"/nfc/v1/session_init", map[string]any{
		"api_key": strings.TrimSpace(string(apiKey)), "ref": "order-7", "method": "enroll",
		"options": map[string]any{"verification_id": id},
	})
	require.Equal(t, http.StatusOK, status, "%v", initAnswer)
	code := initAnswer["data"].(map[string]any)["init_code"].(string)
	readerCtx, cancelReader := context.WithCancel(ctx)
	defer cancelReader()
	readerOut := &syncio.Buffer{}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		_ = run(readerCtx, []string{"nfc", "reader", "-code", code, "-gateway", base, "-wait", "30s",
			"-selfie", filepath.Join(faces, "kit@2.jpg")}, readerOut, readerOut)
	}()
	require.Eventually(t, func() bool { return profileOf() == "UT|PASSPORT|L898902C3" }, 60*time.Second, 100*time.Millisecond,
		"the authentic chip names the profile; reader output: %s", readerOut)
	var merits map[string]any
	require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/reusage/v1/profile/merit", "application/json",
		[]byte(`{"profileId":"UT|PASSPORT|L898902C3"}`), &merits))
	assert.Contains(t, merits["uniqueMerits"], "NFC Document Verification")
	cancelReader() // the reader would wait for the partner's confirmation
	<-readerDone
	require.NoError(t, stop())
}
