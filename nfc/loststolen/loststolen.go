// Package loststolen is the list of documents reported lost or stolen that
// a chip is checked against after passive authentication. The list never
// holds a document number in plain: each entry is the HMAC-SHA256, under
// the operator's secret key, of the issuing state and the document number
// as printed in the MRZ. Without the key the list reveals nothing and
// cannot be tested against guesses.
//
// The list file is text: a header line
//
//	kycgate-lost-stolen v1 hmac-sha256 key=<key id>
//
// followed by one lower-case hex digest per line. The key id is the first 8
// bytes of SHA-256 of the key, in hex, so that a list loaded with another
// key than it was written with is refused instead of silently matching
// nothing. `kycgate nfc lost-stolen import` writes the file from a CSV of
// issuing state and document number.
package loststolen

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao/mrz"
)

// MinKeyBytes is the shortest accepted key.
const MinKeyBytes = 32

// header is the first line's fixed part.
const header = "kycgate-lost-stolen v1 hmac-sha256 key="

// The errors of New and Parse; none quotes a list entry.
var (
	// ErrKey means the key is shorter than MinKeyBytes.
	ErrKey = fmt.Errorf("loststolen: the key must be at least %d bytes in base64", MinKeyBytes)
	// ErrFormat means the file is not a lost-and-stolen list.
	ErrFormat = errors.New("loststolen: not a kycgate lost-and-stolen list")
	// ErrOtherKey means the list was written with another key.
	ErrOtherKey = errors.New("loststolen: the list was hashed with another key than the configured one")
)

// List is a set of keyed digests. It is safe for concurrent reads.
type List struct {
	key     []byte
	digests map[[sha256.Size]byte]struct{}
}

// ParseKey decodes the list's key as configured (nfc.lost_stolen.key):
// standard base64 of at least MinKeyBytes bytes. Every error is ErrKey.
func ParseKey(b64 string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < MinKeyBytes {
		return nil, ErrKey
	}
	return key, nil
}

// New returns an empty list for key.
func New(key []byte) (*List, error) {
	if len(key) < MinKeyBytes {
		return nil, ErrKey
	}
	return &List{key: bytes.Clone(key), digests: map[[sha256.Size]byte]struct{}{}}, nil
}

// KeyID names a key without revealing it: the first 8 bytes of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// digest is the HMAC-SHA256 of the normalised issuing state and document
// number, separated by a byte no MRZ value holds.
func (l *List) digest(issuingState, documentNumber string) [sha256.Size]byte {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte(mrz.NormalizeValue(issuingState)))
	mac.Write([]byte{0})
	mac.Write([]byte(mrz.NormalizeValue(documentNumber)))
	var out [sha256.Size]byte
	copy(out[:], mac.Sum(nil))
	return out
}

// Add lists a document.
func (l *List) Add(issuingState, documentNumber string) {
	l.digests[l.digest(issuingState, documentNumber)] = struct{}{}
}

// Listed reports whether the document is on the list.
func (l *List) Listed(issuingState, documentNumber string) bool {
	_, ok := l.digests[l.digest(issuingState, documentNumber)]
	return ok
}

// Len returns the number of distinct entries.
func (l *List) Len() int {
	return len(l.digests)
}

// Marshal writes the list file: the header and the sorted digests.
func (l *List) Marshal() []byte {
	lines := make([]string, 0, len(l.digests))
	for d := range l.digests {
		lines = append(lines, hex.EncodeToString(d[:]))
	}
	slices.Sort(lines)
	var b strings.Builder
	b.WriteString(header + KeyID(l.key) + "\n")
	for _, line := range lines {
		b.WriteString(line + "\n")
	}
	return []byte(b.String())
}

// Parse reads a list file written with key.
func Parse(data, key []byte) (*List, error) {
	l, err := New(key)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() {
		return nil, ErrFormat
	}
	id, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), header)
	if !ok {
		return nil, ErrFormat
	}
	if id != KeyID(key) {
		return nil, ErrOtherKey
	}
	for n := 2; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		raw, err := hex.DecodeString(line)
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("%w: line %d is not a SHA-256 digest", ErrFormat, n)
		}
		l.digests[[sha256.Size]byte(raw)] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return l, nil
}
