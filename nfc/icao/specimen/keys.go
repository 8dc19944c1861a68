package specimen

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/ecc"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// KeyType selects the key and signature scheme of a specimen key.
type KeyType int

// The specimen key types.
const (
	// RSA signs with RSA PKCS#1 v1.5.
	RSA KeyType = iota + 1
	// RSAPSS signs with RSASSA-PSS (MGF1 with the same hash, salt of hash length).
	RSAPSS
	// ECDSAP256 signs with ECDSA on NIST P-256, curve named by OID.
	ECDSAP256
	// ECDSABrainpoolP256 signs with ECDSA on brainpoolP256r1, curve named by OID.
	ECDSABrainpoolP256
	// ECDSABrainpoolP256Explicit is brainpoolP256r1 with explicit domain
	// parameters in the SubjectPublicKeyInfo, as ICAO 9303-12 prescribes.
	ECDSABrainpoolP256Explicit
)

// String names the key type.
func (t KeyType) String() string {
	switch t {
	case RSA:
		return "RSA"
	case RSAPSS:
		return "RSA-PSS"
	case ECDSAP256:
		return "ECDSA-P256"
	case ECDSABrainpoolP256:
		return "ECDSA-brainpoolP256r1"
	case ECDSABrainpoolP256Explicit:
		return "ECDSA-brainpoolP256r1-explicit"
	default:
		return "unknown"
	}
}

// Key is a specimen signing key.
type Key struct {
	// Type is the key type.
	Type KeyType
	// Hash is the digest used when signing.
	Hash crypto.Hash
	rsa  *rsa.PrivateKey
	ec   *ecc.PrivateKey
}

// NewKey creates a key of the given type; rsaBits applies to RSA types
// (2048 when zero). Signatures use SHA-256.
func NewKey(t KeyType, rsaBits int) (*Key, error) {
	if rsaBits == 0 {
		rsaBits = 2048
	}
	k := &Key{Type: t, Hash: crypto.SHA256}
	var err error
	switch t {
	case RSA, RSAPSS:
		k.rsa, err = rsa.GenerateKey(rand.Reader, rsaBits)
	case ECDSAP256:
		k.ec, err = ecc.GenerateKey(ecc.P256, rand.Reader)
	case ECDSABrainpoolP256, ECDSABrainpoolP256Explicit:
		k.ec, err = ecc.GenerateKey(ecc.BrainpoolP256r1, rand.Reader)
	default:
		return nil, fmt.Errorf("specimen: unknown key type %d", t)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// RSAKey returns the RSA private key, or nil for EC keys.
func (k *Key) RSAKey() *rsa.PrivateKey {
	return k.rsa
}

// ECKey returns the EC private key, or nil for RSA keys.
func (k *Key) ECKey() *ecc.PrivateKey {
	return k.ec
}

// PublicKeyInfo returns the DER SubjectPublicKeyInfo.
func (k *Key) PublicKeyInfo() ([]byte, error) {
	if k.rsa != nil {
		return x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	}
	params := tlv.EncodeOID(k.ec.Curve.OID)
	if k.Type == ECDSABrainpoolP256Explicit {
		params = ExplicitParameters(k.ec.Curve)
	}
	alg := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDECPublicKey), params)
	return tlv.EncodeConstructed(tlv.TagSequence, alg, bitString(k.ec.Bytes())), nil
}

// ExplicitParameters encodes SEC 1 ECParameters (version 1, prime field,
// a, b, uncompressed base point, order, cofactor 1) for a table curve.
func ExplicitParameters(c *ecc.Curve) []byte {
	size := c.ByteSize()
	field := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDPrimeField), tlv.EncodeBigInt(c.P))
	curve := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.Encode(tlv.TagOctetString, c.A.FillBytes(make([]byte, size))),
		tlv.Encode(tlv.TagOctetString, c.B.FillBytes(make([]byte, size))))
	return tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeInt(1), field, curve,
		tlv.Encode(tlv.TagOctetString, c.EncodePoint(c.Gx, c.Gy)),
		tlv.EncodeBigInt(c.N), tlv.EncodeInt(1))
}

// SignatureAlgorithm returns the DER AlgorithmIdentifier of k's signatures.
func (k *Key) SignatureAlgorithm() []byte {
	switch k.Type {
	case RSA:
		return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(rsaOIDs[k.Hash]), tlv.Encode(tlv.TagNull, nil))
	case RSAPSS:
		return pssAlgorithm(k.Hash)
	default:
		return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(ecdsaOIDs[k.Hash]))
	}
}

// Signature algorithm identifiers per digest.
var (
	rsaOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
		crypto.SHA1: pkix.OIDSHA1WithRSA, crypto.SHA224: pkix.OIDSHA224WithRSA, crypto.SHA256: pkix.OIDSHA256WithRSA,
		crypto.SHA384: pkix.OIDSHA384WithRSA, crypto.SHA512: pkix.OIDSHA512WithRSA,
	}
	ecdsaOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
		crypto.SHA1: pkix.OIDECDSAWithSHA1, crypto.SHA224: pkix.OIDECDSAWithSHA224, crypto.SHA256: pkix.OIDECDSAWithSHA256,
		crypto.SHA384: pkix.OIDECDSAWithSHA384, crypto.SHA512: pkix.OIDECDSAWithSHA512,
	}
)

// pssAlgorithm encodes RSASSA-PSS with explicit hash, MGF1 and salt length.
func pssAlgorithm(h crypto.Hash) []byte {
	oid, _ := pkix.DigestOID(h)
	hashAlg := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(oid), tlv.Encode(tlv.TagNull, nil))
	mgf := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDMGF1), hashAlg)
	params := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeConstructed(tlv.ContextTag(0, true), hashAlg),
		tlv.EncodeConstructed(tlv.ContextTag(1, true), mgf),
		tlv.EncodeConstructed(tlv.ContextTag(2, true), tlv.EncodeInt(h.Size())))
	return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDRSAPSS), params)
}

// Sign signs message with k's scheme and hash.
func (k *Key) Sign(message []byte) ([]byte, error) {
	h := k.Hash.New()
	h.Write(message)
	digest := h.Sum(nil)
	switch k.Type {
	case RSA:
		return rsa.SignPKCS1v15(rand.Reader, k.rsa, k.Hash, digest)
	case RSAPSS:
		return rsa.SignPSS(rand.Reader, k.rsa, k.Hash, digest, &rsa.PSSOptions{SaltLength: k.Hash.Size(), Hash: k.Hash})
	default:
		return k.ec.SignASN1(rand.Reader, digest)
	}
}

// bitString encodes a BIT STRING without unused bits.
func bitString(b []byte) []byte {
	return tlv.Encode(tlv.TagBitString, append([]byte{0}, b...))
}

// NewRSAKey wraps an existing RSA key; pss selects RSASSA-PSS signatures.
func NewRSAKey(priv *rsa.PrivateKey, pss bool) *Key {
	t := RSA
	if pss {
		t = RSAPSS
	}
	return &Key{Type: t, Hash: crypto.SHA256, rsa: priv}
}
