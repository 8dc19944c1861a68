// Package flatjson reads, without building a generic value, the JSON
// bodies most API calls send: one object whose member values are all
// strings, such as a KYC Match request, or strings and integers, such as a
// KYC Match response.
//
// It is a fast path, not a general decoder. Object succeeds only on input
// that encoding/json would read as exactly one such object, and then hands
// over every member exactly as encoding/json decodes it; on anything else
// (other numbers, nested values, invalid UTF-8, trailing data, syntax
// errors) it reports false and the caller takes its general, slower path,
// which also words the error. Callers therefore never see a different verdict or a
// different error because of it.
package flatjson

import (
	"encoding/json"
	"unicode/utf8"
)

// Object calls fn with the decoded name and value of each member of the
// JSON object in data, in document order, duplicates included. It returns
// true when data is exactly one JSON object (surrounded by JSON whitespace
// only) whose member values are all strings, every string is valid UTF-8,
// and fn returned true for every member. It returns false, after calling fn
// for some prefix of the members, otherwise.
//
// name and value alias data when the string holds no escape sequence;
// they must not be modified. A string with escapes is decoded by
// encoding/json, so the bytes passed are exactly those it would produce.
func Object(data []byte, fn func(name, value []byte) bool) bool {
	return Members(data, func(name, value []byte, kind Kind) bool {
		return kind == String && fn(name, value)
	})
}

// Kind says what a member's value is.
type Kind uint8

const (
	// String is a JSON string; the value passed is its decoded text.
	String Kind = iota + 1
	// Integer is a JSON number written as an integer: an optional minus
	// sign and at most MaxIntegerDigits digits without a leading zero, no
	// fraction and no exponent. The value passed is the literal as written.
	Integer
)

// MaxIntegerDigits bounds the digits of an Integer member, so that every
// Integer fits an int64 and a float64 exactly; longer numbers are refused.
const MaxIntegerDigits = 15

// Members is Object for objects whose member values are strings or
// integers (see Kind); any other value, such as a fraction, an exponent,
// null or a nested value, makes it return false.
func Members(data []byte, fn func(name, value []byte, kind Kind) bool) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		name, next, ok := readString(data, i)
		if !ok {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		value, kind, next, ok := readScalar(data, skipSpace(data, i+1))
		if !ok || !fn(name, value, kind) {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// readScalar reads the string or integer that starts at data[i].
func readScalar(data []byte, i int) (value []byte, kind Kind, next int, ok bool) {
	if i < len(data) && data[i] == '"' {
		value, next, ok = readString(data, i)
		return value, String, next, ok
	}
	next, ok = readInteger(data, i)
	return data[i:next], Integer, next, ok
}

// readInteger reads the integer literal that starts at data[i] and returns
// the index just after it. A literal that goes on as a fraction or an
// exponent, or has more than MaxIntegerDigits digits, is refused.
func readInteger(data []byte, i int) (next int, ok bool) {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	digits := j
	for j < len(data) && '0' <= data[j] && data[j] <= '9' {
		j++
	}
	n := j - digits
	if n == 0 || n > MaxIntegerDigits || (n > 1 && data[digits] == '0') {
		return i, false
	}
	if j < len(data) {
		switch data[j] {
		case '.', 'e', 'E':
			return i, false
		}
	}
	return j, true
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// readString reads the JSON string that starts at data[i] and returns its
// decoded bytes and the index just after its closing quote.
func readString(data []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			raw := data[i+1 : j]
			if !utf8.Valid(raw) {
				return nil, 0, false
			}
			if escaped {
				return unescape(data[i:j+1], j+1)
			}
			return raw, j + 1, true
		case c == '\\':
			// The escaped byte is skipped here and checked by unescape.
			escaped = true
			j++
		case c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// unescape decodes a quoted JSON string with escape sequences through
// encoding/json, so that every escape, surrogate pair and lone surrogate
// comes out as it does there.
func unescape(quoted []byte, next int) ([]byte, int, bool) {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return nil, 0, false
	}
	return []byte(s), next, true
}
