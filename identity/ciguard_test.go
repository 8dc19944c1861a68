package identity_test

import (
	"testing"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
)

// TestMissingAssetsFailInCI checks that the helpers guarding the tests
// that need the models, the shared photos or ffmpeg fail, rather than
// skip, when CI is set, and skip only on a developer machine.
func TestMissingAssetsFailInCI(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(biometric.ModelsDirEnv, empty)
	t.Setenv(testassets.FacesDirEnv, empty+"/none")
	t.Setenv("PATH", empty)
	helpers := map[string]func(testing.TB){
		"models": func(tb testing.TB) { sharedEngine(tb) },
		"photos": func(tb testing.TB) { face(tb, personFirst) },
		"ffmpeg": func(tb testing.TB) { testassets.FFmpeg(tb) },
	}
	for name, helper := range helpers {
		t.Run(name, func(t *testing.T) { testassets.CheckGuard(t, helper) })
	}
}
