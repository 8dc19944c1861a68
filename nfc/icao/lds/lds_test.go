package lds_test

import (
	"bytes"
	"crypto"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/mrz"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

const specimenTD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" +
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10"

func TestDG1RoundTripAndCheckDigits(t *testing.T) {
	m, err := lds.ParseDG1(lds.EncodeDG1(specimenTD3))
	require.NoError(t, err)
	assert.Equal(t, "L898902C3", m.DocumentNumber)

	bad := []byte(specimenTD3)
	bad[44+9] = '0'
	_, err = lds.ParseDG1(lds.EncodeDG1(string(bad)))
	assert.ErrorIs(t, err, mrz.ErrCheckDigit)

	_, err = lds.ParseDG1([]byte{0x75, 0x00})
	assert.ErrorIs(t, err, lds.ErrMalformed)
	_, err = lds.ParseDG1(tlv.Encode(lds.TagDG1, tlv.Encode(0x5F20, []byte("x"))))
	assert.ErrorIs(t, err, lds.ErrMalformed)
}

func TestDG2Containers(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9}
	jp2 := []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 9, 9}

	t.Run("19794-5 JPEG", func(t *testing.T) {
		faces, err := lds.ParseDG2(lds.EncodeDG2(jpeg, lds.ImageJPEG, 480, 640))
		require.NoError(t, err)
		require.Len(t, faces, 1)
		assert.Equal(t, lds.ImageJPEG, faces[0].Format)
		assert.Equal(t, jpeg, faces[0].Image)
		assert.Equal(t, 480, faces[0].Width)
		assert.Equal(t, 640, faces[0].Height)
	})
	t.Run("19794-5 JPEG 2000", func(t *testing.T) {
		faces, err := lds.ParseDG2(lds.EncodeDG2(jp2, lds.ImageJPEG2000, 10, 12))
		require.NoError(t, err)
		assert.Equal(t, lds.ImageJPEG2000, faces[0].Format)
		assert.Equal(t, jp2, faces[0].Image)
	})
	t.Run("truncated record refused", func(t *testing.T) {
		dg2 := lds.EncodeDG2(jpeg, lds.ImageJPEG, 1, 1)
		n, _, err := tlv.Decode(dg2)
		require.NoError(t, err)
		// Declare more faces than present.
		idx := bytes.Index(dg2, []byte("FAC\x00"))
		dg2[idx+13] = 2
		_, err = lds.ParseDG2(n.Raw)
		assert.ErrorIs(t, err, lds.ErrMalformed)
	})
}

func TestDG11(t *testing.T) {
	in := lds.DG11{FullName: "ERIKSSON<<ANNA<MARIA", OtherNames: []string{"SMITH<<ANNA"}, PersonalNumber: "123",
		FullDateOfBirth: "19740812", PlaceOfBirth: "ZENITH", PermanentAddress: "1 MAIN STREET<ZENITH", Profession: "ENGINEER"}
	got, err := lds.ParseDG11(lds.EncodeDG11(in))
	require.NoError(t, err)
	assert.Equal(t, "ERIKSSON, ANNA MARIA", got.FullName)
	assert.Equal(t, []string{"SMITH, ANNA"}, got.OtherNames)
	assert.Equal(t, "19740812", got.FullDateOfBirth)
	assert.Equal(t, "ZENITH", got.PlaceOfBirth)
	assert.Equal(t, "1 MAIN STREET<ZENITH", got.PermanentAddress)
	assert.Equal(t, "ENGINEER", got.Profession)
	_, err = lds.ParseDG11([]byte{0x6B, 0x03, 0x5F, 0x0E, 0x05})
	assert.ErrorIs(t, err, lds.ErrMalformed)
}

func TestDG14AndDG15FromSpecimen(t *testing.T) {
	ecKey, err := specimen.NewKey(specimen.ECDSABrainpoolP256Explicit, 0)
	require.NoError(t, err)
	ds := newDS(t)
	chip, err := specimen.NewChip(specimen.ChipSpec{Document: document(), AAKey: ecKey, ChipAuthentication: true}, ds, specimen.SODOptions{})
	require.NoError(t, err)

	dg14, err := lds.ParseDG14(chip.DataGroups[14])
	require.NoError(t, err)
	assert.True(t, dg14.ChipAuthentication)
	assert.Equal(t, crypto.SHA256, dg14.AAHash)
	assert.Equal(t, pkix.SchemeECDSA, dg14.AASignatureScheme)
	assert.Len(t, dg14.Protocols, 2)

	pub, err := lds.ParseDG15(chip.DataGroups[15])
	require.NoError(t, err)
	assert.Equal(t, "EC brainpoolP256r1 (explicit)", pub.Describe())
}

func TestSODParsing(t *testing.T) {
	ds := newDS(t)
	chip, err := specimen.NewChip(specimen.ChipSpec{Document: document()}, ds, specimen.SODOptions{Hash: crypto.SHA384})
	require.NoError(t, err)
	sod, err := lds.ParseSOD(chip.SOD)
	require.NoError(t, err)
	assert.Equal(t, crypto.SHA384, sod.HashAlgorithm)
	assert.Len(t, sod.DataGroupHashes, 1)
	assert.Len(t, sod.SignedData.Certificates, 1)
	assert.Equal(t, chip.Fingerprint(), sod.Fingerprint)

	padded := append(bytes.Clone(chip.SOD), 0x00, 0x00, 0xFF)
	_, err = lds.ParseSOD(padded)
	assert.NoError(t, err, "read padding after the element is ignored")

	for name, bad := range map[string][]byte{
		"wrong outer tag": append([]byte{0x76}, chip.SOD[1:]...),
		"truncated":       chip.SOD[:100],
		"empty":           nil,
	} {
		_, err := lds.ParseSOD(bad)
		assert.ErrorIs(t, err, lds.ErrMalformed, name)
	}
}

func TestSODWithIndefiniteOuterLengths(t *testing.T) {
	ds := newDS(t)
	chip, err := specimen.NewChip(specimen.ChipSpec{Document: document()}, ds, specimen.SODOptions{})
	require.NoError(t, err)
	ber := toIndefinite(t, chip.SOD, 4)
	require.NotEqual(t, chip.SOD, ber)
	sod, err := lds.ParseSOD(ber)
	require.NoError(t, err)
	si := &sod.SignedData.SignerInfos[0]
	require.NoError(t, si.Verify(sod.SignedData.ContentType, sod.SignedData.Content, sod.SignedData.Certificates[0]),
		"signed attributes keep their original bytes")
}

// toIndefinite re-encodes the outer layers of a DER element with
// indefinite lengths, as some chips do.
func toIndefinite(t *testing.T, der []byte, layers int) []byte {
	n, err := tlv.DecodeExact(der)
	require.NoError(t, err)
	if layers == 0 || !n.Constructed() {
		return der
	}
	children, err := n.Children()
	require.NoError(t, err)
	head := der[:len(der)-len(n.Value)]
	tagLen := len(head) - lengthOctets(head)
	out := append(bytes.Clone(head[:tagLen]), 0x80)
	for _, c := range children {
		out = append(out, toIndefinite(t, c.Raw, layers-1)...)
	}
	return append(out, 0, 0)
}

// lengthOctets counts the length octets at the end of a TLV header.
func lengthOctets(head []byte) int {
	for i := len(head) - 1; i >= 1; i-- {
		if head[i]&0x80 != 0 && int(head[i]&0x7F) == len(head)-1-i {
			return len(head) - i
		}
	}
	return 1
}

// newDS creates a P-256 CSCA and document signer.
func newDS(t *testing.T) *specimen.Authority {
	key, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	validity := specimen.Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(5, 0, 0)}
	csca, err := specimen.NewCSCA(key, specimen.Subject{Country: "UT", CommonName: "CSCA"}, validity)
	require.NoError(t, err)
	ds, err := csca.Issue(key, specimen.Subject{Country: "UT", CommonName: "DS"}, validity)
	require.NoError(t, err)
	return ds
}

// document is the ICAO specimen passport.
func document() specimen.Document {
	return specimen.Document{DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "740812", Sex: "F", DateOfExpiry: "120415",
		OptionalData: "ZE184226B"}
}

func TestSpecimenMRZMatchesICAOSpecimen(t *testing.T) {
	text, err := document().MRZ()
	require.NoError(t, err)
	assert.Equal(t, specimenTD3, text)
}
