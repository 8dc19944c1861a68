package cms_test

import (
	"crypto"
	"encoding/asn1"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/cms"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

var contentType = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}

// signer returns a P-256 document signer.
func signer(t *testing.T) *specimen.Authority {
	key, err := specimen.NewKey(specimen.ECDSAP256, 0)
	require.NoError(t, err)
	validity := specimen.Validity{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(1, 0, 0)}
	csca, err := specimen.NewCSCA(key, specimen.Subject{Country: "UT", CommonName: "CSCA"}, validity)
	require.NoError(t, err)
	return csca
}

func TestSignedAttributesVerification(t *testing.T) {
	ds := signer(t)
	content := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeInt(0))
	der, err := specimen.SignData(ds, contentType, content, crypto.SHA256, specimen.SODOptions{})
	require.NoError(t, err)
	sd, err := cms.Parse(der)
	require.NoError(t, err)
	require.Len(t, sd.SignerInfos, 1)
	si := &sd.SignerInfos[0]
	assert.Same(t, sd.Certificates[0], si.FindSigner(sd.Certificates))
	assert.NoError(t, si.Verify(sd.ContentType, sd.Content, sd.Certificates[0]))

	assert.ErrorIs(t, si.Verify(sd.ContentType, append(content, 0), sd.Certificates[0]), cms.ErrDigestMismatch)
	assert.ErrorIs(t, si.Verify(asn1.ObjectIdentifier{1, 2, 3}, sd.Content, sd.Certificates[0]), cms.ErrContentTypeMismatch)
	other := signer(t)
	assert.ErrorIs(t, si.Verify(sd.ContentType, sd.Content, other.Certificate), pkix.ErrSignatureInvalid)
	assert.False(t, si.Matches(other.Certificate))
}

func TestSubjectKeyIdentifierAndNoSignedAttributes(t *testing.T) {
	ds := signer(t)
	content := []byte("plain content")
	sig, err := ds.Key.Sign(content)
	require.NoError(t, err)
	signerInfo := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeInt(3),
		tlv.Encode(tlv.ContextTag(0, false), ds.Certificate.SubjectKeyID),
		tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDSHA256)),
		ds.Key.SignatureAlgorithm(),
		tlv.Encode(tlv.TagOctetString, sig))
	// eContent as a constructed OCTET STRING of two segments (BER).
	segmented := tlv.EncodeConstructed(tlv.TagOctetString|0x20,
		tlv.Encode(tlv.TagOctetString, content[:5]), tlv.Encode(tlv.TagOctetString, content[5:]))
	signedData := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeInt(3),
		tlv.EncodeConstructed(tlv.TagSet, tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(pkix.OIDSHA256))),
		tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(contentType), tlv.EncodeConstructed(tlv.ContextTag(0, true), segmented)),
		tlv.Encode(tlv.ContextTag(0, true), ds.DER),
		tlv.EncodeConstructed(tlv.TagSet, signerInfo))
	der := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(cms.OIDSignedData), tlv.EncodeConstructed(tlv.ContextTag(0, true), signedData))

	sd, err := cms.Parse(der)
	require.NoError(t, err)
	assert.Equal(t, content, sd.Content)
	si := &sd.SignerInfos[0]
	require.NotNil(t, si.SID.SubjectKeyID)
	found := si.FindSigner(sd.Certificates)
	require.NotNil(t, found)
	assert.NoError(t, si.Verify(sd.ContentType, sd.Content, found))
	assert.ErrorIs(t, si.Verify(sd.ContentType, []byte("other content"), found), pkix.ErrSignatureInvalid)
}

func TestParseRejectsOtherContent(t *testing.T) {
	data := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}),
		tlv.EncodeConstructed(tlv.ContextTag(0, true), tlv.Encode(tlv.TagOctetString, nil)))
	_, err := cms.Parse(data)
	assert.ErrorIs(t, err, cms.ErrMalformed)
	_, err = cms.Parse([]byte{0x30, 0x80})
	assert.ErrorIs(t, err, cms.ErrMalformed)
}
