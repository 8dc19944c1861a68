package cert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stdlibPair creates a CA and a leaf with crypto/x509 to compare parsers.
func stdlibPair(t *testing.T) (caDER, leafDER []byte) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1001), Subject: pkix.Name{Country: []string{"UT"}, CommonName: "CSCA Test"},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, SubjectKeyId: []byte{1, 2, 3, 4},
	}
	caDER, err = x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(77), Subject: pkix.Name{Country: []string{"UT"}, CommonName: "DS Test"},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	leafDER, err = x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	require.NoError(t, err)
	return caDER, leafDER
}

func TestParseAgreesWithStdlib(t *testing.T) {
	caDER, leafDER := stdlibPair(t)
	for _, der := range [][]byte{caDER, leafDER} {
		std, err := x509.ParseCertificate(der)
		require.NoError(t, err)
		own, err := Parse(der)
		require.NoError(t, err)
		assert.Equal(t, std.RawTBSCertificate, own.RawTBS)
		assert.Equal(t, std.SerialNumber, own.SerialNumber)
		assert.Equal(t, std.RawIssuer, own.Issuer.Raw)
		assert.Equal(t, std.RawSubject, own.Subject.Raw)
		assert.Equal(t, std.NotBefore, own.NotBefore)
		assert.Equal(t, std.NotAfter, own.NotAfter)
		assert.Equal(t, std.SubjectKeyId, own.SubjectKeyID)
		assert.Equal(t, std.AuthorityKeyId, own.AuthorityKeyID)
		assert.Equal(t, std.IsCA, own.IsCA)
		assert.Equal(t, int(std.KeyUsage), int(own.KeyUsage))
		assert.Equal(t, 3, own.Version)
		assert.Equal(t, "UT", own.Subject.Country())
		require.NoError(t, own.PublicKeyErr)
	}
	ca, _ := Parse(caDER)
	leaf, _ := Parse(leafDER)
	assert.True(t, ca.SelfIssued())
	assert.NoError(t, ca.CheckSignatureFrom(ca))
	assert.NoError(t, leaf.CheckSignatureFrom(ca))
	assert.Error(t, ca.CheckSignatureFrom(leaf))
	assert.True(t, leaf.IssuedBy(ca))
	assert.Equal(t, 0, ca.MaxPathLen)
	assert.True(t, leaf.ValidAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.False(t, leaf.ValidAt(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
}

func TestParseRejectsBrokenCertificates(t *testing.T) {
	caDER, _ := stdlibPair(t)
	for name, der := range map[string][]byte{
		"empty":     nil,
		"truncated": caDER[:len(caDER)-5],
		"trailing":  append(append([]byte(nil), caDER...), 0),
		"not a seq": {0x04, 0x01, 0x00},
	} {
		_, err := Parse(der)
		assert.ErrorIs(t, err, ErrMalformed, name)
	}
}

func TestNameEqualityToleratesReencoding(t *testing.T) {
	a := Name{Raw: []byte{1}, Attributes: []Attribute{{Type: oidCountry, Value: "DE"}, {Type: oidCommonName, Value: "CSCA  Germany"}}}
	b := Name{Raw: []byte{2}, Attributes: []Attribute{{Type: oidCountry, Value: "de"}, {Type: oidCommonName, Value: "csca germany "}}}
	c := Name{Raw: []byte{3}, Attributes: []Attribute{{Type: oidCountry, Value: "DE"}}}
	assert.True(t, a.Equal(b))
	assert.Equal(t, a.Key(), b.Key())
	assert.False(t, a.Equal(c))
	assert.Equal(t, "C=DE, CN=CSCA  Germany", a.String())
}
