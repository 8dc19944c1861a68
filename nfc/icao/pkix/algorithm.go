package pkix

import (
	"crypto"
	_ "crypto/sha1" // registers SHA-1, still used by older CSCAs and SODs
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Errors reported by this package.
var (
	// ErrUnsupportedAlgorithm means an algorithm, curve or parameter set is not accepted.
	ErrUnsupportedAlgorithm = errors.New("pkix: unsupported algorithm")
	// ErrMalformed means a structure could not be decoded.
	ErrMalformed = errors.New("pkix: malformed structure")
	// ErrSignatureInvalid means a signature did not verify.
	ErrSignatureInvalid = errors.New("pkix: signature invalid")
)

// Scheme is a signature scheme family.
type Scheme int

// The accepted signature schemes.
const (
	SchemeUnknown Scheme = iota
	SchemePKCS1v15
	SchemePSS
	SchemeECDSA
	SchemeECDSAPlain
)

// String names the scheme.
func (s Scheme) String() string {
	switch s {
	case SchemePKCS1v15:
		return "RSA-PKCS1v15"
	case SchemePSS:
		return "RSASSA-PSS"
	case SchemeECDSA:
		return "ECDSA"
	case SchemeECDSAPlain:
		return "ECDSA-plain"
	default:
		return "unknown"
	}
}

// SignatureAlgorithm is a decoded signature AlgorithmIdentifier.
type SignatureAlgorithm struct {
	// Scheme is the signature scheme.
	Scheme Scheme
	// Hash is the message digest; zero when the identifier names only a key
	// type (rsaEncryption, ecPublicKey) and the digest comes from elsewhere.
	Hash crypto.Hash
	// MGFHash is the RSASSA-PSS mask generation hash.
	MGFHash crypto.Hash
	// SaltLength is the RSASSA-PSS salt length in bytes.
	SaltLength int
}

// String describes the algorithm, for example "RSASSA-PSS/SHA-256".
func (a SignatureAlgorithm) String() string {
	if a.Hash == 0 {
		return a.Scheme.String()
	}
	return a.Scheme.String() + "/" + a.Hash.String()
}

// WithDefaultHash fills in the digest when the identifier did not name one,
// as CMS SignerInfos using rsaEncryption do.
func (a SignatureAlgorithm) WithDefaultHash(h crypto.Hash) SignatureAlgorithm {
	if a.Hash == 0 {
		a.Hash = h
	}
	return a
}

// ParseAlgorithmIdentifier splits an AlgorithmIdentifier into its OID and
// optional parameters element.
func ParseAlgorithmIdentifier(n tlv.Node) (asn1.ObjectIdentifier, *tlv.Node, error) {
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: algorithm identifier: %w", ErrMalformed, err)
	}
	oidNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: algorithm identifier: %w", ErrMalformed, err)
	}
	oid, err := oidNode.OID()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if r.Empty() {
		return oid, nil, nil
	}
	params, err := r.Next()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: algorithm parameters: %w", ErrMalformed, err)
	}
	if err := r.Done(); err != nil {
		return nil, nil, fmt.Errorf("%w: algorithm identifier: %w", ErrMalformed, err)
	}
	return oid, &params, nil
}

// ParseDigestAlgorithm decodes a DigestAlgorithmIdentifier.
func ParseDigestAlgorithm(n tlv.Node) (crypto.Hash, error) {
	oid, _, err := ParseAlgorithmIdentifier(n)
	if err != nil {
		return 0, err
	}
	return digestByOID(oid)
}

// digestByOID looks up a hash by its OID.
func digestByOID(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	for _, d := range digestOIDs {
		if d.oid.Equal(oid) {
			return d.hash, nil
		}
	}
	return 0, fmt.Errorf("%w: digest %s", ErrUnsupportedAlgorithm, oid)
}

// ParseSignatureAlgorithm decodes a signature AlgorithmIdentifier, including
// RSASSA-PSS parameters.
func ParseSignatureAlgorithm(n tlv.Node) (SignatureAlgorithm, error) {
	oid, params, err := ParseAlgorithmIdentifier(n)
	if err != nil {
		return SignatureAlgorithm{}, err
	}
	if oid.Equal(OIDRSAPSS) {
		return parsePSSParams(params)
	}
	for _, s := range signatureOIDs {
		if s.oid.Equal(oid) {
			return SignatureAlgorithm{Scheme: s.scheme, Hash: s.hash}, nil
		}
	}
	return SignatureAlgorithm{}, fmt.Errorf("%w: signature %s", ErrUnsupportedAlgorithm, oid)
}

// parsePSSParams reads RSASSA-PSS-params (RFC 4055) with their defaults:
// SHA-1, MGF1 with SHA-1, salt length 20, trailer field 1.
func parsePSSParams(params *tlv.Node) (SignatureAlgorithm, error) {
	alg := SignatureAlgorithm{Scheme: SchemePSS, Hash: crypto.SHA1, MGFHash: crypto.SHA1, SaltLength: 20}
	if params == nil || params.Tag == tlv.TagNull {
		return alg, nil
	}
	fields, err := params.Children()
	if err != nil || params.Tag != tlv.TagSequence {
		return alg, fmt.Errorf("%w: PSS parameters", ErrMalformed)
	}
	for _, f := range fields {
		if err := applyPSSField(&alg, f); err != nil {
			return alg, err
		}
	}
	return alg, nil
}

// applyPSSField reads one explicitly tagged RSASSA-PSS-params field.
func applyPSSField(alg *SignatureAlgorithm, f tlv.Node) error {
	inner, err := tlv.DecodeExact(f.Value)
	if err != nil {
		return fmt.Errorf("%w: PSS parameter: %w", ErrMalformed, err)
	}
	switch f.Tag {
	case tlv.ContextTag(0, true):
		alg.Hash, err = ParseDigestAlgorithm(inner)
	case tlv.ContextTag(1, true):
		alg.MGFHash, err = parseMGF(inner)
	case tlv.ContextTag(2, true):
		alg.SaltLength, err = inner.Int()
		if err == nil && (alg.SaltLength < 0 || alg.SaltLength > 1024) {
			err = fmt.Errorf("%w: PSS salt length", ErrMalformed)
		}
	case tlv.ContextTag(3, true):
		var trailer int
		trailer, err = inner.Int()
		if err == nil && trailer != 1 {
			err = fmt.Errorf("%w: PSS trailer field %d", ErrUnsupportedAlgorithm, trailer)
		}
	default:
		err = fmt.Errorf("%w: PSS parameter tag %s", ErrMalformed, f.Tag)
	}
	return err
}

// parseMGF reads a MaskGenAlgorithm, accepting MGF1 only.
func parseMGF(n tlv.Node) (crypto.Hash, error) {
	oid, params, err := ParseAlgorithmIdentifier(n)
	if err != nil {
		return 0, err
	}
	if !oid.Equal(OIDMGF1) || params == nil {
		return 0, fmt.Errorf("%w: mask generation %s", ErrUnsupportedAlgorithm, oid)
	}
	return ParseDigestAlgorithm(*params)
}
