package icao

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/loststolen"
)

// verdictCase turns an authentic fixture into one expected verdict.
type verdictCase struct {
	name    string
	mutate  func(t *testing.T, f *fixture)
	verdict Verdict
	detail  string
}

// verdictCases has one scenario per verdict code.
var verdictCases = []verdictCase{
	{"authentic", func(t *testing.T, f *fixture) {}, Authentic, ""},
	{"sod malformed", func(t *testing.T, f *fixture) {
		f.input.SOD = f.input.SOD[:len(f.input.SOD)/2]
	}, SODMalformed, ""},
	{"dg1 missing", func(t *testing.T, f *fixture) {
		delete(f.input.DataGroups, 1)
	}, DataGroupMissing, "DG1"},
	{"dg11 malformed", func(t *testing.T, f *fixture) {
		dgs := copyGroups(f.chip.DataGroups)
		dgs[11] = []byte{0x6B, 0x04, 0x5F, 0x0E, 0x09, 0x41}
		f.resign(t, dgs, specimen.SODOptions{})
	}, DataGroupMalformed, "DG11"},
	{"dg2 tampered", func(t *testing.T, f *fixture) {
		dg2 := f.input.DataGroups[2]
		dg2[len(dg2)-10] ^= 0x01
	}, DGHashMismatch, "DG2"},
	{"sod signature tampered", func(t *testing.T, f *fixture) {
		f.input.SOD[len(f.input.SOD)-3] ^= 0x01
	}, SODSignatureInvalid, ""},
	{"unsupported signature algorithm", func(t *testing.T, f *fixture) {
		md5WithRSA := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID([]int{1, 2, 840, 113549, 1, 1, 4}), tlv.Encode(tlv.TagNull, nil))
		f.resign(t, f.chip.DataGroups, specimen.SODOptions{SignatureAlgorithm: md5WithRSA})
	}, AlgorithmUnsupported, ""},
	{"csca impostor with same name", func(t *testing.T, f *fixture) {
		s := trust.NewStore()
		s.Add(f.pki.impostor.Certificate)
		f.opts.Trust = s
	}, CSCAUnknown, ""},
	{"document signer not yet valid", func(t *testing.T, f *fixture) {
		f.opts.Now = date(2024, 6, 1)
	}, CertificateExpired, ""},
	{"document signer revoked", func(t *testing.T, f *fixture) {
		crl, err := f.pki.csca.IssueCRL([]*bigInt{f.pki.serial()}, date(2026, 5, 1), date(2026, 8, 1))
		require.NoError(t, err)
		f.opts.Trust = f.pki.store(t, crl)
	}, DSRevoked, ""},
	{"no crl with require policy", func(t *testing.T, f *fixture) {
		f.opts.Trust = f.pki.store(t)
	}, RevocationUnknown, ""},
	{"country mismatch", func(t *testing.T, f *fixture) {
		spec := chipSpec(t, specimen.ECDSAP256)
		spec.Document.IssuingState = "D"
		f.reissue(t, spec)
	}, CountryMismatch, ""},
	{"mrz check digit", func(t *testing.T, f *fixture) {
		text, err := specimenDocument().MRZ()
		require.NoError(t, err)
		b := []byte(text)
		b[44+19] = bumpDigit(b[44+19])
		dgs := copyGroups(f.chip.DataGroups)
		dgs[1] = lds.EncodeDG1(string(b))
		f.resign(t, dgs, specimen.SODOptions{})
	}, MRZCheckDigitInvalid, "date_of_birth"},
	{"consent birth date differs", func(t *testing.T, f *fixture) {
		f.opts.Consent.DateOfBirth = "740813"
	}, ConsentMismatch, "date_of_birth"},
	{"document expired", func(t *testing.T, f *fixture) {
		spec := chipSpec(t, specimen.ECDSAP256)
		spec.Document.DateOfExpiry = "260531"
		f.reissue(t, spec)
		f.opts.Consent.DateOfExpiry = "260531"
	}, DocumentExpired, ""},
	{"aa response for another challenge", func(t *testing.T, f *fixture) {
		f.input.Challenge = []byte{1, 2, 3, 4, 5, 6, 7, 8}
	}, AAFailed, ""},
	{"aa response missing", func(t *testing.T, f *fixture) {
		f.input.AASignature = nil
	}, AAFailed, ""},
	{"dg15 listed in sod but withheld", func(t *testing.T, f *fixture) {
		delete(f.input.DataGroups, 15)
	}, AAFailed, "DG15 is listed in EF.SOD but was not uploaded"},
	{"dg15 and aa response withheld", func(t *testing.T, f *fixture) {
		delete(f.input.DataGroups, 15)
		f.input.AASignature = nil
	}, AAFailed, "DG15 is listed in EF.SOD but was not uploaded"},
	{"document on the lost-and-stolen list", func(t *testing.T, f *fixture) {
		f.opts.LostOrStolen = lostStolen(t, "UTO,L898902C3\n")
	}, DocumentLostOrStolen, ""},
	{"another document on the lost-and-stolen list", func(t *testing.T, f *fixture) {
		f.opts.LostOrStolen = lostStolen(t, "UTO,L898902C4\nD,L898902C3\n")
	}, Authentic, ""},
	{"dg2 missing", func(t *testing.T, f *fixture) {
		delete(f.input.DataGroups, 2)
	}, DataGroupMissing, "DG2"},
	{"dg2 empty", func(t *testing.T, f *fixture) {
		f.input.DataGroups[2] = nil
	}, DataGroupMissing, "DG2"},
}

// lostStolen returns a lost-and-stolen list of the CSV documents.
func lostStolen(t *testing.T, csv string) *loststolen.List {
	l, err := loststolen.New(bytes.Repeat([]byte{7}, loststolen.MinKeyBytes))
	require.NoError(t, err)
	_, err = l.Import(strings.NewReader(csv))
	require.NoError(t, err)
	return l
}

// bigInt keeps the table readable.
type bigInt = big.Int

// bumpDigit changes an MRZ digit.
func bumpDigit(c byte) byte {
	if c == '9' {
		return '0'
	}
	return c + 1
}

// reissue rebuilds the chip from spec with the fixture's AA key kept.
func (f *fixture) reissue(t *testing.T, spec specimen.ChipSpec) {
	spec.AAKey = f.chip.AAKey
	chip, err := specimen.NewChip(spec, f.pki.ds, specimen.SODOptions{})
	require.NoError(t, err)
	sig, err := chip.SignChallenge(f.input.Challenge)
	require.NoError(t, err)
	f.chip = chip
	f.input.SOD, f.input.DataGroups, f.input.AASignature = chip.SOD, copyGroups(chip.DataGroups), sig
}

func TestVerifyOneFixturePerVerdict(t *testing.T) {
	keyTypes := []specimen.KeyType{specimen.RSA, specimen.RSAPSS, specimen.ECDSAP256}
	for _, kt := range keyTypes {
		p := newPKI(t, kt)
		base := chipSpec(t, kt)
		t.Run(kt.String(), func(t *testing.T) {
			for _, tc := range verdictCases {
				t.Run(tc.name, func(t *testing.T) {
					f := newFixture(t, p, base)
					tc.mutate(t, f)
					r := Verify(f.input, f.opts)
					assert.Equal(t, tc.verdict, r.Verdict, "detail: %s", r.Detail)
					if tc.detail != "" {
						assert.Equal(t, tc.detail, r.Detail)
					}
					assert.NotEmpty(t, r.SODFingerprint)
					assertNoPersonalData(t, r.Detail)
				})
			}
		})
	}
}

// assertNoPersonalData checks that a detail quotes no MRZ value.
func assertNoPersonalData(t *testing.T, detail string) {
	for _, secret := range []string{"ERIKSSON", "ANNA", "L898902C3", "740812", "ZE184226B"} {
		assert.NotContains(t, detail, secret)
	}
}

func TestVerifyEveryVerdictHasAFixture(t *testing.T) {
	covered := map[Verdict]bool{}
	for _, tc := range verdictCases {
		covered[tc.verdict] = true
	}
	for _, v := range Verdicts() {
		assert.True(t, covered[v], "verdict %s has no fixture", v)
	}
}

func TestVerifyAuthenticResultContent(t *testing.T) {
	p := newPKI(t, specimen.ECDSABrainpoolP256Explicit)
	f := newFixture(t, p, chipSpec(t, specimen.ECDSABrainpoolP256Explicit))
	r := Verify(f.input, f.opts)
	require.Equal(t, Authentic, r.Verdict, r.Detail)
	assert.True(t, r.PassiveAuthentication)
	assert.True(t, r.RevocationChecked)
	assert.True(t, r.ActiveAuthenticationSupported)
	assert.True(t, r.ActiveAuthentication)
	assert.True(t, r.ChipAuthenticationSupported)
	assert.Equal(t, "UT", r.DocumentSignerCountry)
	assert.Contains(t, r.SignatureAlgorithm, "brainpoolP256r1 (explicit)")
	require.NotNil(t, r.Document)
	assert.Equal(t, Document{
		DocumentCode: "P", IssuingState: "UTO", DocumentNumber: "L898902C3", Surname: "ERIKSSON",
		GivenNames: "ANNA MARIA", Nationality: "UTO", DateOfBirth: "740812", Sex: "F",
		DateOfExpiry: "310415", OptionalData1: "ZE184226B", MRZFormat: "TD3",
	}, *r.Document)
	require.NotNil(t, r.Additional)
	assert.Equal(t, "ERIKSSON, ANNA MARIA", r.Additional.FullName)
	assert.Equal(t, "ZENITH", r.Additional.PlaceOfBirth)
	chipSum := f.chip.Fingerprint()
	assert.Equal(t, hexString(chipSum[:]), r.SODFingerprint)
}

func TestVerifyPolicies(t *testing.T) {
	p := newPKI(t, specimen.ECDSAP256)
	t.Run("revocation unknown allowed", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.opts.Trust = p.store(t)
		f.opts.Revocation = RevocationAllowUnknown
		r := Verify(f.input, f.opts)
		assert.Equal(t, Authentic, r.Verdict, r.Detail)
		assert.False(t, r.RevocationChecked)
	})
	t.Run("chip without active authentication", func(t *testing.T) {
		spec := chipSpec(t, specimen.ECDSAP256)
		spec.AAKey = nil
		f := newFixture(t, p, spec)
		_, listed := f.input.DataGroups[15]
		require.False(t, listed, "the fixture chip has no DG15")
		r := Verify(f.input, f.opts)
		assert.Equal(t, Authentic, r.Verdict, r.Detail)
		assert.False(t, r.ActiveAuthenticationSupported)
		assert.False(t, r.ActiveAuthentication)
	})
	t.Run("dg15 withheld is flagged as supported", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		delete(f.input.DataGroups, 15)
		r := Verify(f.input, f.opts)
		assert.Equal(t, AAFailed, r.Verdict)
		assert.True(t, r.PassiveAuthentication)
		assert.True(t, r.ActiveAuthenticationSupported)
		assert.False(t, r.ActiveAuthentication)
	})
	t.Run("aa is not attempted after a passive failure", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.input.DataGroups[2][20] ^= 1
		r := Verify(f.input, f.opts)
		assert.Equal(t, DGHashMismatch, r.Verdict)
		assert.False(t, r.PassiveAuthentication)
		assert.False(t, r.ActiveAuthentication)
	})
	t.Run("data group absent from sod", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.input.DataGroups[12] = []byte{0x6C, 0x00}
		r := Verify(f.input, f.opts)
		assert.Equal(t, DataGroupMissing, r.Verdict)
		assert.True(t, strings.HasPrefix(r.Detail, "DG12"))
	})
	t.Run("no trust store", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.opts.Trust = nil
		assert.Equal(t, CSCAUnknown, Verify(f.input, f.opts).Verdict)
	})
	t.Run("csca expired", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.opts.Now = date(2036, 6, 1)
		assert.Equal(t, CertificateExpired, Verify(f.input, f.opts).Verdict)
	})
	t.Run("sha-1 and sha-512 security objects", func(t *testing.T) {
		for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA384, crypto.SHA512} {
			f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
			f.resign(t, f.chip.DataGroups, specimen.SODOptions{Hash: h})
			assert.Equal(t, Authentic, Verify(f.input, f.opts).Verdict)
		}
	})
	t.Run("ds certificate missing from sod", func(t *testing.T) {
		f := newFixture(t, p, chipSpec(t, specimen.ECDSAP256))
		f.resign(t, f.chip.DataGroups, specimen.SODOptions{OmitCertificate: true})
		assert.Equal(t, SODMalformed, Verify(f.input, f.opts).Verdict)
	})
}

// hexString renders bytes as lower-case hex.
func hexString(b []byte) string {
	return hex.EncodeToString(b)
}
