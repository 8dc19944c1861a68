package biometric

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unitVector(dims int, seed float32) []float32 {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(math.Sin(float64(seed) * float64(i+1)))
	}
	return v
}

func testVectorEngine(t *testing.T) Engine {
	t.Helper()
	cal, ok := BuiltinCalibration(FacepluginModelID)
	require.True(t, ok)
	e, err := NewVectorEngine(VectorConfig{ModelID: FacepluginModelID, Dimensions: 8}, cal)
	require.NoError(t, err)
	return e
}

func TestVectorEngineRejectsBadTemplates(t *testing.T) {
	e := testVectorEngine(t)
	good := Template{ModelID: FacepluginModelID, Vector: unitVector(8, 1)}
	withVector := func(v []float32) Template { return Template{ModelID: FacepluginModelID, Vector: v} }
	nan := unitVector(8, 1)
	nan[3] = float32(math.NaN())
	inf := unitVector(8, 1)
	inf[0] = float32(math.Inf(1))

	tests := []struct {
		name string
		a, b Template
		want error
	}{
		{"wrong dimension", good, withVector(unitVector(7, 2)), ErrInvalidTemplate},
		{"NaN", good, withVector(nan), ErrInvalidTemplate},
		{"Inf", withVector(inf), good, ErrInvalidTemplate},
		{"zero vector", good, withVector(make([]float32, 8)), ErrInvalidTemplate},
		{"empty vector", good, withVector(nil), ErrInvalidTemplate},
		{"models differ", good, Template{ModelID: "other", Vector: unitVector(8, 2)}, ErrModelMismatch},
		{"not the engine's model", Template{ModelID: "other", Vector: unitVector(8, 1)}, Template{ModelID: "other", Vector: unitVector(8, 2)}, ErrModelMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Compare(tc.a, tc.b, SelfieSelfie)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestVectorEngineCompares(t *testing.T) {
	e := testVectorEngine(t)
	a := Template{ModelID: FacepluginModelID, Vector: unitVector(8, 1)}
	scaled := make([]float32, 8)
	for i, v := range a.Vector {
		scaled[i] = 3 * v
	}
	same, err := e.Compare(a, Template{ModelID: FacepluginModelID, Vector: scaled}, SelfieSelfie)
	require.NoError(t, err)
	assert.InDelta(t, 1, same.Cosine, 1e-6, "cosine ignores vector length")
	assert.True(t, same.Match)

	negated := make([]float32, 8)
	for i, v := range a.Vector {
		negated[i] = -v
	}
	opposite, err := e.Compare(a, Template{ModelID: FacepluginModelID, Vector: negated}, SelfieDocument)
	require.NoError(t, err)
	assert.InDelta(t, -1, opposite.Cosine, 1e-6)
	assert.False(t, opposite.Match)
	assert.Less(t, opposite.Score, 1.0)
	assert.Equal(t, 0.32, opposite.Threshold)

	_, err = e.Extract(context.Background(), []byte("x"))
	assert.ErrorIs(t, err, ErrEngineUnavailable)
	_, err = e.AssessSelfie(context.Background(), []byte("x"), nil)
	assert.ErrorIs(t, err, ErrEngineUnavailable)
}

func TestNewVectorTemplate(t *testing.T) {
	tmpl, err := NewVectorTemplate("m", "1", []float32{3, 4}, 2)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float32{0.6, 0.8}, tmpl.Vector, 1e-6)
	_, err = NewVectorTemplate("", "1", []float32{3, 4}, 2)
	assert.ErrorIs(t, err, ErrInvalidTemplate)
	_, err = NewVectorTemplate("m", "1", []float32{3, 4, 5}, 2)
	assert.ErrorIs(t, err, ErrInvalidTemplate)
}

func TestNoneEngineNeverScores(t *testing.T) {
	e := NewNoneEngine("face models not installed")
	tmpl := Template{ModelID: FacepluginModelID, Vector: unitVector(8, 1)}
	_, err := e.Extract(context.Background(), []byte("image"))
	assert.ErrorIs(t, err, ErrEngineUnavailable)
	cmp, err := e.Compare(tmpl, tmpl, SelfieSelfie)
	assert.ErrorIs(t, err, ErrEngineUnavailable)
	assert.Zero(t, cmp)
	_, err = e.AssessSelfie(context.Background(), nil, nil)
	assert.ErrorIs(t, err, ErrEngineUnavailable)
	_, err = e.AssessVideo(context.Background(), nil, nil)
	assert.ErrorIs(t, err, ErrEngineUnavailable)
	assert.Equal(t, EngineNone, e.Name())
	assert.NoError(t, e.Close())
}

func TestOpenChoosesEngine(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	e, err := Open(Config{Engine: EngineAuto, ModelsDir: filepath.Join(t.TempDir(), "absent")}, logger)
	require.NoError(t, err)
	assert.Equal(t, EngineNone, e.Name(), "auto without assets falls back to none")
	assert.Contains(t, logs.String(), "engine=none")

	_, err = Open(Config{Engine: EngineONNX, ModelsDir: filepath.Join(t.TempDir(), "absent")}, logger)
	assert.ErrorIs(t, err, ErrEngineUnavailable, "explicit onnx without assets fails")

	e, err = Open(Config{Engine: EngineVector, Vector: VectorConfig{ModelID: FacepluginModelID}}, logger)
	require.NoError(t, err)
	assert.Equal(t, EngineVector, e.Name())
	assert.Contains(t, logs.String(), "engine=vector")

	_, err = Open(Config{Engine: EngineVector, Vector: VectorConfig{ModelID: "unknown"}}, logger)
	assert.Error(t, err, "a vector model without calibration is refused")
	_, err = Open(Config{Engine: "magic"}, logger)
	assert.Error(t, err)

	e, err = Open(Config{Engine: EngineNone}, logger)
	require.NoError(t, err)
	assert.Equal(t, EngineNone, e.Name())
}

func TestOpenONNXWithModels(t *testing.T) {
	dir := testModelsDir(t)
	onnxTestEngine(t) // the runtime is loaded once per process; share it
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	e, err := Open(Config{ModelsDir: dir}, logger)
	require.NoError(t, err)
	assert.Equal(t, EngineONNX, e.Name())
	assert.Contains(t, logs.String(), "engine=onnx")
	require.NoError(t, e.Close())
	_, err = e.Extract(context.Background(), []byte("x"))
	assert.ErrorIs(t, err, ErrEngineUnavailable, "a closed engine is unavailable")
}

func TestConfigEnvironmentModelsDir(t *testing.T) {
	t.Setenv(ModelsDirEnv, "/opt/models")
	assert.Equal(t, "/opt/models", Config{}.withDefaults().ModelsDir)
	assert.Equal(t, "/x", Config{ModelsDir: "/x"}.withDefaults().ModelsDir)
	t.Setenv(ModelsDirEnv, "")
	assert.Equal(t, DefaultModelsDir, Config{}.withDefaults().ModelsDir)
}

func TestTemplateIsRedactedInLogs(t *testing.T) {
	tmpl := Template{ModelID: "m", Vector: []float32{0.123456, 0.654321}}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "template", tmpl)
	assert.NotContains(t, logs.String(), "0.123456")
	assert.Contains(t, logs.String(), `"dims":2`)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		text := fmt.Sprintf(verb, tmpl)
		assert.NotContains(t, text, "0.123456", verb)
	}
}
