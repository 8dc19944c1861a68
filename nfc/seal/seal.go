// Package seal is the extra encryption of the NFC upload on top of HTTPS:
// the reader app seals the chip data to the server's key with HPKE (RFC
// 9180) in base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
// AES-256-GCM, through Go's crypto/hpke. The HPKE info string names the
// session, so a sealed upload opens only for the session it was made for.
//
// A sealed upload is the single-shot HPKE output: the 32-byte encapsulated
// key followed by the AES-256-GCM ciphertext and tag.
package seal

import (
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Suite names the HPKE cipher suite, as the reader API reports it.
const Suite = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM"

// The RFC 9180 identifiers of the suite.
const (
	KEMID  uint16 = 0x0020
	KDFID  uint16 = 0x0001
	AEADID uint16 = 0x0002
)

// infoPrefix starts every info string; the session ID follows.
const infoPrefix = "kycgate nfc upload v1; session "

// KeySize is the size of X25519 public and private keys.
const KeySize = 32

// ErrOpen means a sealed upload could not be opened: it was sealed to
// another key or for another session, or it was altered.
var ErrOpen = errors.New("seal: the upload does not open with this key and session (wrong key, wrong session or tampered)")

// ErrPublicKey means a public key is not a valid X25519 key.
var ErrPublicKey = errors.New("seal: invalid X25519 public key")

var (
	kem  = hpke.DHKEM(ecdh.X25519())
	kdf  = hpke.HKDFSHA256()
	aead = hpke.AES256GCM()
)

// Info returns the HPKE info string that binds an upload to its session.
func Info(sessionID string) []byte {
	return []byte(infoPrefix + sessionID)
}

// Key is the server's upload key pair.
type Key struct {
	priv hpke.PrivateKey
}

// GenerateKey creates a new random key pair.
func GenerateKey() (*Key, error) {
	priv, err := kem.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("seal: generate key: %w", err)
	}
	return &Key{priv: priv}, nil
}

// ParseKey reads a 32-byte X25519 private key.
func ParseKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("seal: private key must be %d bytes, not %d", KeySize, len(raw))
	}
	priv, err := kem.NewPrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("seal: private key: %w", err)
	}
	return &Key{priv: priv}, nil
}

// Bytes returns the private key's serialisation, as ParseKey reads it.
func (k *Key) Bytes() ([]byte, error) {
	return k.priv.Bytes()
}

// PublicKey returns the 32-byte X25519 public key the reader app seals to.
func (k *Key) PublicKey() []byte {
	return k.priv.PublicKey().Bytes()
}

// ID returns a short fingerprint of the public key (hex of the first 8
// bytes of its SHA-256), so the app and logs can tell keys apart.
func (k *Key) ID() string {
	sum := sha256.Sum256(k.PublicKey())
	return hex.EncodeToString(sum[:8])
}

// Open decrypts an upload sealed for sessionID. Any failure is ErrOpen.
func (k *Key) Open(sessionID string, sealed []byte) ([]byte, error) {
	if len(sealed) <= KeySize {
		return nil, ErrOpen
	}
	plain, err := hpke.Open(k.priv, kdf, aead, Info(sessionID), sealed)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Seal encrypts plaintext to the server's public key for sessionID, as the
// reader app does.
func Seal(publicKey []byte, sessionID string, plaintext []byte) ([]byte, error) {
	pub, err := kem.NewPublicKey(publicKey)
	if err != nil {
		return nil, ErrPublicKey
	}
	sealed, err := hpke.Seal(pub, kdf, aead, Info(sessionID), plaintext)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return sealed, nil
}
