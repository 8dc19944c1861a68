package biometric

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
)

// SealKeySize is the AES-256 key length in bytes.
const SealKeySize = 32

// sealVersion is the first byte of every sealed blob.
const sealVersion byte = 1

// maxModelIDLen bounds the model id stored in a blob header.
const maxModelIDLen = 255

// SealTemplate encrypts a template for storage with AES-256-GCM. The blob is
// version (1 byte) ‖ model-id length (1 byte) ‖ model id ‖ nonce (12 bytes)
// ‖ ciphertext; the header (version, length and model id) is authenticated
// as additional data, so the model id stays readable but cannot be changed.
func SealTemplate(key []byte, t Template) ([]byte, error) {
	aead, err := newSealAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(t.ModelID) == 0 || len(t.ModelID) > maxModelIDLen {
		return nil, fmt.Errorf("%w: model id must be 1 to %d bytes", ErrSealing, maxModelIDLen)
	}
	plain, err := json.Marshal(sealedTemplate(t))
	if err != nil {
		return nil, fmt.Errorf("%w: encode template: %v", ErrSealing, err)
	}
	header := append([]byte{sealVersion, byte(len(t.ModelID))}, t.ModelID...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("%w: random nonce: %v", ErrSealing, err)
	}
	blob := append(append([]byte{}, header...), nonce...)
	return aead.Seal(blob, nonce, plain, header), nil
}

// OpenTemplate decrypts a blob made by SealTemplate. A wrong key, a changed
// byte or an unknown version fails with ErrSealing.
func OpenTemplate(key, blob []byte) (Template, error) {
	aead, err := newSealAEAD(key)
	if err != nil {
		return Template{}, err
	}
	if len(blob) < 2 || blob[0] != sealVersion {
		return Template{}, fmt.Errorf("%w: unknown blob version", ErrSealing)
	}
	headerLen := 2 + int(blob[1])
	if len(blob) < headerLen+aead.NonceSize()+aead.Overhead() {
		return Template{}, fmt.Errorf("%w: truncated blob", ErrSealing)
	}
	header := blob[:headerLen]
	nonce := blob[headerLen : headerLen+aead.NonceSize()]
	plain, err := aead.Open(nil, nonce, blob[headerLen+aead.NonceSize():], header)
	if err != nil {
		return Template{}, fmt.Errorf("%w: authentication failed", ErrSealing)
	}
	var st sealedTemplate
	if err := json.Unmarshal(plain, &st); err != nil {
		return Template{}, fmt.Errorf("%w: decode template: %v", ErrSealing, err)
	}
	if st.ModelID != string(header[2:]) {
		return Template{}, fmt.Errorf("%w: model id differs from header", ErrSealing)
	}
	return Template(st), nil
}

// SealedModelID returns the model id readable in a sealed blob's header
// without the key. It is authenticated only when the blob is opened.
func SealedModelID(blob []byte) (string, error) {
	if len(blob) < 2 || blob[0] != sealVersion || len(blob) < 2+int(blob[1]) {
		return "", fmt.Errorf("%w: not a sealed template", ErrSealing)
	}
	return string(blob[2 : 2+int(blob[1])]), nil
}

// sealedTemplate is Template without its redacting fmt methods, so that
// encoding/json sees plain fields.
type sealedTemplate Template

func newSealAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != SealKeySize {
		return nil, fmt.Errorf("%w: key must be %d bytes", ErrSealing, SealKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealing, err)
	}
	return cipher.NewGCM(block)
}
