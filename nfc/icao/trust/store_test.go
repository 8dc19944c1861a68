package trust_test

import (
	"bytes"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/trust"
)

// authority creates a P-256 CSCA with the given common name.
func authority(t *testing.T, cn string) *specimen.Authority {
	key, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	a, err := specimen.NewCSCA(key, specimen.Subject{Country: "UT", CommonName: cn},
		specimen.Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(5, 0, 0)})
	require.NoError(t, err)
	return a
}

func TestCertificateFilesDERAndPEM(t *testing.T) {
	a, b := authority(t, "CSCA A"), authority(t, "CSCA B")
	s := trust.NewStore()
	n, err := s.AddCertificateFile(a.DER)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	bundle := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.DER})
	bundle = append(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.DER})...)
	n, err = s.AddCertificateFile(bundle)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the duplicate is skipped")
	assert.Equal(t, 2, s.Len())

	_, err = s.AddCertificateFile(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}))
	assert.ErrorIs(t, err, trust.ErrNoCertificate)
	_, err = s.AddCertificateFile([]byte{0x30, 0x00})
	assert.Error(t, err)
}

// TestDERFileEndingInAWhiteSpaceByte loads DER certificates whose last
// signature byte is one that bytes.TrimSpace removes (about one in forty
// random signatures).
func TestDERFileEndingInAWhiteSpaceByte(t *testing.T) {
	for attempt := 0; attempt < 5000; attempt++ {
		a := authority(t, "CSCA W")
		if last := a.DER[len(a.DER)-1]; !bytes.ContainsRune([]byte(" \t\n\v\f\r"), rune(last)) {
			continue
		}
		certs, err := trust.ParseCertificateFile(a.DER)
		require.NoError(t, err)
		require.Len(t, certs, 1)
		return
	}
	t.Fatal("no certificate ending in a white-space byte in 5000 attempts")
}

func TestIssuersAndCRLs(t *testing.T) {
	csca := authority(t, "CSCA Utopia")
	dsKey, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	ds, err := csca.Issue(dsKey, specimen.Subject{Country: "UT", CommonName: "DS"},
		specimen.Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(1, 0, 0)})
	require.NoError(t, err)

	s := trust.NewStore()
	assert.Empty(t, s.Issuers(ds.Certificate))
	s.Add(csca.Certificate)
	issuers := s.Issuers(ds.Certificate)
	require.Len(t, issuers, 1)
	assert.Same(t, csca.Certificate, issuers[0])

	now := time.Now()
	crl, err := csca.IssueCRL(nil, now.Add(-time.Hour), now.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.AddCRL(crl))
	assert.Len(t, s.CRLs(csca.Certificate.Subject, now), 1)
	assert.Empty(t, s.CRLs(csca.Certificate.Subject, now.Add(2*time.Hour)), "stale CRLs are not current")

	stranger := authority(t, "CSCA Elsewhere")
	foreign, err := stranger.IssueCRL(nil, now.Add(-time.Hour), now.Add(time.Hour))
	require.NoError(t, err)
	assert.ErrorIs(t, s.AddCRL(foreign), trust.ErrCRLIssuerUnknown)

	impostor := authority(t, "CSCA Utopia")
	forged, err := impostor.IssueCRL(nil, now.Add(-time.Hour), now.Add(time.Hour))
	require.NoError(t, err)
	assert.ErrorIs(t, s.AddCRL(forged), trust.ErrCRLIssuerUnknown, "same name, other key")
}
