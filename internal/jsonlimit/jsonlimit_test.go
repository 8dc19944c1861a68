package jsonlimit

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	nested := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	arrays := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name string
		json string
		want error
	}{
		{"flat object", `{"givenName":"Federica","n":1}`, nil},
		{"NUL escape", `{"givenName":"Fed\u0000erica"}`, ErrNUL},
		{"NUL escape in a name", `{"a\u0000":"b"}`, ErrNUL},
		{"NUL escape in an array", `["x",["\u0000"]]`, ErrNUL},
		{"escaped backslash before u0000 is text", `{"path":"C:\\u0000"}`, nil},
		{"three backslashes then u0000 is a NUL", `{"p":"\\\u0000"}`, ErrNUL},
		{"other escapes", `{"a":"\u0001\"\\\/\b\f\n\r\t\u00e9"}`, nil},
		{"brackets inside strings do not nest", `{"a":"` + strings.Repeat("[{", 100) + `"}`, nil},
		{"quote escape inside a string", `{"a":"\"{[","b":"c"}`, nil},
		{"deepest objects accepted", nested(MaxDepth), nil},
		{"objects one level too deep", nested(MaxDepth + 1), ErrTooDeep},
		{"deepest arrays accepted", arrays(MaxDepth), nil},
		{"arrays one level too deep", arrays(MaxDepth + 1), ErrTooDeep},
		{"siblings do not add up", `[` + strings.Repeat(arrays(MaxDepth-1)+",", 10) + `1]`, nil},
		{"scalar", `"text"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.json)), "the case must be valid JSON")
			assert.Equal(t, tt.want, Check([]byte(tt.json)))
		})
	}
}

// FuzzCheckAgreesWithEncodingJSON checks Check's verdicts against
// encoding/json's token stream, which decodes every string (member names
// and duplicate members included) and opens every object and array.
func FuzzCheckAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":"\u0000"}`, `{"a":"\\u0000"}`, `[[["x"]]]`, `{"a":{"b":["\u0041"]}}`, `"\\\\\u0000"`, `{"a":"\u0000","a":"b"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		hasNUL, depth := inspect(t, s)
		got := Check([]byte(s))
		switch {
		case hasNUL && depth > MaxDepth:
			assert.Error(t, got)
		case hasNUL:
			assert.Equal(t, ErrNUL, got)
		case depth > MaxDepth:
			assert.Equal(t, ErrTooDeep, got)
		default:
			assert.NoError(t, got)
		}
	})
}

// inspect reports whether any string of the valid JSON text s holds a NUL,
// and how deep its objects and arrays nest.
func inspect(t *testing.T, s string) (hasNUL bool, deepest int) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return hasNUL, deepest
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				depth++
				deepest = max(deepest, depth)
			} else {
				depth--
			}
		case string:
			hasNUL = hasNUL || strings.ContainsRune(tok, 0)
		}
	}
}
