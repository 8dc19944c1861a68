package testassets

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// FacesDirEnv names a folder of face photos to use instead of
// ../shared/faces.
const FacesDirEnv = "KYCGATE_FACES_DIR"

// ModuleRoot walks up from the working directory to the folder holding
// go.mod, and fails the test when there is none.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testassets: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testassets: go.mod not found above the test directory")
		}
		dir = parent
	}
}

// SharedDir returns a folder of the shared material beside the module
// (../shared/parts...), or stops the test (SkipOrFail) when it is missing.
func SharedDir(t testing.TB, parts ...string) string {
	t.Helper()
	return existing(t, filepath.Join(append([]string{ModuleRoot(t), "..", "shared"}, parts...)...), "shared material")
}

// FacesDir returns the shared face photos: FacesDirEnv when set, else
// ../shared/faces; it stops the test (SkipOrFail) when they are missing.
func FacesDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv(FacesDirEnv); dir != "" {
		return existing(t, dir, "shared face photos")
	}
	return SharedDir(t, "faces")
}

// FFmpeg returns the path of ffmpeg, or stops the test (SkipOrFail).
func FFmpeg(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		SkipOrFail(t, "ffmpeg not installed (apt-get install -y ffmpeg)")
	}
	return path
}

// existing returns dir when it exists and stops the test otherwise.
func existing(t testing.TB, dir, what string) string {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		SkipOrFail(t, "%s missing at %s", what, dir)
	}
	return dir
}
