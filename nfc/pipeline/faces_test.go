package pipeline

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/result"
)

// faceAssets opens the onnx engine and returns the shared photos folder;
// it skips loudly on a developer machine and fails in CI when the models
// (KYCGATE_MODELS_DIR, else the module's .models) or the shared photos
// (testassets.FacesDir) are missing.
func faceAssets(t *testing.T) (biometric.Engine, string) {
	t.Helper()
	models := os.Getenv(biometric.ModelsDirEnv)
	if models == "" {
		models = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	if _, err := os.Stat(filepath.Join(models, "fr_liveness.onnx")); err != nil {
		testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", models)
	}
	faces := testassets.FacesDir(t)
	cfg := biometric.DefaultConfig()
	cfg.Engine, cfg.ModelsDir = biometric.EngineONNX, models
	engine, err := biometric.Open(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return engine, faces
}

// readPhoto reads one shared photo.
func readPhoto(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return data
}

// TestLivenessArrayStaysAlignedWithSelfies uploads three selfies of which
// the middle one cannot be scored: its entry keeps its place with
// UnscoredLiveness, the others keep theirs, and the mean covers all three.
func TestLivenessArrayStaysAlignedWithSelfies(t *testing.T) {
	engine, faces := faceAssets(t)
	broken := []byte{0xff, 0xd8, 0xff, 0xd9}
	f := newFixture(t, fixtureOptions{
		face:    readPhoto(t, faces, "kit@1.jpg"),
		selfies: [][]byte{readPhoto(t, faces, "kit@2.jpg"), broken, readPhoto(t, faces, "kit@3.jpg")},
	})
	f.pipeline.Engine = engine
	out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
	require.NoError(t, err)
	require.Equal(t, icao.Authentic, out.Verdict)
	p := out.Payload

	require.Len(t, p.LivenessConfidenceArray, 3, "one entry per selfie")
	assert.Positive(t, p.LivenessConfidenceArray[0])
	assert.Equal(t, UnscoredLiveness, p.LivenessConfidenceArray[1], "the broken selfie keeps its place")
	assert.Positive(t, p.LivenessConfidenceArray[2])
	assert.Contains(t, p.Flags, result.FlagLivenessImageNotScored)
	assert.NotContains(t, p.Flags, result.FlagLivenessNotMeasured)
	require.NotNil(t, p.LivenessConfidence)
	want := (p.LivenessConfidenceArray[0] + p.LivenessConfidenceArray[2]) / 3
	assert.InDelta(t, want, *p.LivenessConfidence, 1e-9)
	require.NotNil(t, p.FaceMatch, "the first selfie is compared with the portrait")
	assert.NotContains(t, p.Flags, result.FlagFaceNotCompared)

	t.Run("first selfie broken", func(t *testing.T) {
		f.up.Selfies = [][]byte{broken, readPhoto(t, faces, "kit@2.jpg")}
		f.sess.Options.NumImagesLiveness = 2
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		arr := out.Payload.LivenessConfidenceArray
		require.Len(t, arr, 2)
		assert.Equal(t, UnscoredLiveness, arr[0])
		assert.Positive(t, arr[1])
		assert.Contains(t, out.Payload.Flags, result.FlagFaceNotCompared, "face_match uses the first selfie only")
	})
	t.Run("no selfie scored", func(t *testing.T) {
		f.up.Selfies = [][]byte{broken, broken}
		out, err := f.pipeline.Run(context.Background(), f.sess, f.up, testNow)
		require.NoError(t, err)
		assert.Equal(t, []float64{UnscoredLiveness, UnscoredLiveness}, out.Payload.LivenessConfidenceArray)
		assert.Nil(t, out.Payload.LivenessConfidence)
		assert.Contains(t, out.Payload.Flags, result.FlagLivenessNotMeasured)
		assert.Contains(t, out.Payload.Flags, result.FlagLivenessImageNotScored)
	})
}
