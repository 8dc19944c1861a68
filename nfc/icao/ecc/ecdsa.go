package ecc

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// PublicKey is an ECDSA public key on a table curve.
type PublicKey struct {
	// Curve is the key's curve.
	Curve *Curve
	// X and Y are the affine coordinates of the public point.
	X, Y *big.Int
}

// NewPublicKey decodes a SEC 1 point and checks it lies on the curve.
func NewPublicKey(c *Curve, point []byte) (*PublicKey, error) {
	x, y, err := c.DecodePoint(point)
	if err != nil {
		return nil, err
	}
	return &PublicKey{Curve: c, X: x, Y: y}, nil
}

// Bytes returns the uncompressed SEC 1 encoding of the public point.
func (k *PublicKey) Bytes() []byte {
	return k.Curve.EncodePoint(k.X, k.Y)
}

// Verify checks an ECDSA signature (r, s) over a message digest.
func (k *PublicKey) Verify(digest []byte, r, s *big.Int) bool {
	n := k.Curve.N
	if r == nil || s == nil || r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(n) >= 0 || s.Cmp(n) >= 0 {
		return false
	}
	if k.Curve.std != nil {
		return k.verifyStd(digest, r, s)
	}
	return k.verifyGeneric(digest, r, s)
}

// verifyStd delegates NIST curves to crypto/ecdsa.
func (k *PublicKey) verifyStd(digest []byte, r, s *big.Int) bool {
	pub, err := ecdsa.ParseUncompressedPublicKey(k.Curve.std, k.Bytes())
	if err != nil {
		return false
	}
	size := (k.Curve.N.BitLen() + 7) / 8
	if r.BitLen() > 8*size || s.BitLen() > 8*size {
		return false
	}
	sig := encodeSignature(r, s)
	return ecdsa.VerifyASN1(pub, digest, sig)
}

// verifyGeneric is the textbook ECDSA verification over math/big.
func (k *PublicKey) verifyGeneric(digest []byte, r, s *big.Int) bool {
	c := k.Curve
	e := hashToInt(digest, c.N)
	w := new(big.Int).ModInverse(s, c.N)
	if w == nil {
		return false
	}
	u1 := mulMod(e, w, c.N)
	u2 := mulMod(r, w, c.N)
	x, _, ok := c.toAffine(c.combinedMult(c.Gx, c.Gy, u1, k.X, k.Y, u2))
	if !ok {
		return false
	}
	return x.Mod(x, c.N).Cmp(r) == 0
}

// hashToInt truncates a digest to the bit length of n (SEC 1, 4.1.3).
func hashToInt(digest []byte, n *big.Int) *big.Int {
	bits := n.BitLen()
	if len(digest) > (bits+7)/8 {
		digest = digest[:(bits+7)/8]
	}
	e := new(big.Int).SetBytes(digest)
	if excess := len(digest)*8 - bits; excess > 0 {
		e.Rsh(e, uint(excess))
	}
	return e
}

// ErrSignatureEncoding means a signature value could not be decoded.
var ErrSignatureEncoding = errors.New("ecc: malformed signature encoding")

// VerifyASN1 checks a DER Ecdsa-Sig-Value (SEQUENCE of r and s).
func (k *PublicKey) VerifyASN1(digest, sig []byte) bool {
	r, s, err := DecodeSignature(sig)
	return err == nil && k.Verify(digest, r, s)
}

// VerifyPlain checks a plain r‖s signature as BSI TR-03111 and ICAO Active
// Authentication use; both halves have the length of the order N.
func (k *PublicKey) VerifyPlain(digest, sig []byte) bool {
	if len(sig) == 0 || len(sig)%2 != 0 {
		return false
	}
	half := len(sig) / 2
	if half > (k.Curve.N.BitLen()+7)/8+1 {
		return false
	}
	r := new(big.Int).SetBytes(sig[:half])
	s := new(big.Int).SetBytes(sig[half:])
	return k.Verify(digest, r, s)
}

// DecodeSignature reads a DER Ecdsa-Sig-Value.
func DecodeSignature(sig []byte) (r, s *big.Int, err error) {
	seq, err := tlv.DecodeExact(sig)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSignatureEncoding, err)
	}
	rd, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSignatureEncoding, err)
	}
	rn, err1 := rd.Expect(tlv.TagInteger)
	sn, err2 := rd.Expect(tlv.TagInteger)
	if err := errors.Join(err1, err2, rd.Done()); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSignatureEncoding, err)
	}
	r, err1 = rn.BigInt()
	s, err2 = sn.BigInt()
	if err := errors.Join(err1, err2); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSignatureEncoding, err)
	}
	return r, s, nil
}

// encodeSignature writes a DER Ecdsa-Sig-Value.
func encodeSignature(r, s *big.Int) []byte {
	return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeBigInt(r), tlv.EncodeBigInt(s))
}

// PrivateKey is an ECDSA key pair on a table curve. It exists to create test
// fixtures and demo specimens; its arithmetic is not constant time.
type PrivateKey struct {
	PublicKey
	// D is the secret scalar.
	D *big.Int
}

// GenerateKey creates a key pair on c from the randomness source.
func GenerateKey(c *Curve, rand io.Reader) (*PrivateKey, error) {
	d, err := randomScalar(c.N, rand)
	if err != nil {
		return nil, err
	}
	x, y, ok := c.ScalarBaseMult(d)
	if !ok {
		return nil, errors.New("ecc: degenerate key")
	}
	return &PrivateKey{PublicKey: PublicKey{Curve: c, X: x, Y: y}, D: d}, nil
}

// randomScalar draws a uniform integer in [1, n-1].
func randomScalar(n *big.Int, rand io.Reader) (*big.Int, error) {
	buf := make([]byte, (n.BitLen()+7)/8+8)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, err
	}
	k := new(big.Int).SetBytes(buf)
	nm1 := new(big.Int).Sub(n, one)
	return k.Mod(k, nm1).Add(k, one), nil
}

// Sign produces an ECDSA signature (r, s) over digest.
func (k *PrivateKey) Sign(rand io.Reader, digest []byte) (r, s *big.Int, err error) {
	c := k.Curve
	e := hashToInt(digest, c.N)
	for range 100 {
		nonce, err := randomScalar(c.N, rand)
		if err != nil {
			return nil, nil, err
		}
		x, _, ok := c.ScalarBaseMult(nonce)
		if !ok {
			continue
		}
		r = x.Mod(x, c.N)
		if r.Sign() == 0 {
			continue
		}
		s = mulMod(r, k.D, c.N)
		s.Add(s, e)
		s = mulMod(s, new(big.Int).ModInverse(nonce, c.N), c.N)
		if s.Sign() != 0 {
			return r, s, nil
		}
	}
	return nil, nil, errors.New("ecc: could not sign")
}

// SignASN1 signs and returns the DER Ecdsa-Sig-Value.
func (k *PrivateKey) SignASN1(rand io.Reader, digest []byte) ([]byte, error) {
	r, s, err := k.Sign(rand, digest)
	if err != nil {
		return nil, err
	}
	return encodeSignature(r, s), nil
}

// SignPlain signs and returns r‖s, each padded to the byte length of N.
func (k *PrivateKey) SignPlain(rand io.Reader, digest []byte) ([]byte, error) {
	r, s, err := k.Sign(rand, digest)
	if err != nil {
		return nil, err
	}
	size := (k.Curve.N.BitLen() + 7) / 8
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}
