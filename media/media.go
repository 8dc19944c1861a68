// Package media keeps the files of verifications (selfies, videos, sprites,
// best frames, document photos) and exposes them only through expiring,
// signed URLs of the form <base>/media/file?location=<token>.
//
// Files live in a Store (the filesystem by default) under keys chosen by the
// gateway, "<verificationId>/<name>.<ext>", so that every file of a
// verification is deleted with it. A token (see Signer) names one key and
// the merchant it was issued to and expires; the gateway serves the file
// only to that merchant's bearer token, so a leaked URL alone is not enough
// and a URL issued to one merchant never opens for another.
package media

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
)

// ErrNotFound is returned for a key that holds no file.
var ErrNotFound = errors.New("media: not found")

// ErrInvalidKey is returned for a key that is not a valid media key.
var ErrInvalidKey = errors.New("media: invalid key")

// Store keeps media files by key. Implementations are safe for concurrent
// use.
type Store interface {
	// Put writes data under key, replacing any earlier file, atomically:
	// readers see the old file or the new one, never a part.
	Put(ctx context.Context, key string, data []byte) error
	// Open returns the file under key and its size, or ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes the file under key; a missing file is not an error.
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every file whose key starts with prefix, which
	// must be a whole first segment followed by "/" (a verification's
	// folder). Deleting what does not exist is not an error.
	DeletePrefix(ctx context.Context, prefix string) error
}

// segmentPattern is one path segment of a key: no dot first, no separators.
var segmentPattern = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`)

// maxKeySegments bounds the depth of a key.
const maxKeySegments = 4

// ValidKey reports whether key is a media key: 2 to 4 segments separated by
// "/", each of letters, digits, '.', '_' and '-', not starting with '.'.
func ValidKey(key string) bool {
	segments := strings.Split(key, "/")
	if len(segments) < 2 || len(segments) > maxKeySegments {
		return false
	}
	for _, s := range segments {
		if !segmentPattern.MatchString(s) || strings.Contains(s, "..") {
			return false
		}
	}
	return true
}

// validPrefix reports whether prefix is one valid segment followed by "/".
func validPrefix(prefix string) bool {
	folder, ok := strings.CutSuffix(prefix, "/")
	return ok && segmentPattern.MatchString(folder) && !strings.Contains(folder, "..")
}
