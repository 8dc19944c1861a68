package media_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/media"
)

func newFilesystem(t *testing.T) (*media.Filesystem, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "media")
	fs, err := media.NewFilesystem(dir)
	require.NoError(t, err)
	return fs, dir
}

func read(t *testing.T, s media.Store, key string) []byte {
	t.Helper()
	r, size, err := s.Open(context.Background(), key)
	require.NoError(t, err)
	defer r.Close()
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), size)
	return data
}

func TestFilesystemPutOpenReplace(t *testing.T) {
	ctx := context.Background()
	fs, dir := newFilesystem(t)
	require.NoError(t, fs.Put(ctx, "ver1/selfie-photo.jpg", []byte("first")))
	assert.Equal(t, []byte("first"), read(t, fs, "ver1/selfie-photo.jpg"))
	require.NoError(t, fs.Put(ctx, "ver1/selfie-photo.jpg", []byte("second")))
	assert.Equal(t, []byte("second"), read(t, fs, "ver1/selfie-photo.jpg"))

	info, err := os.Stat(filepath.Join(dir, "ver1", "selfie-photo.jpg"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "files are private")
	folder, err := os.Stat(filepath.Join(dir, "ver1"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), folder.Mode().Perm(), "folders are private")
	entries, err := os.ReadDir(filepath.Join(dir, "ver1"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	_, _, err = fs.Open(ctx, "ver1/missing.jpg")
	require.ErrorIs(t, err, media.ErrNotFound)

	require.NoError(t, fs.Delete(ctx, "ver1/selfie-photo.jpg"))
	_, _, err = fs.Open(ctx, "ver1/selfie-photo.jpg")
	require.ErrorIs(t, err, media.ErrNotFound)
	require.NoError(t, fs.Delete(ctx, "ver1/selfie-photo.jpg"), "deleting a missing file is harmless")
	require.ErrorIs(t, fs.Delete(ctx, "../x/y.jpg"), media.ErrInvalidKey)
}

func TestFilesystemRefusesInvalidKeys(t *testing.T) {
	ctx := context.Background()
	fs, _ := newFilesystem(t)
	for _, key := range []string{"", "flat.jpg", "../escape/x.jpg", "ver1/../../x.jpg", "ver1/..", "/abs/x.jpg",
		"ver1/.hidden", "ver1//x.jpg", `ver1\x.jpg`, "a/b/c/d/e.jpg", "ver1/x y.jpg"} {
		t.Run(key, func(t *testing.T) {
			assert.ErrorIs(t, fs.Put(ctx, key, []byte("x")), media.ErrInvalidKey)
			_, _, err := fs.Open(ctx, key)
			assert.ErrorIs(t, err, media.ErrInvalidKey)
		})
	}
	for _, prefix := range []string{"", "ver1", "../", "ver1/x/", "./"} {
		assert.ErrorIs(t, fs.DeletePrefix(ctx, prefix), media.ErrInvalidKey, "prefix %q", prefix)
	}
}

func TestFilesystemDeletePrefixRemovesOneVerification(t *testing.T) {
	ctx := context.Background()
	fs, _ := newFilesystem(t)
	for _, key := range []string{"ver1/a.jpg", "ver1/b.mp4", "ver10/a.jpg"} {
		require.NoError(t, fs.Put(ctx, key, []byte(key)))
	}
	require.NoError(t, fs.DeletePrefix(ctx, "ver1/"))
	for _, key := range []string{"ver1/a.jpg", "ver1/b.mp4"} {
		_, _, err := fs.Open(ctx, key)
		assert.ErrorIs(t, err, media.ErrNotFound, key)
	}
	assert.Equal(t, []byte("ver10/a.jpg"), read(t, fs, "ver10/a.jpg"), "a folder sharing the prefix text stays")
	require.NoError(t, fs.DeletePrefix(ctx, "ver1/"), "deleting twice is harmless")
}
