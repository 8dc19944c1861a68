package aa_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/aa"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
)

var challenge = []byte{0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18}

// chipWith returns a specimen chip holding only an AA key.
func chipWith(key *specimen.Key) *specimen.Chip {
	return &specimen.Chip{AAKey: key}
}

func TestRSAISO9796Scheme1(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pub := &pkix.RSAPublicKey{N: priv.N, E: big.NewInt(int64(priv.E))}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		t.Run(h.String(), func(t *testing.T) {
			key := specimen.NewRSAKey(priv, false)
			key.Hash = h
			sig, err := chipWith(key).SignChallenge(challenge)
			require.NoError(t, err)
			assert.NoError(t, aa.VerifyRSA(pub, challenge, sig))
			assert.ErrorIs(t, aa.VerifyRSA(pub, []byte{1, 2, 3, 4, 5, 6, 7, 8}, sig), aa.ErrInvalid)

			// The n − s representative of the signature verifies too.
			alt := new(big.Int).Sub(priv.N, new(big.Int).SetBytes(sig))
			assert.NoError(t, aa.VerifyRSA(pub, challenge, alt.FillBytes(make([]byte, len(sig)))))

			sig[10] ^= 0x40
			assert.ErrorIs(t, aa.VerifyRSA(pub, challenge, sig), aa.ErrInvalid)
		})
	}
	assert.ErrorIs(t, aa.VerifyRSA(pub, challenge, []byte{1}), aa.ErrInvalid)
}

func TestECDSAPlain(t *testing.T) {
	for _, kt := range []specimen.KeyType{specimen.ECDSAP256, specimen.ECDSABrainpoolP256} {
		t.Run(kt.String(), func(t *testing.T) {
			key, err := specimen.NewKey(kt, 0)
			require.NoError(t, err)
			sig, err := chipWith(key).SignChallenge(challenge)
			require.NoError(t, err)
			pub := &pkix.PublicKey{EC: &key.ECKey().PublicKey}
			assert.NoError(t, aa.Verify(pub, crypto.SHA256, challenge, sig))
			assert.NoError(t, aa.Verify(pub, 0, challenge, sig), "digest found without DG14")
			assert.ErrorIs(t, aa.Verify(pub, crypto.SHA384, challenge, sig), aa.ErrInvalid)
			assert.ErrorIs(t, aa.Verify(pub, crypto.SHA256, challenge[:7], sig), aa.ErrInvalid)
		})
	}
}

func TestUnsupportedInputs(t *testing.T) {
	assert.ErrorIs(t, aa.Verify(nil, 0, challenge, []byte{1}), aa.ErrUnsupported)
	assert.ErrorIs(t, aa.Verify(&pkix.PublicKey{}, 0, challenge, []byte{1}), aa.ErrUnsupported)
	_, err := chipWith(nil).SignChallenge(challenge)
	assert.ErrorIs(t, err, specimen.ErrNoAAKey)
}
