package integration_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/gateway/auth"
	"github.com/kycgate/kycgate/gateway/auth/devissuer"
	"github.com/kycgate/kycgate/identity"
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/media"
	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/store/sqlite"
	"github.com/kycgate/kycgate/webhook"
)

const (
	merchantA    = "merchant-a"
	merchantB    = "merchant-b"
	testAudience = "kycgate-profiles-integration"
	scopes       = "flows:write verifications:read verifications:write " + profiles.ScopeRead
)

// env is a gateway serving the verifications and profiles modules over one
// SQLite store, with a real issuer, the onnx engine and the verification
// processor running.
type env struct {
	t        *testing.T
	issuer   *devissuer.Issuer
	gateway  *httptest.Server
	profiles *profiles.Service
	// nfc is the NFC module when the env serves it (newNFCEnv).
	nfc *nfcParts
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newNFCEnv is newEnv serving the NFC module too, its results linked to
// profiles as in serve.
func newNFCEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, &chipfile.Options{})
}

// newEnvWith builds the env; chip, when not nil, adds the NFC module
// trusting a specimen chip built with those options.
func newEnvWith(t *testing.T, chip *chipfile.Options) *env {
	t.Helper()
	engine := faceEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "kycgate.db"))
	require.NoError(t, err)
	logger := slog.New(slog.DiscardHandler)
	templateKey, refKey, signingKey := key(t), key(t), key(t)

	cal, ok := biometric.BuiltinCalibration(engine.ModelID())
	require.True(t, ok)
	cfg := config.Default()
	cfg.Profiles.Enabled = true
	prof, err := profiles.New(cfg.Profiles, profiles.Deps{Store: st, TemplateKey: templateKey, ReferenceKey: refKey,
		Calibration: cal, Logger: logger})
	require.NoError(t, err)

	worker, err := webhook.NewWorker(st, webhook.Config{Guard: webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true}}, logger)
	require.NoError(t, err)
	files, err := media.NewFilesystem(filepath.Join(dir, "media"))
	require.NoError(t, err)
	signer, err := media.NewSigner(signingKey)
	require.NoError(t, err)
	verifications, err := identity.New(identity.Config{PublicURL: "https://kyc.example.test", PollInterval: 20 * time.Millisecond},
		identity.Deps{Store: st, Engine: engine, Media: files, Webhooks: worker, TemplateKey: templateKey, Logger: logger,
			URLs: media.NewURLs("https://kyc.example.test", signer, time.Hour), Observer: profiles.VerificationObserver{Recorder: prof}})
	require.NoError(t, err)

	issuer := devissuer.NewTestServer(t, devissuer.Options{Audience: testAudience})
	cfg.Auth.Issuer, cfg.Auth.Audience = issuer.URL(), testAudience
	verifier, err := auth.NewVerifier(auth.Config{Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience,
		Leeway: time.Second, RefreshCooldown: time.Second})
	require.NoError(t, err)
	verifier.Start(ctx)
	require.Eventually(t, func() bool { return verifier.Ready() == nil }, 5*time.Second, 10*time.Millisecond)
	router, err := operators.NewRouter(nil)
	require.NoError(t, err)
	modules := []gateway.Module{identity.NewModule(verifications), prof}
	var nfc *nfcParts
	if chip != nil {
		nfc = newNFCParts(t, st, worker, prof, *chip)
		modules = append(modules, nfc.module.Module)
	}
	srv, err := gateway.New(gateway.Deps{Config: cfg, Store: st, Verifier: verifier, Router: router, Logger: logger,
		Modules: modules})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())

	var wg sync.WaitGroup
	wg.Go(func() { _ = verifications.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		ts.Close()
		_ = st.Close()
	})
	return &env{t: t, issuer: issuer, gateway: ts, profiles: prof, nfc: nfc}
}

func key(t *testing.T) []byte {
	k := make([]byte, biometric.SealKeySize)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

func (e *env) token(merchant string) string {
	tok, err := e.issuer.Mint(devissuer.Claims{ClientID: merchant, Scope: scopes})
	require.NoError(e.t, err)
	return tok
}

// call sends a request and returns the status and the body when it is a
// JSON object.
func (e *env) call(method, path, merchant string, body []byte, contentType string) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.gateway.URL+path, rd)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+e.token(merchant))
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.gateway.Client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	var decoded any
	if len(raw) > 0 {
		require.NoError(e.t, json.Unmarshal(raw, &decoded), "body: %s", raw)
	}
	m, _ := decoded.(map[string]any)
	return res.StatusCode, m
}

func (e *env) postJSON(path, merchant string, v any) (int, map[string]any) {
	e.t.Helper()
	body, err := json.Marshal(v)
	require.NoError(e.t, err)
	return e.call(http.MethodPost, path, merchant, body, "application/json")
}

// verifySelfie runs a selfie verification of photo for merchant through
// the verifications API and returns the ended resource.
func (e *env) verifySelfie(merchant, photo string) map[string]any {
	e.t.Helper()
	status, flow := e.postJSON("/v2/flows", merchant, map[string]any{"name": "selfie", "steps": []string{"selfie"}})
	require.Equal(e.t, http.StatusCreated, status, "flow: %v", flow)
	status, v := e.postJSON("/v2/verifications", merchant, map[string]any{"flowId": flow["id"]})
	require.Equal(e.t, http.StatusCreated, status, "verification: %v", v)
	id := v["id"].(string)

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	require.NoError(e.t, w.WriteField("inputs", `[{"inputType":"selfie-photo","data":{"filename":"selfie.jpg"}}]`))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="selfie-photo"; filename="selfie.jpg"`)
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	require.NoError(e.t, err)
	_, err = part.Write(facePhoto(e.t, photo))
	require.NoError(e.t, err)
	require.NoError(e.t, w.Close())
	status, sent := e.call(http.MethodPost, "/v2/verifications/"+id+"/send-input", merchant, buf.Bytes(), w.FormDataContentType())
	require.Less(e.t, status, 300, "send-input: %v", sent)

	var ended map[string]any
	require.Eventually(e.t, func() bool {
		_, ended = e.call(http.MethodGet, "/v2/verifications/"+id, merchant, nil, "")
		switch ended["status"] {
		case identity.StatusVerified, identity.StatusReviewNeeded, identity.StatusRejected:
			return true
		}
		return false
	}, 60*time.Second, 50*time.Millisecond, "the verification ends")
	return ended
}

// profileOf waits until the verification's profile is known.
func (e *env) profileOf(merchant, verificationID string) string {
	e.t.Helper()
	var body map[string]any
	require.Eventually(e.t, func() bool {
		var status int
		status, body = e.call(http.MethodGet, "/reusage/v1/verification/"+verificationID+"/profile", merchant, nil, "")
		return status == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "the profile of the verification appears: %v", body)
	return body["profileId"].(string)
}

// authenticChip records an authentic NFC session linked to the
// verification, with a document of its own.
func (e *env) authenticChip(merchant, verificationID, number string) {
	e.t.Helper()
	require.NoError(e.t, e.profiles.RecordNFCResult(context.Background(), profiles.NFCFacts{
		MerchantID: merchant, VerificationID: verificationID, Verdict: "AUTHENTIC",
		Document: &profiles.DocumentIdentity{Country: "UTO", Type: "P", Number: number}, At: time.Now(),
	}))
}

// waitRecorded waits until the profile shows the verification with the
// status of its resource: the verifications module reports the end of a
// verification just after storing it, so a reader may see it first.
func (e *env) waitRecorded(merchant, profileID string, resource map[string]any) map[string]any {
	e.t.Helper()
	var item map[string]any
	require.Eventually(e.t, func() bool {
		status, body := e.postJSON(profiles.PathVerification, merchant, map[string]string{"profileId": profileID})
		if status != http.StatusOK {
			return false
		}
		for _, v := range body["verifications"].([]any) {
			if m := v.(map[string]any); m["id"] == resource["id"] && m["status"] == resource["status"] {
				item = m
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "the end of verification %v is recorded", resource["id"])
	return item
}

func TestVerificationsGrowProfiles(t *testing.T) {
	e := newEnv(t)
	first := e.verifySelfie(merchantA, "obama@1.jpg")
	firstID := first["id"].(string)

	status, body := e.call(http.MethodGet, "/reusage/v1/verification/"+firstID+"/profile", merchantA, nil, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "NO_PROFILE", body["code"], "a selfie verification alone names no document")

	e.authenticChip(merchantA, firstID, "OB0000001")
	profileA := e.profileOf(merchantA, firstID)
	assert.Equal(t, "UT|PASSPORT|OB0000001", profileA)

	item := e.waitRecorded(merchantA, profileA, first)
	assert.Equal(t, first["identity"], item["identityId"])
	assert.Equal(t, true, item["firstVerification"])

	status, merits := e.postJSON(profiles.PathMerit, merchantA, map[string]string{"profileId": profileA})
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, merits["uniqueMerits"], profiles.MeritNFCDocument)
	if step := stepOf(first, "selfie"); step != nil && step["error"] == nil {
		assert.Contains(t, merits["uniqueMerits"], profiles.MeritBiometric, "the selfie step passed")
	}

	second := e.verifySelfie(merchantB, "obama@2.jpg")
	secondID := second["id"].(string)
	e.authenticChip(merchantB, secondID, "OB0000002")
	profileB := e.profileOf(merchantB, secondID)
	e.waitRecorded(merchantB, profileB, second)
	status, risk := e.postJSON(profiles.PathRisk, merchantB, map[string]string{"profileId": profileB})
	require.Equal(t, http.StatusOK, status, "%v", risk)
	tx := risk["transactions"].([]any)[0].(map[string]any)
	assert.Equal(t, profiles.ReasonFaceOtherDocument, tx["reasonCode"],
		"the same face verified by A with another document: %v", risk)
	assert.Equal(t, secondID, tx["verificationId"])

	status, _ = e.postJSON(profiles.PathRisk, merchantB, map[string]string{"profileId": profileA})
	assert.Equal(t, http.StatusNotFound, status, "B never verified A's document and may not see its profile")

	status, _ = e.call(http.MethodDelete, "/v2/verifications/"+firstID, merchantA, nil, "")
	require.Equal(t, http.StatusNoContent, status)
	status, body = e.postJSON(profiles.PathHistory, merchantA, map[string]string{"profileId": profileA})
	assert.Equal(t, http.StatusNotFound, status, "a deleted verification leaves its profile: %v", body)
	status, risk = e.postJSON(profiles.PathRisk, merchantB, map[string]string{"profileId": profileB})
	require.Equal(t, http.StatusOK, status)
	assert.InDelta(t, 0.0, risk["riskScore"], 1e-9, "the deleted verification's face links no more")
}

// stepOf returns the step with id of a verification resource.
func stepOf(resource map[string]any, id string) map[string]any {
	steps, _ := resource["steps"].([]any)
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok && m["id"] == id {
			return m
		}
	}
	return nil
}

var engineOnce struct {
	sync.Once
	engine biometric.Engine
	err    error
}

// faceEngine opens the onnx engine once, or skips loudly without models.
func faceEngine(t *testing.T) biometric.Engine {
	t.Helper()
	dir := os.Getenv(biometric.ModelsDirEnv)
	if dir == "" {
		dir = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	cfg := biometric.DefaultConfig()
	for _, name := range []string{cfg.RuntimeLibrary, cfg.Detector.Model, cfg.Landmarks.Model, cfg.Embedder.Model, cfg.Liveness.Model} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", dir)
		}
	}
	engineOnce.Do(func() {
		cfg.Engine = biometric.EngineONNX
		cfg.ModelsDir = dir
		engineOnce.engine, engineOnce.err = biometric.Open(cfg, slog.New(slog.DiscardHandler))
	})
	require.NoError(t, engineOnce.err)
	return engineOnce.engine
}

// facePhoto reads a shared face photo, or skips loudly.
func facePhoto(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testassets.FacesDir(t), name))
	require.NoError(t, err)
	return data
}
