package media

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// KeySize is the length of a signing key in bytes.
const KeySize = 32

// Errors of Verify. Both mean the file must not be served.
var (
	// ErrInvalidToken is a token that is malformed, signed with another
	// key, or changed.
	ErrInvalidToken = errors.New("media: invalid location token")
	// ErrExpiredToken is a genuine token past its expiry.
	ErrExpiredToken = errors.New("media: expired location token")
)

// tokenHeader is the fixed JWS header of every token (HS256).
var tokenHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// Location is what a token grants: one file, to one merchant, until Expiry.
type Location struct {
	// Key is the media key of the file.
	Key string
	// MerchantID is the merchant the URL was issued to.
	MerchantID string
	// Expiry is when the token stops working.
	Expiry time.Time
}

// claims is the token payload.
type claims struct {
	Location string `json:"loc"`
	Merchant string `json:"sub"`
	Expiry   int64  `json:"exp"`
}

// Signer issues and checks location tokens: compact JWS (HS256) whose
// payload names the key, the merchant and the expiry. The payload is signed,
// not encrypted: keys hold ids only, never personal data.
type Signer struct {
	key []byte
}

// NewSigner returns a signer with a key of KeySize bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("media: signing key must be %d bytes", KeySize)
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// Sign returns the token for loc.
func (s *Signer) Sign(loc Location) string {
	payload, _ := json.Marshal(claims{Location: loc.Key, Merchant: loc.MerchantID, Expiry: loc.Expiry.Unix()})
	signingInput := tokenHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(s.mac(signingInput))
}

// Verify checks token's signature and expiry at now and returns what it
// grants.
func (s *Signer) Verify(token string, now time.Time) (Location, error) {
	header, rest, ok := strings.Cut(token, ".")
	if !ok || header != tokenHeader {
		return Location{}, ErrInvalidToken
	}
	payload, signature, ok := strings.Cut(rest, ".")
	if !ok {
		return Location{}, ErrInvalidToken
	}
	got, err := base64.RawURLEncoding.DecodeString(signature)
	if err != nil || !hmac.Equal(got, s.mac(header+"."+payload)) {
		return Location{}, ErrInvalidToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Location{}, ErrInvalidToken
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil || !ValidKey(c.Location) || c.Merchant == "" {
		return Location{}, ErrInvalidToken
	}
	loc := Location{Key: c.Location, MerchantID: c.Merchant, Expiry: time.Unix(c.Expiry, 0)}
	if !now.Before(loc.Expiry) {
		return Location{}, ErrExpiredToken
	}
	return loc, nil
}

func (s *Signer) mac(signingInput string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(signingInput))
	return m.Sum(nil)
}
