package pipeline

import (
	"testing"
	"time"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/portrait"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/nfc/upload"
)

// testNow is the verification time of the fixtures.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testChallenge is the session's Active Authentication challenge.
var testChallenge = []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}

// fixture is one authentic session upload with its pipeline.
type fixture struct {
	pipeline *Pipeline
	sess     session.Session
	up       *upload.Upload
	chip     *specimen.Chip
	ds       *specimen.Authority
}

// fixtureOptions tune newFixture.
type fixtureOptions struct {
	face    []byte
	noAA    bool
	selfies [][]byte
}

// newFixture builds a P-256 CSCA and DS, an authentic specimen chip with
// an AA key (brainpoolP256r1) unless noAA, its upload answering the
// session's challenge, and a pipeline trusting the CSCA.
func newFixture(t *testing.T, o fixtureOptions) *fixture {
	t.Helper()
	newKey := func(kt specimen.KeyType) *specimen.Key {
		k, err := specimen.NewKey(kt, 0)
		require.NoError(t, err)
		return k
	}
	csca, err := specimen.NewCSCA(newKey(specimen.ECDSAP256), specimen.Subject{Country: "UT", CommonName: "CSCA Utopia"},
		specimen.Validity{NotBefore: date(2020, 1, 1), NotAfter: date(2036, 1, 1)})
	require.NoError(t, err)
	ds, err := csca.Issue(newKey(specimen.ECDSAP256), specimen.Subject{Country: "UT", CommonName: "DS Utopia"},
		specimen.Validity{NotBefore: date(2025, 1, 1), NotAfter: date(2032, 1, 1)})
	require.NoError(t, err)
	if o.face == nil {
		o.face = testassets.GradientJPEG(t, 16, 20)
	}
	spec := specimen.ChipSpec{
		Document: specimen.Document{
			DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "740812", Sex: "F",
			DateOfExpiry: "310415", OptionalData: "ZE184226B",
		},
		Face: o.face, FaceFormat: lds.ImageJPEG, FaceWidth: 16, FaceHeight: 20,
	}
	if !o.noAA {
		spec.AAKey = newKey(specimen.ECDSABrainpoolP256)
	}
	chip, err := specimen.NewChip(spec, ds, specimen.SODOptions{})
	require.NoError(t, err)
	var sig []byte
	if chip.AAKey != nil {
		sig, err = chip.SignChallenge(testChallenge)
		require.NoError(t, err)
	}
	if o.selfies == nil {
		o.selfies = [][]byte{testassets.GradientJPEG(t, 16, 20)}
	}
	store := trust.NewStore()
	store.Add(csca.Certificate)
	return &fixture{
		pipeline: &Pipeline{Trust: store, Revocation: icao.RevocationAllowUnknown, Portraits: portrait.Decoder{}},
		sess: session.Session{
			ID: "11111111-2222-4333-8444-555555555555", Ref: "order-42", Challenge: testChallenge,
			Options: session.Options{NumImagesLiveness: len(o.selfies), SendScan: []session.Scan{session.ScanSelfie, session.ScanDocFace}},
		},
		up: &upload.Upload{
			SOD: chip.SOD, DataGroups: upload.NewDataGroups(chip.DataGroups), AASignature: sig,
			Consent: upload.Consent{DocumentNumber: "L898902C3", DateOfBirth: "740812", DateOfExpiry: "310415"},
			Selfies: o.selfies,
		},
		chip: chip, ds: ds,
	}
}

// date is a UTC midnight.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
