// Package jsonlimit holds the limits every JSON text accepted by the
// gateway's APIs must keep besides being valid JSON: no NUL character
// (which PostgreSQL cannot store in text or JSONB and no identity datum
// contains) and a bounded nesting depth (which SQLite's JSON functions
// and every later decoder can handle). Checking both once, where a body
// enters, means a client's mistake is refused with a 400 before it can
// reach a store and fail there as a server error.
package jsonlimit

import (
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of objects and arrays accepted. Every
// API's documents nest a few levels; merchants' free-form metadata gets
// room to spare.
const MaxDepth = 64

var (
	// ErrNUL reports a string holding the NUL character (\u0000).
	ErrNUL = errors.New("JSON text must not contain the NUL character (\\u0000)")
	// ErrTooDeep reports objects or arrays nested deeper than MaxDepth.
	ErrTooDeep = fmt.Errorf("JSON text must not nest objects and arrays more than %d levels deep", MaxDepth)
)

// Check returns ErrNUL or ErrTooDeep when valid, which must already be
// valid JSON (json.Valid), breaks one of the limits, and nil otherwise.
// It reads the text once, without decoding it.
func Check(valid []byte) error {
	depth := 0
	inString := false
	for i := 0; i < len(valid); i++ {
		c := valid[i]
		if inString {
			switch c {
			case '"':
				inString = false
			case '\\':
				// In valid JSON an escape is followed by at least one more
				// byte; \u is followed by four hex digits, none of which is
				// a quote or a backslash, so skipping the escaped byte is
				// enough to stay in step.
				if isNULEscape(valid[i:]) {
					return ErrNUL
				}
				i++
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > MaxDepth {
				return ErrTooDeep
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// isNULEscape reports whether s starts with the escape \u0000.
func isNULEscape(s []byte) bool {
	return len(s) >= 6 && s[1] == 'u' && string(s[2:6]) == "0000"
}
