package devissuer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Supported signing algorithms.
const (
	ES256 = "ES256"
	RS256 = "RS256"
	PS256 = "PS256"
)

// accessTokenType is the JWT "typ" header of RFC 9068 access tokens.
const accessTokenType = "at+jwt"

// rsaKeyBits is the size of generated RSA keys.
const rsaKeyBits = 2048

// signingKey is one private key of the issuer, with its ready-made signer.
type signingKey struct {
	kid       string
	algorithm string
	private   crypto.Signer
	signer    jose.Signer
}

// generateKey creates a fresh key for algorithm, identified by its RFC 7638
// thumbprint.
func generateKey(algorithm string) (*signingKey, error) {
	private, err := generatePrivateKey(algorithm)
	if err != nil {
		return nil, err
	}
	public := jose.JSONWebKey{Key: private.Public()}
	thumbprint, err := public.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("devissuer: key thumbprint: %w", err)
	}
	kid := base64.RawURLEncoding.EncodeToString(thumbprint)
	signer, err := newSigner(algorithm, private, kid)
	if err != nil {
		return nil, err
	}
	return &signingKey{kid: kid, algorithm: algorithm, private: private, signer: signer}, nil
}

// generatePrivateKey returns a P-256 key for ES256 and a 2048-bit RSA key for
// RS256 and PS256.
func generatePrivateKey(algorithm string) (crypto.Signer, error) {
	switch algorithm {
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RS256, PS256:
		return rsa.GenerateKey(rand.Reader, rsaKeyBits)
	default:
		return nil, fmt.Errorf("devissuer: unsupported algorithm %q (want ES256, RS256 or PS256)", algorithm)
	}
}

// newSigner builds a JWS signer for key; kid is omitted from the header when
// empty.
func newSigner(algorithm string, key any, kid string) (jose.Signer, error) {
	options := (&jose.SignerOptions{}).WithType(accessTokenType)
	if kid != "" {
		options = options.WithHeader(jose.HeaderKey("kid"), kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(algorithm), Key: key}, options)
	if err != nil {
		return nil, fmt.Errorf("devissuer: building signer: %w", err)
	}
	return signer, nil
}

// publicJWK returns the public half of k as published in the JWKS.
func (k *signingKey) publicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.private.Public(), KeyID: k.kid, Algorithm: k.algorithm, Use: "sig"}
}
