package sealed

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newBox(t *testing.T, fill byte) *Box {
	t.Helper()
	b, err := New(bytes.Repeat([]byte{fill}, KeySize))
	require.NoError(t, err)
	return b
}

func TestSealAndOpen(t *testing.T) {
	b := newBox(t, 1)
	s := b.Seal("whsec-0123456789abcdef", "event:1")
	assert.True(t, IsSealed(s))
	assert.NotContains(t, s, "0123456789abcdef")
	assert.NotEqual(t, s, b.Seal("whsec-0123456789abcdef", "event:1"), "a fresh nonce each time")
	got, err := b.Open(s, "event:1")
	require.NoError(t, err)
	assert.Equal(t, "whsec-0123456789abcdef", got)
}

func TestOpenRefuses(t *testing.T) {
	b := newBox(t, 1)
	s := b.Seal("whsec-0123456789abcdef", "event:1")
	tampered := []byte(s)
	tampered[len(tampered)-3] ^= 1
	for name, tc := range map[string]struct {
		box    *Box
		value  string
		record string
	}{
		"another record": {b, s, "event:2"},
		"another key":    {newBox(t, 2), s, "event:1"},
		"altered text":   {b, string(tampered), "event:1"},
		"not base64":     {b, Prefix + "!!!", "event:1"},
		"too short":      {b, Prefix + "AAAA", "event:1"},
		"no key":         {nil, s, "event:1"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := tc.box.Open(tc.value, tc.record)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.NotContains(t, err.Error(), "0123456789abcdef")
		})
	}
}

func TestUnsealedValuesPassThrough(t *testing.T) {
	b := newBox(t, 1)
	got, err := b.Open("a secret written before sealing", "event:1")
	require.NoError(t, err)
	assert.Equal(t, "a secret written before sealing", got)
	var none *Box
	assert.Equal(t, "plain", none.Seal("plain", "event:1"), "a nil Box seals nothing")
	assert.Equal(t, "", b.Seal("", "event:1"), "nothing to seal")
}

func TestNewRefusesAShortKey(t *testing.T) {
	_, err := New([]byte("short"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "32 bytes"))
}
