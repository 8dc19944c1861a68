// Package openapitest helps tests of other kycgate packages check their
// behaviour against the official CAMARA OpenAPI documents kept in the shared
// material folder (../shared/reference/camara seen from the module root).
//
// Tests that need the shared folder skip, with a message saying where it was
// looked for, when it is absent (a fresh clone outside CI).
package openapitest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kycgate/kycgate/internal/testassets"
)

// CamaraReferenceDir is the folder, relative to SharedDir, that holds the
// official CAMARA documents.
const CamaraReferenceDir = "reference/camara"

// SharedDir returns the absolute path of the shared material folder, the
// sibling "shared" of the module root. The module root is found by walking up
// from the working directory to the first directory holding go.mod. The test
// is skipped when the folder is absent (it fails under CI, see
// testassets.SkipOrFail), and fails when the module root cannot be found.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, err := sharedDir()
	if errors.Is(err, os.ErrNotExist) {
		testassets.SkipOrFail(t, "openapitest: shared material folder not available (%v); it lives next to the module root as ../shared", err)
		return ""
	}
	if err != nil {
		t.Fatalf("openapitest: %v", err)
		return ""
	}
	return dir
}

// sharedDir locates ../shared relative to the module root. Errors wrap
// os.ErrNotExist when the folder is simply absent.
func sharedDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := moduleRoot(wd)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(filepath.Dir(root), "shared")
	info, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", &os.PathError{Op: "stat", Path: dir, Err: errors.New("not a directory")}
	}
	return dir, nil
}

// moduleRoot walks up from dir to the first directory that holds go.mod.
func moduleRoot(dir string) (string, error) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}
