package biometric

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"
)

// testModelsDir returns the models folder used by the setup script.
func testModelsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(ModelsDirEnv)
	if dir == "" {
		dir = filepath.Join(testassets.ModuleRoot(t), DefaultModelsDir)
	}
	cfg := DefaultConfig()
	for _, name := range []string{cfg.RuntimeLibrary, cfg.Detector.Model, cfg.Landmarks.Model, cfg.Embedder.Model, cfg.Liveness.Model} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			testassets.SkipOrFail(t, "face models missing in %s: run scripts/install-face-models.sh", dir)
		}
	}
	return dir
}

// facePhoto is one shared photo of a known person.
type facePhoto struct {
	name   string
	person string
	data   []byte
}

// singleFacePhotos loads the shared photos that show one person each.
func singleFacePhotos(t testing.TB) []facePhoto {
	t.Helper()
	dir := testassets.FacesDir(t)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var photos []facePhoto
	for _, e := range entries {
		name := e.Name()
		person, _, ok := strings.Cut(name, "@")
		if !ok || person == "multi" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		photos = append(photos, facePhoto{name: name, person: person, data: data})
	}
	sort.Slice(photos, func(i, j int) bool { return photos[i].name < photos[j].name })
	require.GreaterOrEqual(t, len(photos), 10, "expected the shared face photos")
	return photos
}

func readFace(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testassets.FacesDir(t), name))
	require.NoError(t, err)
	return data
}

var decodedPhotos sync.Map // photo name → *image.RGBA

// decodedPhoto decodes a shared photo once per test binary; callers must
// not modify the image.
func decodedPhoto(t testing.TB, name string) *image.RGBA {
	t.Helper()
	if img, ok := decodedPhotos.Load(name); ok {
		return img.(*image.RGBA)
	}
	img, err := decodeImage(readFace(t, name), 0, 0)
	require.NoError(t, err)
	decodedPhotos.Store(name, img.rgba)
	return img.rgba
}

var sharedEngine struct {
	once   sync.Once
	engine Engine
	err    error
}

// onnxTestEngine returns the onnx engine shared by the tests of this
// package (sessions are created once).
func onnxTestEngine(t testing.TB) Engine {
	t.Helper()
	dir := testModelsDir(t)
	sharedEngine.once.Do(func() {
		cfg := DefaultConfig()
		cfg.Engine = EngineONNX
		cfg.ModelsDir = dir
		sharedEngine.engine, sharedEngine.err = Open(cfg, slog.New(slog.DiscardHandler))
	})
	require.NoError(t, sharedEngine.err)
	return sharedEngine.engine
}

var sharedTemplates struct {
	once      sync.Once
	templates map[string]Template
	err       error
}

// sharedPhotoTemplates extracts every shared single-face photo once per
// test binary (the race detector makes decoding expensive).
func sharedPhotoTemplates(t testing.TB) ([]facePhoto, []Template) {
	t.Helper()
	e := onnxTestEngine(t)
	photos := singleFacePhotos(t)
	sharedTemplates.once.Do(func() {
		sharedTemplates.templates = make(map[string]Template, len(photos))
		for _, p := range photos {
			tmpl, err := e.Extract(context.Background(), p.data)
			if err != nil {
				sharedTemplates.err = fmt.Errorf("%s: %w", p.name, err)
				return
			}
			sharedTemplates.templates[p.name] = tmpl
		}
	})
	require.NoError(t, sharedTemplates.err)
	templates := make([]Template, len(photos))
	for i, p := range photos {
		templates[i] = sharedTemplates.templates[p.name]
	}
	return photos, templates
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedEngine.engine != nil {
		_ = sharedEngine.engine.Close()
	}
	os.Exit(code)
}
