package biometric

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// outcomeTB records whether a helper failed or skipped the test it was
// given, and stops the helper's goroutine as the real methods do.
type outcomeTB struct {
	testing.TB
	failed, skipped bool
}

func (o *outcomeTB) Helper()               {}
func (o *outcomeTB) Errorf(string, ...any) { o.failed = true }
func (o *outcomeTB) Fatalf(string, ...any) { o.failed = true; runtime.Goexit() }
func (o *outcomeTB) Fatal(...any)          { o.failed = true; runtime.Goexit() }
func (o *outcomeTB) FailNow()              { o.failed = true; runtime.Goexit() }
func (o *outcomeTB) Skipf(string, ...any)  { o.skipped = true; runtime.Goexit() }
func (o *outcomeTB) Skip(...any)           { o.skipped = true; runtime.Goexit() }
func (o *outcomeTB) SkipNow()              { o.skipped = true; runtime.Goexit() }

// outcomeOf runs helper with a recording TB and reports what it did.
func outcomeOf(t *testing.T, helper func(testing.TB)) (failed, skipped bool) {
	o := &outcomeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(o)
	}()
	<-done
	return o.failed, o.skipped
}

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
			failed, skipped := outcomeOf(t, helper)
			assert.True(t, failed, "CI fails")
			assert.False(t, skipped)
			t.Setenv("CI", "")
			failed, skipped = outcomeOf(t, helper)
			assert.False(t, failed)
			assert.True(t, skipped, "a developer machine skips")
		})
	}
}
