package biometric

import (
	"testing"

	"github.com/kycgate/kycgate/internal/testassets"
	"github.com/stretchr/testify/assert"
)

// TestMissingAssetsFailInCI checks that the helpers guarding the tests
// that need the models, the shared photos or ffmpeg fail, rather than
// skip, when CI is set, and skip only on a developer machine.
func TestMissingAssetsFailInCI(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(ModelsDirEnv, empty)
	t.Setenv("KYCGATE_FACES_DIR", empty+"/none")
	t.Setenv("PATH", empty)
	helpers := map[string]func(testing.TB){
		"models": func(tb testing.TB) { testModelsDir(tb) },
		"photos": func(tb testing.TB) { facesDir(tb) },
		"ffmpeg": func(tb testing.TB) { requireFFmpeg(tb) },
	}
	for name, helper := range helpers {
		t.Run(name, func(t *testing.T) {
			t.Setenv("CI", "true")
			failed, skipped := testassets.Outcome(t, helper)
			assert.True(t, failed, "CI fails")
			assert.False(t, skipped)
			t.Setenv("CI", "")
			failed, skipped = testassets.Outcome(t, helper)
			assert.False(t, failed)
			assert.True(t, skipped, "a developer machine skips")
		})
	}
}
