package local

import (
	"sort"
	"unicode/utf8"
)

// lineIndex converts byte offsets of a file into 1-based line numbers.
type lineIndex struct {
	// newlines holds the offset of every '\n', ascending.
	newlines []int64
}

func newLineIndex(data []byte) lineIndex {
	var idx lineIndex
	for i, b := range data {
		if b == '\n' {
			idx.newlines = append(idx.newlines, int64(i))
		}
	}
	return idx
}

// lineAt returns the line holding the byte at offset.
func (idx lineIndex) lineAt(offset int64) int {
	return 1 + sort.Search(len(idx.newlines), func(i int) bool { return idx.newlines[i] >= offset })
}

// firstInvalidUTF8 returns the offset of the first byte that is not part of
// valid UTF-8, or len(data).
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}
