package specimen

import (
	"crypto"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/mrz"
)

func TestEveryKeyTypeMakesAVerifiableChain(t *testing.T) {
	validity := Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(3, 0, 0)}
	for _, kt := range []KeyType{RSA, RSAPSS, ECDSAP256, ECDSABrainpoolP256, ECDSABrainpoolP256Explicit} {
		t.Run(kt.String(), func(t *testing.T) {
			key, err := NewKey(kt, 1024)
			require.NoError(t, err)
			csca, err := NewCSCA(key, Subject{Country: "UT", Organization: "Demo", CommonName: "CSCA"}, validity)
			require.NoError(t, err)
			ds, err := csca.Issue(key, Subject{Country: "UT", CommonName: "DS"}, validity)
			require.NoError(t, err)
			assert.NoError(t, csca.Certificate.CheckSignatureFrom(csca.Certificate))
			assert.NoError(t, ds.Certificate.CheckSignatureFrom(csca.Certificate))
			assert.True(t, csca.Certificate.IsCA)
			assert.Equal(t, cert.KeyUsageCertSign|cert.KeyUsageCRLSign, csca.Certificate.KeyUsage)
			assert.Equal(t, cert.KeyUsageDigitalSignature, ds.Certificate.KeyUsage)
			assert.Equal(t, csca.Certificate.SubjectKeyID, ds.Certificate.AuthorityKeyID)
			assert.Equal(t, kt == ECDSABrainpoolP256Explicit, ds.Certificate.PublicKey.ExplicitCurve)
		})
	}
}

func TestMRZBuilderTD1LongDocumentNumber(t *testing.T) {
	doc := Document{Format: mrz.TD1, DocumentCode: "ID", IssuingState: "UTO", Surname: "ERIKSSON",
		GivenNames: "ANNA MARIA", DocumentNumber: "D23145890734", Nationality: "UTO",
		DateOfBirth: "740812", Sex: "F", DateOfExpiry: "340415"}
	text, err := doc.MRZ()
	require.NoError(t, err)
	require.Len(t, text, 90)
	m, err := mrz.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, "D23145890734", m.DocumentNumber)
	assert.Equal(t, mrz.TD1, m.Format)
	assert.Equal(t, "ANNA MARIA", m.GivenNames)

	_, err = Document{Format: mrz.TD3, DocumentNumber: "é"}.MRZ()
	assert.Error(t, err)
}

func TestChipContent(t *testing.T) {
	key, err := NewKey(ECDSAP256, 0)
	require.NoError(t, err)
	validity := Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(3, 0, 0)}
	csca, err := NewCSCA(key, Subject{Country: "UT", CommonName: "CSCA"}, validity)
	require.NoError(t, err)
	ds, err := csca.Issue(key, Subject{Country: "UT", CommonName: "DS"}, validity)
	require.NoError(t, err)
	doc := Document{DocumentCode: "P", IssuingState: "UTO", Surname: "DOE", DocumentNumber: "X1", Nationality: "UTO",
		DateOfBirth: "900101", Sex: "<", DateOfExpiry: "350101"}
	chip, err := NewChip(ChipSpec{Document: doc, Face: []byte{0xFF, 0xD8, 0xFF, 0xD9}, FaceFormat: lds.ImageJPEG}, ds, SODOptions{Hash: crypto.SHA512})
	require.NoError(t, err)
	assert.ElementsMatch(t, []int{1, 2}, keys(chip.DataGroups))
	sod, err := lds.ParseSOD(chip.SOD)
	require.NoError(t, err)
	assert.Equal(t, crypto.SHA512, sod.HashAlgorithm)
	faces, err := lds.ParseDG2(chip.DataGroups[2])
	require.NoError(t, err)
	assert.Equal(t, []byte{0xFF, 0xD8, 0xFF, 0xD9}, faces[0].Image)
	_, err = chip.SignChallenge([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	assert.ErrorIs(t, err, ErrNoAAKey)
}

// keys lists a map's keys.
func keys(m map[int][]byte) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
