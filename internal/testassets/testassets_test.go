package testassets

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSkipOrFailFailsUnderCIAndSkipsElsewhere(t *testing.T) {
	guard := func(tb testing.TB) { SkipOrFail(tb, "models missing at %s", "/nowhere") }
	t.Setenv("CI", "true")
	failed, skipped := Outcome(t, guard)
	assert.True(t, failed)
	assert.False(t, skipped)
	t.Setenv("CI", "")
	failed, skipped = Outcome(t, guard)
	assert.False(t, failed)
	assert.True(t, skipped)
	CheckGuard(t, guard)
}

func TestCheckGuardRefusesAGuardThatSkipsUnderCI(t *testing.T) {
	failed, _ := Outcome(t, func(tb testing.TB) {
		CheckGuard(tb, func(tb testing.TB) { tb.Skip("always") })
	})
	assert.True(t, failed)
}

func TestGradientJPEGDecodes(t *testing.T) {
	img, format, err := image.Decode(bytes.NewReader(GradientJPEG(t, 16, 20)))
	assert.NoError(t, err)
	assert.Equal(t, "jpeg", format)
	assert.Equal(t, image.Rect(0, 0, 16, 20), img.Bounds())
}

func TestModuleRootHoldsGoMod(t *testing.T) {
	_, err := os.Stat(filepath.Join(ModuleRoot(t), "go.mod"))
	assert.NoError(t, err)
}

func TestPathGuardsFailUnderCIAndSkipElsewhere(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(FacesDirEnv, filepath.Join(empty, "none"))
	t.Setenv("PATH", empty)
	for name, guard := range map[string]func(testing.TB){
		"faces":  func(tb testing.TB) { FacesDir(tb) },
		"ffmpeg": func(tb testing.TB) { FFmpeg(tb) },
		"shared": func(tb testing.TB) { SharedDir(tb, "no-such-folder") },
	} {
		t.Run(name, func(t *testing.T) { CheckGuard(t, guard) })
	}
}
