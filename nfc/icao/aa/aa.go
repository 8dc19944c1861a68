// Package aa verifies ICAO 9303 Active Authentication responses: the chip
// signs the reader's 8-byte challenge with the private key whose public key
// is in DG15. RSA keys use ISO/IEC 9796-2 digital signature scheme 1 with
// partial message recovery; EC keys use ECDSA with a plain r‖s signature
// (BSI TR-03111), the digest named by DG14's ActiveAuthenticationInfo.
package aa

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/ecc"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
)

// Errors reported by Verify.
var (
	// ErrInvalid means the response does not verify for the challenge.
	ErrInvalid = errors.New("aa: signature does not verify")
	// ErrUnsupported means the key type or hash is not supported.
	ErrUnsupported = errors.New("aa: unsupported key or hash")
)

// ISO/IEC 10118-3 hash identifiers used in the two-byte 9796-2 trailer.
var hashIdentifiers = map[byte]crypto.Hash{
	0x33: crypto.SHA1,
	0x34: crypto.SHA256,
	0x35: crypto.SHA512,
	0x36: crypto.SHA384,
	0x38: crypto.SHA224,
}

// HashIdentifier returns the ISO/IEC 10118-3 identifier of h.
func HashIdentifier(h crypto.Hash) (byte, bool) {
	for id, hh := range hashIdentifiers {
		if hh == h {
			return id, true
		}
	}
	return 0, false
}

// Trailer and header values of ISO/IEC 9796-2 scheme 1.
const (
	trailerImplicitSHA1 = 0xBC
	trailerExplicit     = 0xCC
	headerPartial       = 0x6A
)

// fallbackHashes are tried for ECDSA when DG14 names no digest.
var fallbackHashes = []crypto.Hash{crypto.SHA256, crypto.SHA1, crypto.SHA224, crypto.SHA384, crypto.SHA512}

// Verify checks an Active Authentication response. ecdsaHash is the digest
// announced in DG14 for EC keys (zero when DG14 names none, in which case
// the usual SHA-2 family and SHA-1 are tried).
func Verify(pub *pkix.PublicKey, ecdsaHash crypto.Hash, challenge, signature []byte) error {
	switch {
	case pub == nil:
		return ErrUnsupported
	case pub.RSA != nil:
		return VerifyRSA(pub.RSA, challenge, signature)
	case pub.EC != nil:
		return VerifyECDSA(pub.EC, ecdsaHash, challenge, signature)
	default:
		return ErrUnsupported
	}
}

// VerifyECDSA checks a plain r‖s ECDSA signature over the challenge.
func VerifyECDSA(pub *ecc.PublicKey, h crypto.Hash, challenge, signature []byte) error {
	hashes := fallbackHashes
	if h != 0 {
		if !h.Available() {
			return ErrUnsupported
		}
		hashes = []crypto.Hash{h}
	}
	for _, hh := range hashes {
		d := hh.New()
		d.Write(challenge)
		if pub.VerifyPlain(d.Sum(nil), signature) {
			return nil
		}
	}
	return ErrInvalid
}

// VerifyRSA opens an ISO/IEC 9796-2 scheme 1 signature, recovers M1 and
// checks that the embedded hash covers M1 ‖ challenge.
func VerifyRSA(pub *pkix.RSAPublicKey, challenge, signature []byte) error {
	f, err := recoverRepresentative(pub, signature)
	if err != nil {
		return err
	}
	// The header is checked before the trailer: a forged or corrupted
	// signature recovers to a random block, which must read as invalid,
	// not as an unsupported hash.
	if f[0] != headerPartial {
		return fmt.Errorf("%w: header", ErrInvalid)
	}
	h, trailerLen, err := trailerHash(f)
	if err != nil {
		return err
	}
	hLen := h.Size()
	if len(f) < 1+hLen+trailerLen+1 {
		return fmt.Errorf("%w: header", ErrInvalid)
	}
	m1 := f[1 : len(f)-hLen-trailerLen]
	embedded := f[len(f)-hLen-trailerLen : len(f)-trailerLen]
	d := h.New()
	d.Write(m1)
	d.Write(challenge)
	if !bytes.Equal(d.Sum(nil), embedded) {
		return fmt.Errorf("%w: hash", ErrInvalid)
	}
	return nil
}

// recoverRepresentative computes J = s^e mod n and returns whichever of J
// and n − J ends in the nibble 0xC, as ISO/IEC 9796-2 prescribes.
func recoverRepresentative(pub *pkix.RSAPublicKey, signature []byte) ([]byte, error) {
	if len(signature) < pub.Size() {
		signature = append(make([]byte, pub.Size()-len(signature)), signature...)
	}
	j := pkix.RSAEncrypt(pub, signature)
	if j == nil {
		return nil, fmt.Errorf("%w: signature out of range", ErrInvalid)
	}
	if j[len(j)-1]&0x0F == 0x0C {
		return j, nil
	}
	alt := pkix.RSAComplement(pub, j)
	if alt[len(alt)-1]&0x0F == 0x0C {
		return alt, nil
	}
	return nil, fmt.Errorf("%w: trailer", ErrInvalid)
}

// trailerHash reads the trailer: 0xBC means SHA-1, 0x??CC names the hash.
func trailerHash(f []byte) (crypto.Hash, int, error) {
	last := f[len(f)-1]
	switch {
	case last == trailerImplicitSHA1:
		return crypto.SHA1, 1, nil
	case last == trailerExplicit && len(f) >= 2:
		h, ok := hashIdentifiers[f[len(f)-2]]
		if !ok || !h.Available() {
			return 0, 0, fmt.Errorf("%w: hash identifier %#x", ErrUnsupported, f[len(f)-2])
		}
		return h, 2, nil
	default:
		return 0, 0, fmt.Errorf("%w: trailer", ErrInvalid)
	}
}
