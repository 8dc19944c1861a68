package chipfile

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/trust"
)

// sharedPhoto returns a face photo of the shared faces folder, or skips
// (fails under CI, see testassets.SkipOrFail).
func sharedPhoto(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testassets.FacesDir(t), "kit@1.jpg"))
	require.NoError(t, err)
	return data
}

func TestBuildVerifiesAsAuthenticWithItsCSCA(t *testing.T) {
	now := time.Now()
	f, err := Build(Options{Photo: sharedPhoto(t), Now: now})
	require.NoError(t, err)

	raw, err := f.Marshal()
	require.NoError(t, err)
	f, err = Parse(raw)
	require.NoError(t, err, "the file survives a round trip")

	faces, err := lds.ParseDG2(f.DataGroups["2"])
	require.NoError(t, err)
	require.Len(t, faces, 1)
	assert.Equal(t, lds.ImageJPEG, faces[0].Format)
	assert.LessOrEqual(t, faces[0].Height, maxPortraitHeight)

	challenge := make([]byte, 8)
	_, _ = rand.Read(challenge)
	sig, err := f.SignChallenge(challenge)
	require.NoError(t, err)
	ts, err := f.TrustStore()
	require.NoError(t, err)
	res := icao.Verify(icao.ChipData{SOD: f.SOD, DataGroups: f.Groups(), Challenge: challenge, AASignature: sig},
		icao.Options{Trust: ts, Now: now, Revocation: icao.RevocationRequire,
			Consent: &icao.Consent{DocumentNumber: f.Consent.DocumentNumber, DateOfBirth: f.Consent.DateOfBirth, DateOfExpiry: f.Consent.DateOfExpiry}})
	assert.Equal(t, icao.Authentic, res.Verdict, res.Detail)
	assert.True(t, res.ActiveAuthentication)
	assert.True(t, res.RevocationChecked, "the demo CRL is current")
	assert.Equal(t, "ERIKSSON", res.Document.Surname)

	res = icao.Verify(icao.ChipData{SOD: f.SOD, DataGroups: f.Groups(), Challenge: challenge, AASignature: sig},
		icao.Options{Trust: mustEmptyTrust(), Now: now})
	assert.Equal(t, icao.CSCAUnknown, res.Verdict, "only a store given the demo CSCA trusts the specimen")
}

func TestBuildWithoutPhotoOrAAAndWithECDSA(t *testing.T) {
	f, err := Build(Options{SignerKey: specimen.ECDSAP256, NoActiveAuthentication: true})
	require.NoError(t, err)
	assert.NotEmpty(t, f.DataGroups["2"], "DG2 is always present: a generated picture stands in for the photo")
	assert.NotContains(t, f.DataGroups, "15")
	sig, err := f.SignChallenge([]byte("12345678"))
	require.NoError(t, err)
	assert.Nil(t, sig)
	ts, err := f.TrustStore()
	require.NoError(t, err)
	res := icao.Verify(icao.ChipData{SOD: f.SOD, DataGroups: f.Groups()}, icao.Options{Trust: ts})
	assert.Equal(t, icao.Authentic, res.Verdict, res.Detail)
}

func TestBuildWithRevokedDocumentSigner(t *testing.T) {
	f, err := Build(Options{SignerKey: specimen.ECDSAP256, NoActiveAuthentication: true, RevokeDocumentSigner: true})
	require.NoError(t, err)
	parsed, err := Parse(mustMarshal(t, f))
	require.NoError(t, err, "the CRL survives the file round trip")
	ts, err := parsed.TrustStore()
	require.NoError(t, err)
	res := icao.Verify(icao.ChipData{SOD: parsed.SOD, DataGroups: parsed.Groups()}, icao.Options{Trust: ts})
	assert.Equal(t, icao.DSRevoked, res.Verdict, res.Detail)
}

// mustMarshal writes f as a chip file.
func mustMarshal(t *testing.T, f *File) []byte {
	t.Helper()
	b, err := f.Marshal()
	require.NoError(t, err)
	return b
}

func TestParseRefuses(t *testing.T) {
	for _, raw := range []string{`{`, `{"format":"other"}`, `{"format":"kycgate-nfc-specimen/1"}`} {
		_, err := Parse([]byte(raw))
		assert.ErrorIs(t, err, ErrFormat, raw)
	}
	_, err := Build(Options{Photo: []byte("not an image")})
	assert.Error(t, err)
}

func mustEmptyTrust() *trust.Store { return trust.NewStore() }
