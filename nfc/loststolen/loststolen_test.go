package loststolen

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is a 32-byte key.
var testKey = bytes.Repeat([]byte{0x42}, 32)

func TestImportMarshalParseRoundTrip(t *testing.T) {
	l, err := New(testKey)
	require.NoError(t, err)
	n, err := l.Import(strings.NewReader("issuing_state,document_number\n# a comment\nUTO,L898902C3\nD<<, c01x00t47\nUTO,L898902C3\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, l.Len(), "duplicates collapse")

	file := l.Marshal()
	for _, plain := range []string{"L898902C3", "C01X00T47", "c01x00t47", "UTO"} {
		assert.NotContains(t, string(file), plain, "the file holds no plain value")
	}
	loaded, err := Parse(file, testKey)
	require.NoError(t, err)
	assert.Equal(t, 2, loaded.Len())

	tests := []struct {
		state, number string
		want          bool
	}{
		{"UTO", "L898902C3", true},
		{"uto", "l898902c3<", true},
		{"D", "C01X00T47", true},
		{"D<<", "C01X00T47", true},
		{"UTO", "L898902C4", false},
		{"D", "L898902C3", false},
		{"UTOL", "898902C3", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, loaded.Listed(tc.state, tc.number), "%s %s", tc.state, tc.number)
	}
}

func TestParseRefuses(t *testing.T) {
	l, err := New(testKey)
	require.NoError(t, err)
	l.Add("UTO", "L898902C3")
	file := l.Marshal()

	otherKey := bytes.Repeat([]byte{0x43}, 32)
	_, err = Parse(file, otherKey)
	assert.ErrorIs(t, err, ErrOtherKey)
	_, err = Parse(file, testKey[:16])
	assert.ErrorIs(t, err, ErrKey)
	_, err = Parse([]byte("UTO,L898902C3\n"), testKey)
	assert.ErrorIs(t, err, ErrFormat)
	_, err = Parse(nil, testKey)
	assert.ErrorIs(t, err, ErrFormat)
	broken := append(bytes.Clone(file), []byte("UTO-L898902C3\n")...)
	_, err = Parse(broken, testKey)
	require.ErrorIs(t, err, ErrFormat)
	assert.NotContains(t, err.Error(), "L898902C3")
}

func TestImportRefusesWithoutQuotingValues(t *testing.T) {
	for name, input := range map[string]string{
		"one field":                "UTO,L898902C3\nL898902C4\n",
		"empty number":             "UTO,<<<\n",
		"three fields":             "UTO,L898902C3,ERIKSSON\n",
		"long state code":          "UTOPIA,L898902C3\n",
		"broken quote":             "UTO,\"L898902C3\n",
		"quote in the first field": "U\"TO,L898902C3\n",
		"not UTF-8":                "D,C01X\xff\xfeL898902C\n",
	} {
		l, err := New(testKey)
		require.NoError(t, err)
		_, err = l.Import(strings.NewReader(input))
		require.ErrorIs(t, err, ErrImport, name)
		for _, secret := range []string{"L898902C", "ERIKSSON", "UTOPIA"} {
			assert.NotContains(t, err.Error(), secret, name)
		}
		assert.Zero(t, l.Len(), "%s: nothing is added from a refused file", name)
	}
	l, err := New(testKey)
	require.NoError(t, err)
	_, err = l.Import(failingReader{})
	require.ErrorIs(t, err, ErrImport)
	assert.Contains(t, err.Error(), "cannot be read: disk on fire", "a read error is reported as such")
}

// failingReader fails every read.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
