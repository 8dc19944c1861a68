package specimen

import (
	"crypto"
	"crypto/rand"
	"errors"
	"io"
	"math/big"

	"github.com/kycgate/kycgate/nfc/icao/aa"
)

// ErrNoAAKey means the chip has no Active Authentication key.
var ErrNoAAKey = errors.New("specimen: chip has no Active Authentication key")

// SignChallenge answers an Active Authentication challenge as the chip
// would: ISO/IEC 9796-2 scheme 1 for RSA keys (trailer 0xBC for SHA-1,
// otherwise the two-byte trailer naming the hash), plain r‖s ECDSA over the
// hash of the challenge for EC keys.
func (c *Chip) SignChallenge(challenge []byte) ([]byte, error) {
	if c.AAKey == nil {
		return nil, ErrNoAAKey
	}
	if c.AAKey.ECKey() != nil {
		return c.AAKey.ECKey().SignPlain(rand.Reader, sha(c.AAKey.Hash, challenge))
	}
	return signISO9796(c.AAKey, challenge, rand.Reader)
}

// signISO9796 builds F = 6A ‖ M1 ‖ H(M1 ‖ challenge) ‖ trailer with a random
// M1 filling the modulus, and applies the private RSA operation.
func signISO9796(key *Key, challenge []byte, random io.Reader) ([]byte, error) {
	priv := key.RSAKey()
	k := priv.Size()
	h := key.Hash
	trailer := []byte{0xBC}
	if h != crypto.SHA1 {
		id, ok := aa.HashIdentifier(h)
		if !ok {
			return nil, aa.ErrUnsupported
		}
		trailer = []byte{id, 0xCC}
	}
	m1Len := k - 1 - h.Size() - len(trailer)
	if m1Len < 1 || priv.N.BitLen()%8 != 0 {
		return nil, aa.ErrUnsupported
	}
	m1 := make([]byte, m1Len)
	if _, err := io.ReadFull(random, m1); err != nil {
		return nil, err
	}
	f := append([]byte{0x6A}, m1...)
	f = append(f, sha(h, append(append([]byte(nil), m1...), challenge...))...)
	f = append(f, trailer...)
	s := new(big.Int).Exp(new(big.Int).SetBytes(f), priv.D, priv.N)
	return s.FillBytes(make([]byte, k)), nil
}
