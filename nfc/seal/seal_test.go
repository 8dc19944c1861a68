package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSealOpenRoundtrip(t *testing.T) {
	key, err := GenerateKey()
	require.NoError(t, err)
	plain := bytes.Repeat([]byte("chip data "), 1000)
	sealed, err := Seal(key.PublicKey(), "session-1", plain)
	require.NoError(t, err)
	assert.Len(t, sealed, KeySize+len(plain)+16, "encapsulated key, ciphertext and GCM tag")
	assert.NotContains(t, string(sealed), "chip data")

	got, err := key.Open("session-1", sealed)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
}

func TestOpenRefuses(t *testing.T) {
	key, err := GenerateKey()
	require.NoError(t, err)
	other, err := GenerateKey()
	require.NoError(t, err)
	sealed, err := Seal(key.PublicKey(), "session-1", []byte("payload"))
	require.NoError(t, err)

	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name    string
		key     *Key
		session string
		sealed  []byte
	}{
		{"wrong key", other, "session-1", sealed},
		{"wrong session", key, "session-2", sealed},
		{"tampered encapsulated key", key, "session-1", flip(3)},
		{"tampered ciphertext", key, "session-1", flip(KeySize + 2)},
		{"tampered tag", key, "session-1", flip(len(sealed) - 1)},
		{"truncated", key, "session-1", sealed[:len(sealed)-1]},
		{"only a key", key, "session-1", sealed[:KeySize]},
		{"empty", key, "session-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.Open(tt.session, tt.sealed)
			require.ErrorIs(t, err, ErrOpen)
			assert.Nil(t, got)
		})
	}
}

func TestParseKeyRoundtrip(t *testing.T) {
	key, err := GenerateKey()
	require.NoError(t, err)
	raw, err := key.Bytes()
	require.NoError(t, err)
	again, err := ParseKey(raw)
	require.NoError(t, err)
	assert.Equal(t, key.PublicKey(), again.PublicKey())
	assert.Equal(t, key.ID(), again.ID())
	assert.Len(t, key.ID(), 16)

	_, err = ParseKey(raw[:31])
	assert.Error(t, err)
	_, err = Seal([]byte("short"), "s", []byte("x"))
	assert.ErrorIs(t, err, ErrPublicKey)
}

// TestInteroperatesWithAnotherHPKESender checks the suite against an
// independent use of crypto/hpke's streaming API with the RFC 9180
// identifiers, as a reader app written against the RFC would do it.
func TestInteroperatesWithAnotherHPKESender(t *testing.T) {
	key, err := GenerateKey()
	require.NoError(t, err)
	k, err := hpke.NewKEM(KEMID)
	require.NoError(t, err)
	kdf, err := hpke.NewKDF(KDFID)
	require.NoError(t, err)
	aead, err := hpke.NewAEAD(AEADID)
	require.NoError(t, err)
	pub, err := k.NewPublicKey(key.PublicKey())
	require.NoError(t, err)
	enc, sender, err := hpke.NewSender(pub, kdf, aead, []byte("kycgate nfc upload v1; session abc"))
	require.NoError(t, err)
	ct, err := sender.Seal(nil, []byte("hello"))
	require.NoError(t, err)

	got, err := key.Open("abc", append(enc, ct...))
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))

	raw, err := key.Bytes()
	require.NoError(t, err)
	x, err := ecdh.X25519().NewPrivateKey(raw)
	require.NoError(t, err)
	assert.Equal(t, x.PublicKey().Bytes(), key.PublicKey(), "the key is a plain X25519 key")
}
