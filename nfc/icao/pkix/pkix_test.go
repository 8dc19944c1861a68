package pkix_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/ecc"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// algID encodes an AlgorithmIdentifier with optional parameters.
func algID(oid asn1.ObjectIdentifier, params ...[]byte) tlv.Node {
	n, _ := tlv.DecodeExact(tlv.EncodeConstructed(tlv.TagSequence, append([][]byte{tlv.EncodeOID(oid)}, params...)...))
	return n
}

func TestRSASignaturesFromStdlibVerify(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	pub, err := pkix.ParsePublicKeyInfo(der)
	require.NoError(t, err)
	assert.Equal(t, "RSA-2048", pub.Describe())
	msg := []byte("tbs certificate bytes")

	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		d := h.New()
		d.Write(msg)
		digest := d.Sum(nil)

		sig, err := rsa.SignPKCS1v15(rand.Reader, priv, h, digest)
		require.NoError(t, err)
		alg := pkix.SignatureAlgorithm{Scheme: pkix.SchemePKCS1v15, Hash: h}
		assert.NoError(t, pkix.Verify(pub, alg, msg, sig), "PKCS#1 v1.5 %v", h)
		assert.ErrorIs(t, pkix.Verify(pub, alg, append(msg, '!'), sig), pkix.ErrSignatureInvalid)

		for _, salt := range []int{h.Size(), 20, 7} {
			pss, err := rsa.SignPSS(rand.Reader, priv, h, digest, &rsa.PSSOptions{SaltLength: salt, Hash: h})
			require.NoError(t, err)
			palg := pkix.SignatureAlgorithm{Scheme: pkix.SchemePSS, Hash: h, MGFHash: h, SaltLength: salt}
			assert.NoError(t, pkix.Verify(pub, palg, msg, pss), "PSS %v salt %d", h, salt)
			palg.SaltLength = salt + 1
			assert.ErrorIs(t, pkix.Verify(pub, palg, msg, pss), pkix.ErrSignatureInvalid)
		}
	}
}

func TestECDSAAndKeyMismatch(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	pub, err := pkix.ParsePublicKeyInfo(der)
	require.NoError(t, err)
	assert.Equal(t, "EC P-384", pub.Describe())
	msg := []byte("signed attributes")
	d := crypto.SHA384.New()
	d.Write(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, priv, d.Sum(nil))
	require.NoError(t, err)
	alg := pkix.SignatureAlgorithm{Scheme: pkix.SchemeECDSA, Hash: crypto.SHA384}
	assert.NoError(t, pkix.Verify(pub, alg, msg, sig))
	rsaAlg := pkix.SignatureAlgorithm{Scheme: pkix.SchemePKCS1v15, Hash: crypto.SHA384}
	assert.ErrorIs(t, pkix.Verify(pub, rsaAlg, msg, sig), pkix.ErrUnsupportedAlgorithm)
	assert.ErrorIs(t, pkix.Verify(pub, pkix.SignatureAlgorithm{Scheme: pkix.SchemeECDSA}, msg, sig), pkix.ErrUnsupportedAlgorithm)
}

func TestExplicitCurveParameters(t *testing.T) {
	for _, c := range ecc.Curves() {
		t.Run(c.Name, func(t *testing.T) {
			params, err := tlv.DecodeExact(specimen.ExplicitParameters(c))
			require.NoError(t, err)
			got, explicit, err := pkix.ParseECParameters(params)
			require.NoError(t, err)
			assert.True(t, explicit)
			assert.Same(t, c, got)
		})
	}
	t.Run("forged b refused", func(t *testing.T) {
		c := ecc.BrainpoolP256r1
		forged := *c
		forged.B = new(big.Int).Add(c.B, big.NewInt(1))
		params, err := tlv.DecodeExact(specimen.ExplicitParameters(&forged))
		require.NoError(t, err)
		_, _, err = pkix.ParseECParameters(params)
		assert.ErrorIs(t, err, pkix.ErrUnsupportedAlgorithm)
	})
	t.Run("unknown named curve refused", func(t *testing.T) {
		secp256k1, _ := tlv.DecodeExact(tlv.EncodeOID(asn1.ObjectIdentifier{1, 3, 132, 0, 10}))
		_, _, err := pkix.ParseECParameters(secp256k1)
		assert.ErrorIs(t, err, pkix.ErrUnsupportedAlgorithm)
	})
	t.Run("implicitlyCA refused", func(t *testing.T) {
		null, _ := tlv.DecodeExact(tlv.Encode(tlv.TagNull, nil))
		_, _, err := pkix.ParseECParameters(null)
		assert.ErrorIs(t, err, pkix.ErrUnsupportedAlgorithm)
	})
}

func TestParseSignatureAlgorithm(t *testing.T) {
	sha256Alg := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDSHA256))
	mgf := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDMGF1), sha256Alg)
	params := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeConstructed(tlv.ContextTag(0, true), sha256Alg),
		tlv.EncodeConstructed(tlv.ContextTag(1, true), mgf),
		tlv.EncodeConstructed(tlv.ContextTag(2, true), tlv.EncodeInt(32)))
	cases := []struct {
		name string
		node tlv.Node
		want pkix.SignatureAlgorithm
		err  error
	}{
		{"ecdsa sha256", algID(pkix.OIDECDSAWithSHA256), pkix.SignatureAlgorithm{Scheme: pkix.SchemeECDSA, Hash: crypto.SHA256}, nil},
		{"sha1 rsa", algID(pkix.OIDSHA1WithRSA, tlv.Encode(tlv.TagNull, nil)), pkix.SignatureAlgorithm{Scheme: pkix.SchemePKCS1v15, Hash: crypto.SHA1}, nil},
		{"rsaEncryption without hash", algID(pkix.OIDRSAEncryption), pkix.SignatureAlgorithm{Scheme: pkix.SchemePKCS1v15}, nil},
		{"pss defaults", algID(pkix.OIDRSAPSS), pkix.SignatureAlgorithm{Scheme: pkix.SchemePSS, Hash: crypto.SHA1, MGFHash: crypto.SHA1, SaltLength: 20}, nil},
		{"pss sha256", algID(pkix.OIDRSAPSS, params), pkix.SignatureAlgorithm{Scheme: pkix.SchemePSS, Hash: crypto.SHA256, MGFHash: crypto.SHA256, SaltLength: 32}, nil},
		{"plain ecdsa", algID(pkix.OIDECDSAPlainSHA256), pkix.SignatureAlgorithm{Scheme: pkix.SchemeECDSAPlain, Hash: crypto.SHA256}, nil},
		{"md5 rsa", algID(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}), pkix.SignatureAlgorithm{}, pkix.ErrUnsupportedAlgorithm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pkix.ParseSignatureAlgorithm(tc.node)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	bad := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeConstructed(tlv.ContextTag(3, true), tlv.EncodeInt(2)))
	_, err := pkix.ParseSignatureAlgorithm(algID(pkix.OIDRSAPSS, bad))
	assert.ErrorIs(t, err, pkix.ErrUnsupportedAlgorithm, "trailer field other than 1")
}

func TestRSAKeyLimits(t *testing.T) {
	small := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeBigInt(big.NewInt(3233)), tlv.EncodeInt(17))
	_, err := pkix.ParseRSAPublicKey(small)
	assert.ErrorIs(t, err, pkix.ErrUnsupportedAlgorithm)
	even := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeBigInt(new(big.Int).Lsh(big.NewInt(1), 2048)), tlv.EncodeInt(65537))
	_, err = pkix.ParseRSAPublicKey(even)
	assert.ErrorIs(t, err, pkix.ErrMalformed)
}
