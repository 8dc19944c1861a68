package session

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// CodeLength is the number of characters of an init code.
const CodeLength = 4

// CodeAlphabet holds the characters of init codes: digits and letters
// with at most one character of each group that users confuse when reading
// or typing (none of 0/O/o/Q/D, 1/I/l/i/j, 2/Z/z, 5/S/s and 8/B; only 9 of
// 9/g/q and 6 of 6/b/G), and no lower-case letter whose capital looks the
// same (c, k, p, u, v, w, x, y). Its 32 characters make every code equally
// likely from one random byte each; codes are case-sensitive and 32^4 =
// 1,048,576 of them exist.
const CodeAlphabet = "34679ACEFHJKLMNPRTUVWXYadefhmnrt"

// NewCode draws a random init code from crypto/rand.
func NewCode() (string, error) {
	var b strings.Builder
	b.Grow(CodeLength)
	buf := make([]byte, 1)
	for b.Len() < CodeLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("session: draw init code: %w", err)
		}
		// Rejection sampling keeps every character equally likely should
		// the alphabet's size stop dividing 256.
		if int(buf[0]) >= 256-256%len(CodeAlphabet) {
			continue
		}
		b.WriteByte(CodeAlphabet[int(buf[0])%len(CodeAlphabet)])
	}
	return b.String(), nil
}

// ValidCode reports whether s has the shape of an init code. It does not
// say whether such a session exists.
func ValidCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for i := range len(s) {
		if strings.IndexByte(CodeAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
