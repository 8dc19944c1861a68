// Package testassets guards the tests that need material a fresh clone may
// lack: the face models, the shared folder beside the repository, ffmpeg.
// On a developer machine such a test skips with a loud message; under CI
// (the CI variable set, as .ci/run does) it fails, because CI must run
// every test.
package testassets

import (
	"os"
	"runtime"
	"testing"
)

// SkipOrFail stops t because an asset is missing: it fails the test when
// the CI variable is set and skips it otherwise.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf("SKIPPED — "+format, args...)
}

// Outcome runs helper with a testing.TB that records, instead of acting
// on, a failure or a skip, and reports which of them helper asked for. It
// lets a test check that an asset guard fails under CI and skips
// elsewhere.
func Outcome(t testing.TB, helper func(testing.TB)) (failed, skipped bool) {
	o := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(o)
	}()
	<-done
	return o.failed, o.skipped
}

// recorder is the testing.TB of Outcome. Like the real methods, failing
// for good or skipping stops the helper's goroutine.
type recorder struct {
	testing.TB
	failed, skipped bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Error(...any)          { r.failed = true }
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fail()                 { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true; runtime.Goexit() }
func (r *recorder) Fatal(...any)          { r.failed = true; runtime.Goexit() }
func (r *recorder) Fatalf(string, ...any) { r.failed = true; runtime.Goexit() }
func (r *recorder) Skip(...any)           { r.skipped = true; runtime.Goexit() }
func (r *recorder) SkipNow()              { r.skipped = true; runtime.Goexit() }
func (r *recorder) Skipf(string, ...any)  { r.skipped = true; runtime.Goexit() }

// CheckGuard checks that guard, a helper that stops a test when an asset
// is missing, fails the test under CI and skips it elsewhere. Call it
// with the asset made unavailable.
func CheckGuard(t testing.TB, guard func(testing.TB)) {
	t.Helper()
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		failed, skipped := Outcome(t, guard)
		if failed != (ci != "") || skipped != (ci == "") {
			t.Errorf("CI=%q: failed=%v skipped=%v, want the test to %s", ci, failed, skipped, map[bool]string{true: "fail", false: "skip"}[ci != ""])
		}
	}
}
