package flatjson

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// member is one name/value pair handed to the callback.
type member struct{ name, value string }

// collect runs Object and returns the members seen.
func collect(data string) ([]member, bool) {
	var got []member
	ok := Object([]byte(data), func(name, value []byte) bool {
		got = append(got, member{string(name), string(value)})
		return true
	})
	return got, ok
}

func TestObjectAccepts(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []member
	}{
		{"empty object", `{}`, nil},
		{"empty object with spaces", " \t\r\n{ \n } \n", nil},
		{"one member", `{"a":"b"}`, []member{{"a", "b"}}},
		{"whitespace everywhere", " { \"a\" :\t\"b\" ,\n\"c\" : \"\" } ", []member{{"a", "b"}, {"c", ""}}},
		{"document order and duplicates", `{"b":"1","a":"2","b":"3"}`, []member{{"b", "1"}, {"a", "2"}, {"b", "3"}}},
		{"UTF-8 text", `{"name":"José Müller フェデリカ"}`, []member{{"name", "José Müller フェデリカ"}}},
		{"simple escapes", `{"a":"q\"b\\s\/n\nt\tr\rb\bf\f"}`, []member{{"a", "q\"b\\s/n\nt\tr\rb\bf\f"}}},
		{"unicode escape", `{"\u0061":"\u00e9\ud83d\ude00"}`, []member{{"a", "é😀"}}},
		{"lone surrogate becomes U+FFFD", `{"a":"\ud800"}`, []member{{"a", "\uFFFD"}}},
		{"escaped quote before the end", `{"a":"x\\"}`, []member{{"a", `x\`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := collect(tt.data)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestObjectRefuses(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty input", ``},
		{"only spaces", `   `},
		{"array", `["a"]`},
		{"string", `"a"`},
		{"number value", `{"a":1}`},
		{"null value", `{"a":null}`},
		{"boolean value", `{"a":true}`},
		{"nested object", `{"a":{}}`},
		{"nested array", `{"a":[]}`},
		{"trailing data", `{"a":"b"} x`},
		{"second object", `{"a":"b"}{}`},
		{"trailing comma", `{"a":"b",}`},
		{"missing colon", `{"a" "b"}`},
		{"missing value", `{"a":}`},
		{"unquoted name", `{a:"b"}`},
		{"single quotes", `{'a':'b'}`},
		{"unterminated string", `{"a":"b}`},
		{"unterminated object", `{"a":"b"`},
		{"control character in string", "{\"a\":\"b\nc\"}"},
		{"invalid UTF-8", "{\"a\":\"\xff\"}"},
		{"invalid UTF-8 in a name", "{\"\xc3\":\"a\"}"},
		{"bad escape", `{"a":"\x"}`},
		{"short unicode escape", `{"a":"\u12"}`},
		{"backslash at the end", `{"a":"\`},
		{"byte order mark", "\uFEFF{}"},
		{"non-JSON space", "\u00a0{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := collect(tt.data)
			assert.False(t, ok)
		})
	}
}

func TestObjectStopsWhenTheCallbackRefuses(t *testing.T) {
	calls := 0
	ok := Object([]byte(`{"a":"1","b":"2","c":"3"}`), func(name, _ []byte) bool {
		calls++
		return string(name) != "b"
	})
	assert.False(t, ok)
	assert.Equal(t, 2, calls)
}

func TestObjectAliasesDataWithoutEscapes(t *testing.T) {
	data := []byte(`{"a":"value"}`)
	require.True(t, Object(data, func(_, value []byte) bool {
		assert.Equal(t, &data[6], &value[0], "an unescaped value is not copied")
		return true
	}))
}

// tokens reads data with encoding/json's tokenizer as an object of string
// members, or reports that it is not one.
func tokens(data []byte) ([]member, bool) {
	if !json.Valid(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []member
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, false
		}
		value, err := dec.Token()
		s, ok := value.(string)
		if err != nil || !ok {
			return nil, false
		}
		out = append(out, member{name.(string), s})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return out, true
}

// FuzzObjectAgreesWithEncodingJSON checks that whatever Object accepts,
// encoding/json reads as the same members.
func FuzzObjectAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"a":"b"}`, `{"a":"\u00e9","b":"\ud800x"}`, `{"a":1}`, `{"a":"b"} `, `{"a":"b",}`,
		`{"phoneNumber":"+34600100000","givenName":"José"}`, "{\"a\":\"\xff\"}", `{"a":"\\\""}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := collect(string(data))
		if !ok {
			return
		}
		want, valid := tokens(data)
		require.True(t, valid, "Object accepted what encoding/json refuses: %q", data)
		if want == nil {
			want = []member{}
		}
		if got == nil {
			got = []member{}
		}
		require.Equal(t, want, got)
	})
}

// scalar is one member handed to the Members callback.
type scalar struct {
	name, value string
	kind        Kind
}

// collectMembers runs Members and returns the members seen.
func collectMembers(data string) ([]scalar, bool) {
	var got []scalar
	ok := Members([]byte(data), func(name, value []byte, kind Kind) bool {
		got = append(got, scalar{string(name), string(value), kind})
		return true
	})
	return got, ok
}

func TestMembersReadsStringsAndIntegers(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []scalar
	}{
		{"strings and integers", `{"a":"true","aScore":87,"b":0}`, []scalar{{"a", "true", String}, {"aScore", "87", Integer}, {"b", "0", Integer}}},
		{"negative integer", `{"a":-12}`, []scalar{{"a", "-12", Integer}}},
		{"negative zero", `{"a":-0}`, []scalar{{"a", "-0", Integer}}},
		{"integer then spaces", "{\"a\":100 \n}", []scalar{{"a", "100", Integer}}},
		{"fifteen digits", `{"a":123456789012345}`, []scalar{{"a", "123456789012345", Integer}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := collectMembers(tt.data)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMembersRefusesOtherNumbersAndValues(t *testing.T) {
	for _, data := range []string{
		`{"a":1.5}`, `{"a":1e2}`, `{"a":1E2}`, `{"a":01}`, `{"a":-}`, `{"a":+1}`,
		`{"a":1234567890123456}`, `{"a":null}`, `{"a":true}`, `{"a":[1]}`, `{"a":{}}`,
		`{"a":1 2}`, `{"a":1`, `{"a":1x}`, `{"a":0x10}`,
	} {
		t.Run(data, func(t *testing.T) {
			_, ok := collectMembers(data)
			assert.False(t, ok)
		})
	}
}

func TestObjectStillRefusesIntegers(t *testing.T) {
	_, ok := collect(`{"a":"b","c":1}`)
	assert.False(t, ok)
}

// scalarTokens reads data with encoding/json's tokenizer as an object of
// string and number members, or reports that it is not one.
func scalarTokens(data []byte) ([]scalar, bool) {
	if !json.Valid(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []scalar
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, false
		}
		value, err := dec.Token()
		if err != nil {
			return nil, false
		}
		switch v := value.(type) {
		case string:
			out = append(out, scalar{name.(string), v, String})
		case json.Number:
			out = append(out, scalar{name.(string), v.String(), Integer})
		default:
			return nil, false
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return out, true
}

// FuzzMembersAgreesWithEncodingJSON checks that whatever Members accepts,
// encoding/json reads as the same members, every Integer an integer that
// an int64 holds.
func FuzzMembersAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"a":"b"}`, `{"a":1}`, `{"a":-0}`, `{"a":1.0}`, `{"a":01}`, `{"aMatch":"false","aMatchScore":87}`,
		`{"a":123456789012345}`, `{"a":1e3}`, `{"a":"\u00e9","b":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := collectMembers(string(data))
		if !ok {
			return
		}
		want, valid := scalarTokens(data)
		require.True(t, valid, "Members accepted what encoding/json refuses: %q", data)
		if want == nil {
			want = []scalar{}
		}
		if got == nil {
			got = []scalar{}
		}
		require.Equal(t, want, got)
		for _, m := range got {
			if m.kind == Integer {
				_, err := strconv.ParseInt(m.value, 10, 64)
				require.NoError(t, err)
			}
		}
	})
}
