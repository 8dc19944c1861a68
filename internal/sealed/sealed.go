// Package sealed keeps short secrets, such as webhook signing secrets,
// encrypted at rest: AES-256-GCM under a key from the configuration, bound
// to the record that holds them, written as text that says it is sealed.
//
// A sealed value reads "kgsealed1." followed by the URL-safe base64 (no
// padding) of a 12-byte random nonce and the ciphertext with its tag. The
// additional data names the record (for example the event id), so a value
// copied into another record does not open. Values without the prefix are
// taken as written before sealing was configured and read as they are.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefix starts every sealed value.
const Prefix = "kgsealed1."

// KeySize is the length of a Box's key in bytes.
const KeySize = 32

// ErrOpen is returned for a sealed value that does not open: another key,
// another record, or altered text. It never carries the value.
var ErrOpen = errors.New("sealed: the value does not open with this key and record")

// Box seals and opens values under one key. A nil *Box seals nothing: it
// returns values as they are, so that sealing can be left unconfigured.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("sealed: the key must be %d bytes", KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// IsSealed reports whether value is written in the sealed form.
func IsSealed(value string) bool { return strings.HasPrefix(value, Prefix) }

// Seal returns value sealed for the record named by record. An empty value
// stays empty, and a nil Box returns value as it is.
func (b *Box) Seal(value, record string) string {
	if b == nil || value == "" {
		return value
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(value)+b.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	sealed := b.aead.Seal(nonce, nonce, []byte(value), []byte(record))
	return Prefix + base64.RawURLEncoding.EncodeToString(sealed)
}

// Open returns the value that Seal sealed for record. A value without the
// prefix is returned as it is; a sealed value needs a Box with the right
// key.
func (b *Box) Open(value, record string) (string, error) {
	if !IsSealed(value) {
		return value, nil
	}
	if b == nil {
		return "", errors.New("sealed: a sealed value needs the key it was sealed with, and none is configured")
	}
	raw, err := base64.RawURLEncoding.DecodeString(value[len(Prefix):])
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", ErrOpen
	}
	nonce, ciphertext := raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():]
	plain, err := b.aead.Open(nil, nonce, ciphertext, []byte(record))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}
