package ecc

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurveTableIsConsistent(t *testing.T) {
	for _, c := range Curves() {
		t.Run(c.Name, func(t *testing.T) {
			assert.True(t, c.IsOnCurve(c.Gx, c.Gy), "base point on curve")
			assert.True(t, c.P.ProbablyPrime(20), "p prime")
			assert.True(t, c.N.ProbablyPrime(20), "n prime")
			_, _, ok := c.ScalarBaseMult(c.N)
			assert.False(t, ok, "n·G is the point at infinity")
			got, found := ByOID(c.OID)
			require.True(t, found)
			assert.Same(t, c, got)
		})
	}
}

func TestGenericArithmeticAgreesWithStdlibOnNISTCurves(t *testing.T) {
	for _, c := range []*Curve{P224, P256, P384, P521} {
		t.Run(c.Name, func(t *testing.T) {
			k := big.NewInt(0).SetBytes([]byte("a fixed scalar for the test"))
			x, y, ok := c.ScalarBaseMult(k)
			require.True(t, ok)
			sx, sy := c.std.ScalarBaseMult(k.Bytes())
			assert.Equal(t, sx, x)
			assert.Equal(t, sy, y)

			digest := sha256.Sum256([]byte("message"))
			std, err := ecdsa.GenerateKey(c.std, rand.Reader)
			require.NoError(t, err)
			sig, err := ecdsa.SignASN1(rand.Reader, std, digest[:])
			require.NoError(t, err)
			point, err := std.PublicKey.Bytes()
			require.NoError(t, err)
			pub, err := NewPublicKey(c, point)
			require.NoError(t, err)
			r, s, err := DecodeSignature(sig)
			require.NoError(t, err)
			assert.True(t, pub.verifyGeneric(digest[:], r, s), "generic verifies stdlib signature")
			assert.False(t, pub.verifyGeneric(digest[1:], r, s), "generic rejects other digest")

			own, err := GenerateKey(c, rand.Reader)
			require.NoError(t, err)
			ownSig, err := own.SignASN1(rand.Reader, digest[:])
			require.NoError(t, err)
			stdPub, err := ecdsa.ParseUncompressedPublicKey(c.std, own.Bytes())
			require.NoError(t, err)
			assert.True(t, ecdsa.VerifyASN1(stdPub, digest[:], ownSig), "stdlib verifies own signature")
		})
	}
}

func TestBrainpoolSignVerifyRoundTrip(t *testing.T) {
	for _, c := range []*Curve{BrainpoolP192r1, BrainpoolP224r1, BrainpoolP256r1, BrainpoolP320r1, BrainpoolP384r1, BrainpoolP512r1} {
		t.Run(c.Name, func(t *testing.T) {
			key, err := GenerateKey(c, rand.Reader)
			require.NoError(t, err)
			digest := sha256.Sum256([]byte("document security object"))
			sig, err := key.SignASN1(rand.Reader, digest[:])
			require.NoError(t, err)
			assert.True(t, key.PublicKey.VerifyASN1(digest[:], sig))
			plain, err := key.SignPlain(rand.Reader, digest[:])
			require.NoError(t, err)
			assert.True(t, key.PublicKey.VerifyPlain(digest[:], plain))

			tampered := sha256.Sum256([]byte("document security object!"))
			assert.False(t, key.PublicKey.VerifyASN1(tampered[:], sig))
			plain[len(plain)-1] ^= 1
			assert.False(t, key.PublicKey.VerifyPlain(digest[:], plain))
		})
	}
}

func TestVerifyRejectsOutOfRangeValues(t *testing.T) {
	key, err := GenerateKey(BrainpoolP256r1, rand.Reader)
	require.NoError(t, err)
	digest := sha256.Sum256([]byte("x"))
	assert.False(t, key.Verify(digest[:], big.NewInt(0), big.NewInt(1)))
	assert.False(t, key.Verify(digest[:], BrainpoolP256r1.N, big.NewInt(1)))
	assert.False(t, key.Verify(digest[:], big.NewInt(1), nil))
	assert.False(t, key.VerifyASN1(digest[:], []byte{0x30, 0x00}))
	assert.False(t, key.VerifyPlain(digest[:], []byte{1, 2, 3}))
}

func TestDecodePointCompressedAndInvalid(t *testing.T) {
	c := BrainpoolP256r1
	key, err := GenerateKey(c, rand.Reader)
	require.NoError(t, err)
	size := c.ByteSize()
	compressed := make([]byte, 1+size)
	compressed[0] = 2 | byte(key.Y.Bit(0))
	key.X.FillBytes(compressed[1:])
	x, y, err := c.DecodePoint(compressed)
	require.NoError(t, err)
	assert.Equal(t, key.X, x)
	assert.Equal(t, key.Y, y)

	off := key.Bytes()
	off[len(off)-1] ^= 1
	_, _, err = c.DecodePoint(off)
	assert.ErrorIs(t, err, ErrInvalidPoint)
	_, _, err = c.DecodePoint([]byte{4, 1, 2})
	assert.ErrorIs(t, err, ErrInvalidPoint)
}

func TestMatchDomain(t *testing.T) {
	c := BrainpoolP384r1
	d := Domain{P: c.P, A: c.A, B: c.B, Gx: c.Gx, Gy: c.Gy, N: c.N, Cofactor: 1}
	got, ok := MatchDomain(d)
	require.True(t, ok)
	assert.Same(t, c, got)

	forged := d
	forged.B = new(big.Int).Add(c.B, big.NewInt(1))
	_, ok = MatchDomain(forged)
	assert.False(t, ok, "altered parameters are refused")

	cofactor := d
	cofactor.Cofactor = 4
	_, ok = MatchDomain(cofactor)
	assert.False(t, ok)
}
