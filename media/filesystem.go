package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kycgate/kycgate/internal/atomicfile"
)

// Filesystem is a Store in a local folder. Folders are created with mode
// 0700 and files with 0600; writes go through a temporary file renamed into
// place.
type Filesystem struct {
	root string
}

var _ Store = (*Filesystem)(nil)

// NewFilesystem returns a store rooted at dir, creating it when missing.
func NewFilesystem(dir string) (*Filesystem, error) {
	if dir == "" {
		return nil, errors.New("media: a folder is required")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("media: create folder: %w", err)
	}
	return &Filesystem{root: abs}, nil
}

// path maps a valid key to its file.
func (f *Filesystem) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrInvalidKey
	}
	return filepath.Join(f.root, filepath.FromSlash(key)), nil
}

// Put writes data under key atomically.
func (f *Filesystem) Put(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := f.path(key)
	if err != nil {
		return err
	}
	// A folder being deleted (DeletePrefix) can vanish between its creation
	// and the write: it is made again once.
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("media: create folder: %w", err)
		}
		err := atomicfile.Write(path, data, 0o600)
		if err == nil {
			return nil
		}
		if attempt > 0 || !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("media: store file: %w", err)
		}
	}
}

// Open returns the file under key.
func (f *Filesystem) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	path, err := f.path(key)
	if err != nil {
		return nil, 0, err
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("media: open file: %w", err)
	}
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		_ = file.Close()
		return nil, 0, ErrNotFound
	}
	return file, info.Size(), nil
}

// Delete removes the file under key.
func (f *Filesystem) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := f.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete file: %w", err)
	}
	return nil
}

// DeletePrefix removes the folder named by prefix. A Put racing it can add
// a file while the folder is being emptied, which makes removing the folder
// fail; the removal is then tried again a few times.
func (f *Filesystem) DeletePrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validPrefix(prefix) {
		return ErrInvalidKey
	}
	dir := filepath.Join(f.root, filepath.FromSlash(prefix))
	var err error
	for attempt := range 5 {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
	}
	return fmt.Errorf("media: delete folder: %w", err)
}
