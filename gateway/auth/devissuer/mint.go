package devissuer

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Claims describe a token to mint. Zero fields get defaults; Extra and Omit
// allow any deviation a negative test needs.
type Claims struct {
	// Issuer is "iss"; default the issuer URL.
	Issuer string
	// Subject is "sub"; default the client id.
	Subject string
	// Audience is "aud"; default the issuer's audience. One value is written
	// as a string, several as an array.
	Audience []string
	// ClientID is "client_id"; default the first registered client, or
	// "dev-client" when none is registered.
	ClientID string
	// Scope is "scope", space-separated; omitted when empty.
	Scope string
	// ExpiresAt is "exp"; default now plus the token TTL.
	ExpiresAt time.Time
	// NotBefore is "nbf"; default now.
	NotBefore time.Time
	// IssuedAt is "iat"; default now.
	IssuedAt time.Time
	// JWTID is "jti"; default a random value.
	JWTID string
	// Extra claims are added last and override the claims above.
	Extra map[string]any
	// Omit names claims removed from the token after everything else, for
	// tests of missing claims (e.g. "exp").
	Omit []string
}

// SignOptions choose how MintWith signs, for forged-token tests.
type SignOptions struct {
	// Key is the private key (crypto.Signer, or []byte for HS256). Nil signs
	// with the issuer's current key.
	Key any
	// Algorithm goes with Key; it is required when Key is set.
	Algorithm string
	// KeyID is the kid header. With the issuer's key it defaults to that
	// key's kid; with another key it is omitted unless set.
	KeyID string
	// OmitKeyID removes the kid header even for the issuer's key.
	OmitKeyID bool
}

// fallbackClientID is the client id of tokens minted for an issuer without
// registered clients.
const fallbackClientID = "dev-client"

// Mint signs c with the issuer's current key.
func (i *Issuer) Mint(c Claims) (string, error) {
	return i.MintWith(c, SignOptions{})
}

// MintWith signs c as s describes.
func (i *Issuer) MintWith(c Claims, s SignOptions) (string, error) {
	payload, err := i.payload(c, time.Now())
	if err != nil {
		return "", err
	}
	signer, err := i.signerFor(s)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("devissuer: signing: %w", err)
	}
	return jws.CompactSerialize()
}

// MintUnsigned returns c as an unsecured JWT (alg "none"), which every
// verifier must refuse.
func (i *Issuer) MintUnsigned(c Claims) (string, error) {
	payload, err := i.payload(c, time.Now())
	if err != nil {
		return "", err
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt"}`))
	return header + "." + base64.RawURLEncoding.EncodeToString(payload) + ".", nil
}

// signerFor returns the signer that s asks for.
func (i *Issuer) signerFor(s SignOptions) (jose.Signer, error) {
	if s.Key == nil {
		key := i.currentKey()
		kid := key.kid
		if s.KeyID != "" {
			kid = s.KeyID
		}
		if s.OmitKeyID {
			kid = ""
		}
		if kid == key.kid && s.Algorithm == "" {
			return key.signer, nil
		}
		return newSigner(firstNonEmpty(s.Algorithm, key.algorithm), key.private, kid)
	}
	if s.Algorithm == "" {
		return nil, errors.New("devissuer: SignOptions.Algorithm is required with a Key")
	}
	kid := s.KeyID
	if s.OmitKeyID {
		kid = ""
	}
	return newSigner(s.Algorithm, s.Key, kid)
}

// payload builds the JSON claims of c, filling defaults relative to now.
func (i *Issuer) payload(c Claims, now time.Time) ([]byte, error) {
	issuer := firstNonEmpty(c.Issuer, i.URL())
	if issuer == "" {
		return nil, errors.New("devissuer: the issuer URL is not set; call SetURL first")
	}
	clientID := firstNonEmpty(c.ClientID, i.defaultClientID())
	claims := map[string]any{
		"iss":       issuer,
		"sub":       firstNonEmpty(c.Subject, clientID),
		"aud":       i.audienceClaim(c.Audience),
		"client_id": clientID,
		"exp":       timeOr(c.ExpiresAt, now.Add(i.opts.TokenTTL)).Unix(),
		"nbf":       timeOr(c.NotBefore, now).Unix(),
		"iat":       timeOr(c.IssuedAt, now).Unix(),
		"jti":       firstNonEmpty(c.JWTID, randomID()),
	}
	if c.Scope != "" {
		claims["scope"] = c.Scope
	}
	for name, value := range c.Extra {
		claims[name] = value
	}
	for _, name := range c.Omit {
		delete(claims, name)
	}
	return json.Marshal(claims)
}

// audienceClaim writes one audience as a string and several as an array.
func (i *Issuer) audienceClaim(audience []string) any {
	switch len(audience) {
	case 0:
		return i.opts.Audience
	case 1:
		return audience[0]
	default:
		return audience
	}
}

// defaultClientID is the id of the first registered client.
func (i *Issuer) defaultClientID() string {
	if len(i.opts.Clients) > 0 {
		return i.opts.Clients[0].ID
	}
	return fallbackClientID
}

// randomID returns 128 random bits, base64url-encoded.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return base64.RawURLEncoding.EncodeToString(b)
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// timeOr returns t, or fallback when t is zero.
func timeOr(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}
