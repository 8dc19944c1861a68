package pkix

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/kycgate/kycgate/nfc/icao/ecc"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// RSAPublicKey is an RSA public key of any size.
type RSAPublicKey struct {
	// N is the modulus.
	N *big.Int
	// E is the public exponent.
	E *big.Int
}

// Size returns the modulus length in bytes.
func (k *RSAPublicKey) Size() int {
	return (k.N.BitLen() + 7) / 8
}

// PublicKey is a decoded SubjectPublicKeyInfo: exactly one of RSA and EC is set.
type PublicKey struct {
	// RSA is set for rsaEncryption and RSASSA-PSS keys.
	RSA *RSAPublicKey
	// EC is set for ecPublicKey keys on a table curve.
	EC *ecc.PublicKey
	// ExplicitCurve reports that the curve was given by explicit domain
	// parameters (matched against the table) rather than by name.
	ExplicitCurve bool
}

// Describe names the key type and size, for example "RSA-2048" or
// "EC brainpoolP256r1 (explicit)".
func (k *PublicKey) Describe() string {
	switch {
	case k.RSA != nil:
		return fmt.Sprintf("RSA-%d", k.RSA.N.BitLen())
	case k.EC != nil && k.ExplicitCurve:
		return "EC " + k.EC.Curve.Name + " (explicit)"
	case k.EC != nil:
		return "EC " + k.EC.Curve.Name
	default:
		return "none"
	}
}

// minRSABits is the smallest RSA modulus accepted.
const minRSABits = 1024

// ParsePublicKeyInfo decodes a DER SubjectPublicKeyInfo.
func ParsePublicKeyInfo(der []byte) (*PublicKey, error) {
	n, err := tlv.DecodeExact(der)
	if err != nil {
		return nil, fmt.Errorf("%w: public key info: %w", ErrMalformed, err)
	}
	return ParsePublicKeyInfoNode(n)
}

// ParsePublicKeyInfoNode decodes a SubjectPublicKeyInfo element.
func ParsePublicKeyInfoNode(n tlv.Node) (*PublicKey, error) {
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return nil, fmt.Errorf("%w: public key info: %w", ErrMalformed, err)
	}
	algNode, err1 := r.Expect(tlv.TagSequence)
	keyNode, err2 := r.Expect(tlv.TagBitString)
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return nil, fmt.Errorf("%w: public key info: %w", ErrMalformed, err)
	}
	oid, params, err := ParseAlgorithmIdentifier(algNode)
	if err != nil {
		return nil, err
	}
	keyBytes, unused, err := keyNode.BitString()
	if err != nil || unused != 0 {
		return nil, fmt.Errorf("%w: public key bits", ErrMalformed)
	}
	switch {
	case oid.Equal(OIDRSAEncryption) || oid.Equal(OIDRSAPSS):
		return parseRSAKey(keyBytes)
	case oid.Equal(OIDECPublicKey):
		return parseECKey(params, keyBytes)
	default:
		return nil, fmt.Errorf("%w: public key %s", ErrUnsupportedAlgorithm, oid)
	}
}

// parseRSAKey reads RSAPublicKey ::= SEQUENCE { modulus, publicExponent }.
func parseRSAKey(b []byte) (*PublicKey, error) {
	key, err := ParseRSAPublicKey(b)
	if err != nil {
		return nil, err
	}
	return &PublicKey{RSA: key}, nil
}

// ParseRSAPublicKey decodes a PKCS#1 RSAPublicKey.
func ParseRSAPublicKey(b []byte) (*RSAPublicKey, error) {
	seq, err := tlv.DecodeExact(b)
	if err != nil {
		return nil, fmt.Errorf("%w: RSA key: %w", ErrMalformed, err)
	}
	r, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return nil, fmt.Errorf("%w: RSA key: %w", ErrMalformed, err)
	}
	nNode, err1 := r.Expect(tlv.TagInteger)
	eNode, err2 := r.Expect(tlv.TagInteger)
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return nil, fmt.Errorf("%w: RSA key: %w", ErrMalformed, err)
	}
	mod, err1 := nNode.BigInt()
	exp, err2 := eNode.BigInt()
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("%w: RSA key: %w", ErrMalformed, err)
	}
	if mod.Sign() <= 0 || mod.Bit(0) == 0 || exp.Cmp(big.NewInt(3)) < 0 || exp.Bit(0) == 0 || exp.Cmp(mod) >= 0 {
		return nil, fmt.Errorf("%w: RSA key values", ErrMalformed)
	}
	if mod.BitLen() < minRSABits || mod.BitLen() > 16384 {
		return nil, fmt.Errorf("%w: RSA modulus of %d bits", ErrUnsupportedAlgorithm, mod.BitLen())
	}
	return &RSAPublicKey{N: mod, E: exp}, nil
}

// parseECKey resolves the curve from named or explicit parameters.
func parseECKey(params *tlv.Node, point []byte) (*PublicKey, error) {
	if params == nil {
		return nil, fmt.Errorf("%w: EC key without curve parameters", ErrUnsupportedAlgorithm)
	}
	curve, explicit, err := ParseECParameters(*params)
	if err != nil {
		return nil, err
	}
	pub, err := ecc.NewPublicKey(curve, point)
	if err != nil {
		return nil, fmt.Errorf("%w: EC public point: %w", ErrMalformed, err)
	}
	return &PublicKey{EC: pub, ExplicitCurve: explicit}, nil
}

// ParseECParameters resolves an ECParameters / namedCurve choice to a table
// curve. explicit reports whether domain parameters were spelled out.
func ParseECParameters(params tlv.Node) (curve *ecc.Curve, explicit bool, err error) {
	switch params.Tag {
	case tlv.TagOID:
		oid, err := params.OID()
		if err != nil {
			return nil, false, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		c, ok := ecc.ByOID(oid)
		if !ok {
			return nil, false, fmt.Errorf("%w: curve %s", ErrUnsupportedAlgorithm, oid)
		}
		return c, false, nil
	case tlv.TagSequence:
		c, err := parseExplicitCurve(params)
		return c, true, err
	default:
		return nil, false, fmt.Errorf("%w: implicit or unknown curve parameters", ErrUnsupportedAlgorithm)
	}
}

// parseExplicitCurve reads SEC 1 ECParameters and matches them to the table.
func parseExplicitCurve(n tlv.Node) (*ecc.Curve, error) {
	r := tlv.NewReader(n.Value)
	version, err1 := r.Expect(tlv.TagInteger)
	field, err2 := r.Expect(tlv.TagSequence)
	curveNode, err3 := r.Expect(tlv.TagSequence)
	base, err4 := r.Expect(tlv.TagOctetString)
	order, err5 := r.Expect(tlv.TagInteger)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, fmt.Errorf("%w: EC parameters: %w", ErrMalformed, err)
	}
	var d ecc.Domain
	if v, err := version.Int(); err != nil || v < 1 || v > 3 {
		return nil, fmt.Errorf("%w: EC parameters version", ErrUnsupportedAlgorithm)
	}
	var err error
	if d.P, err = parsePrimeField(field); err != nil {
		return nil, err
	}
	if d.A, d.B, err = parseCurveCoefficients(curveNode); err != nil {
		return nil, err
	}
	if d.N, err = order.BigInt(); err != nil {
		return nil, fmt.Errorf("%w: EC order: %w", ErrMalformed, err)
	}
	if cof, ok, err := r.Optional(tlv.TagInteger); err != nil {
		return nil, fmt.Errorf("%w: EC cofactor: %w", ErrMalformed, err)
	} else if ok {
		h, err := cof.Int()
		if err != nil {
			return nil, fmt.Errorf("%w: EC cofactor: %w", ErrMalformed, err)
		}
		d.Cofactor = int64(h)
	}
	return matchExplicit(d, base.Value)
}

// parsePrimeField reads FieldID for a prime field and returns p.
func parsePrimeField(n tlv.Node) (*big.Int, error) {
	r := tlv.NewReader(n.Value)
	typeNode, err1 := r.Expect(tlv.TagOID)
	primeNode, err2 := r.Expect(tlv.TagInteger)
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return nil, fmt.Errorf("%w: EC field: %w", ErrMalformed, err)
	}
	fieldType, err := typeNode.OID()
	if err != nil || !fieldType.Equal(OIDPrimeField) {
		return nil, fmt.Errorf("%w: EC field type", ErrUnsupportedAlgorithm)
	}
	p, err := primeNode.BigInt()
	if err != nil {
		return nil, fmt.Errorf("%w: EC prime: %w", ErrMalformed, err)
	}
	return p, nil
}

// parseCurveCoefficients reads Curve ::= SEQUENCE { a, b, seed OPTIONAL }.
func parseCurveCoefficients(n tlv.Node) (a, b *big.Int, err error) {
	r := tlv.NewReader(n.Value)
	aNode, err1 := r.Expect(tlv.TagOctetString)
	bNode, err2 := r.Expect(tlv.TagOctetString)
	_, _, err3 := r.Optional(tlv.TagBitString)
	if err := errors.Join(err1, err2, err3, r.Done()); err != nil {
		return nil, nil, fmt.Errorf("%w: EC curve: %w", ErrMalformed, err)
	}
	return new(big.Int).SetBytes(aNode.Value), new(big.Int).SetBytes(bNode.Value), nil
}

// matchExplicit decodes the base point with each candidate curve sharing p,
// a and b, then requires every parameter to equal the table entry.
func matchExplicit(d ecc.Domain, base []byte) (*ecc.Curve, error) {
	for _, c := range ecc.Curves() {
		if c.P.Cmp(d.P) != 0 {
			continue
		}
		x, y, err := c.DecodePoint(base)
		if err != nil {
			continue
		}
		d.Gx, d.Gy = x, y
		if match, ok := ecc.MatchDomain(d); ok {
			return match, nil
		}
	}
	return nil, fmt.Errorf("%w: explicit EC parameters match no accepted curve", ErrUnsupportedAlgorithm)
}
