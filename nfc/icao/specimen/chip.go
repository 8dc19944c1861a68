package specimen

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"sort"

	"github.com/kycgate/kycgate/nfc/icao/cms"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ChipSpec describes the content of a specimen chip.
type ChipSpec struct {
	// Document provides the MRZ of DG1.
	Document Document
	// Face is the encoded facial image wrapped into DG2 (optional).
	Face []byte
	// FaceFormat is the encoding of Face.
	FaceFormat lds.ImageFormat
	// FaceWidth and FaceHeight are declared in the 19794-5 record.
	FaceWidth, FaceHeight int
	// Additional becomes DG11 when set.
	Additional *lds.DG11
	// AAKey adds DG15 with its public key when set.
	AAKey *Key
	// ChipAuthentication adds a ChipAuthenticationInfo record to DG14.
	ChipAuthentication bool
}

// SODOptions tune the document security object.
type SODOptions struct {
	// Hash hashes the data groups and the signed attributes (SHA-256 when zero).
	Hash crypto.Hash
	// SignatureAlgorithm replaces the DER AlgorithmIdentifier written in the
	// SignerInfo (the signature itself is still made with the DS key).
	SignatureAlgorithm []byte
	// OmitCertificate leaves the DS certificate out of the SignedData.
	OmitCertificate bool
}

// Chip is a specimen chip image.
type Chip struct {
	// DataGroups maps data group numbers to the file bytes.
	DataGroups map[int][]byte
	// SOD is EF.SOD.
	SOD []byte
	// AAKey is the Active Authentication private key, nil without DG15.
	AAKey *Key
}

// NewChip builds the data groups of spec and signs them with the document signer ds.
func NewChip(spec ChipSpec, ds *Authority, opts SODOptions) (*Chip, error) {
	text, err := spec.Document.MRZ()
	if err != nil {
		return nil, err
	}
	dgs := map[int][]byte{1: lds.EncodeDG1(text)}
	if len(spec.Face) > 0 {
		dgs[2] = lds.EncodeDG2(spec.Face, spec.FaceFormat, spec.FaceWidth, spec.FaceHeight)
	}
	if spec.Additional != nil {
		dgs[11] = lds.EncodeDG11(*spec.Additional)
	}
	if spec.AAKey != nil {
		spki, err := spec.AAKey.PublicKeyInfo()
		if err != nil {
			return nil, err
		}
		dgs[15] = lds.EncodeDG15(spki)
	}
	if dg14 := encodeDG14(spec); dg14 != nil {
		dgs[14] = dg14
	}
	sod, err := SignSOD(ds, dgs, opts)
	if err != nil {
		return nil, err
	}
	return &Chip{DataGroups: dgs, SOD: sod, AAKey: spec.AAKey}, nil
}

// encodeDG14 writes the SecurityInfos announcing ECDSA Active Authentication
// and Chip Authentication, or returns nil when neither applies.
func encodeDG14(spec ChipSpec) []byte {
	var infos [][]byte
	if spec.AAKey != nil && spec.AAKey.ECKey() != nil {
		infos = append(infos, tlv.EncodeConstructed(tlv.TagSequence,
			tlv.EncodeOID(lds.OIDActiveAuthenticationInfo), tlv.EncodeInt(1),
			tlv.EncodeOID(pkix.OIDECDSAWithSHA256)))
	}
	if spec.ChipAuthentication {
		caECDHAES128 := asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 2, 2}
		infos = append(infos, tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(caECDHAES128), tlv.EncodeInt(1)))
	}
	if len(infos) == 0 {
		return nil
	}
	return tlv.Encode(lds.TagDG14, tlv.EncodeConstructed(tlv.TagSet, infos...))
}

// SignSOD hashes the data groups and returns EF.SOD signed by ds.
func SignSOD(ds *Authority, dgs map[int][]byte, opts SODOptions) ([]byte, error) {
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	hashes := make(map[int][]byte, len(dgs))
	for num, data := range dgs {
		d := h.New()
		d.Write(data)
		hashes[num] = d.Sum(nil)
	}
	content, err := lds.EncodeSecurityObject(h, hashes)
	if err != nil {
		return nil, err
	}
	signed, err := SignData(ds, lds.OIDLDSSecurityObject, content, h, opts)
	if err != nil {
		return nil, err
	}
	return tlv.Encode(lds.TagSOD, signed), nil
}

// SignData returns a CMS ContentInfo with SignedData over content, signed by
// ds with signed attributes (contentType, messageDigest), identifying the
// signer by issuer and serial number.
func SignData(ds *Authority, contentType asn1.ObjectIdentifier, content []byte, h crypto.Hash, opts SODOptions) ([]byte, error) {
	digestOID, ok := pkix.DigestOID(h)
	if !ok {
		return nil, fmt.Errorf("specimen: unsupported digest %v", h)
	}
	digestAlg := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(digestOID), tlv.Encode(tlv.TagNull, nil))
	contentDigest := sha(h, content)
	attrs := sortedSet(
		attribute(cms.OIDContentTypeAttr, tlv.EncodeOID(contentType)),
		attribute(cms.OIDMessageDigestAttr, tlv.Encode(tlv.TagOctetString, contentDigest)))
	signer := *ds.Key
	signer.Hash = h
	sig, err := signer.Sign(tlv.Encode(tlv.TagSet, attrs))
	if err != nil {
		return nil, err
	}
	sigAlg := signer.SignatureAlgorithm()
	if opts.SignatureAlgorithm != nil {
		sigAlg = opts.SignatureAlgorithm
	}
	c := ds.Certificate
	signerInfo := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeInt(1),
		tlv.EncodeConstructed(tlv.TagSequence, c.Issuer.Raw, tlv.EncodeBigInt(c.SerialNumber)),
		digestAlg,
		tlv.Encode(tlv.ContextTag(0, true), attrs),
		sigAlg,
		tlv.Encode(tlv.TagOctetString, sig))
	fields := [][]byte{
		tlv.EncodeInt(3),
		tlv.EncodeConstructed(tlv.TagSet, digestAlg),
		tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(contentType),
			tlv.EncodeConstructed(tlv.ContextTag(0, true), tlv.Encode(tlv.TagOctetString, content))),
	}
	if !opts.OmitCertificate {
		fields = append(fields, tlv.Encode(tlv.ContextTag(0, true), ds.DER))
	}
	fields = append(fields, tlv.EncodeConstructed(tlv.TagSet, signerInfo))
	signedData := tlv.EncodeConstructed(tlv.TagSequence, fields...)
	return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(cms.OIDSignedData),
		tlv.EncodeConstructed(tlv.ContextTag(0, true), signedData)), nil
}

// attribute encodes Attribute ::= SEQUENCE { type, SET { value } }.
func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(oid), tlv.EncodeConstructed(tlv.TagSet, value))
}

// sortedSet concatenates elements in DER SET OF order.
func sortedSet(elements ...[]byte) []byte {
	sort.Slice(elements, func(i, j int) bool { return bytes.Compare(elements[i], elements[j]) < 0 })
	return bytes.Join(elements, nil)
}

// sha hashes data with h.
func sha(h crypto.Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}

// Fingerprint returns the SHA-256 of EF.SOD, as the verifier reports it.
func (c *Chip) Fingerprint() [32]byte {
	return sha256.Sum256(c.SOD)
}
