package profiles_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/identity/profiles"
)

var engineOnce struct {
	sync.Once
	engine biometric.Engine
	err    error
}

// faceEngine opens the onnx engine on the models installed by
// scripts/install-face-models.sh, or skips loudly without them.
func faceEngine(t *testing.T) biometric.Engine {
	t.Helper()
	dir := os.Getenv(biometric.ModelsDirEnv)
	if dir == "" {
		dir = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	cfg := biometric.DefaultConfig()
	for _, name := range []string{cfg.RuntimeLibrary, cfg.Detector.Model, cfg.Landmarks.Model, cfg.Embedder.Model} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", dir)
		}
	}
	engineOnce.Do(func() {
		cfg.Engine = biometric.EngineONNX
		cfg.ModelsDir = dir
		cfg.Liveness.Disabled = true
		engineOnce.engine, engineOnce.err = biometric.Open(cfg, slog.New(slog.DiscardHandler))
	})
	require.NoError(t, engineOnce.err)
	return engineOnce.engine
}

// facePhoto reads a photo of the shared faces folder, or skips loudly.
func facePhoto(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testassets.FacesDir(t), name))
	require.NoError(t, err)
	return data
}

// TestRealFacesLinkProfilesOfDifferentDocuments extracts real templates
// with the biometric engine, seals them as the verifications module does,
// and checks the 1:N search: the same person with another document is
// linked, another person and the same document are not.
func TestRealFacesLinkProfilesOfDifferentDocuments(t *testing.T) {
	engine := faceEngine(t)
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	record := func(merchant, photo, number string) string {
		t.Helper()
		tmpl, err := engine.Extract(ctx, facePhoto(t, photo))
		require.NoError(t, err, photo)
		require.Equal(t, e.calibration.ModelID, tmpl.ModelID)
		sealed, err := biometric.SealTemplate(e.templateKey, tmpl)
		require.NoError(t, err)
		doc := profiles.DocumentIdentity{Country: "US", Type: "passport", Number: number}
		f := cleanFacts(merchant, doc, e.clock.Now())
		f.FaceTemplate = sealed
		require.NoError(t, e.recorder.RecordVerification(ctx, f))
		e.clock.Set(e.clock.Now().Add(time.Minute))
		id, err := profiles.ProfileIDOf(doc)
		require.NoError(t, err)
		return id
	}
	newest := func(merchant, profileID string) ([]string, any) {
		r := e.query(profiles.PathRisk, merchant, profileID)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		body := r.json(t)
		return messageCodes(body["transactions"].([]any)[0].(map[string]any)["message"]), body["riskScore"]
	}

	first := record(merchantB, "obama@1.jpg", "OBAMA1")
	codes, _ := newest(merchantB, first)
	assert.Empty(t, codes)

	again := record(merchantB, "obama@3.jpg", "OBAMA1")
	codes, _ = newest(merchantB, again)
	assert.Empty(t, codes, "the same person with the same document")

	other := record(merchantA, "biden@1.jpg", "BIDEN1")
	codes, _ = newest(merchantA, other)
	assert.Empty(t, codes, "another person")

	second := record(merchantA, "obama@2.jpg", "OBAMA2")
	codes, score := newest(merchantA, second)
	assert.Equal(t, []string{profiles.ReasonFaceOtherDocument}, codes, "the same person with another document")
	assert.InDelta(t, 60.0, score, 1e-9)

	_, score = newest(merchantA, other)
	assert.InDelta(t, 0.0, score, 1e-9, "another person stays unlinked")
	_, score = newest(merchantB, first)
	assert.InDelta(t, 60.0, score, 1e-9, "the first document is linked back at query time")
}
