// Package atomicfile writes a file so that readers see either its old
// content or the whole new one, never a part: the data goes to a temporary
// file beside it, is synced, and is renamed over the target.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces the file at path with data, readable as perm. The folder
// must exist. A path that is a symbolic link is followed, so that the file
// it names is replaced and the link stays (as a mounted secret or list
// file expects). On failure the target is left as it was and the temporary
// file is removed.
func Write(path string, data []byte, perm fs.FileMode) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create a temporary file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := writeAndSync(tmp, data, perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close the temporary file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace the file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir flushes a folder's entries, so that a rename in it survives a
// crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open the folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync the folder: %w", err)
	}
	return nil
}

// writeAndSync writes data to f with mode perm and flushes it to disk.
func writeAndSync(f *os.File, data []byte, perm fs.FileMode) error {
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("set the file mode: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write the file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync the file: %w", err)
	}
	return nil
}
