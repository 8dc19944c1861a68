package cms

import (
	"bytes"
	"crypto"
	"crypto/subtle"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Attribute OIDs of signed attributes.
var (
	OIDContentTypeAttr   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDMessageDigestAttr = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDSigningTimeAttr   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
)

// Verification errors.
var (
	// ErrDigestMismatch means the messageDigest attribute does not match the content.
	ErrDigestMismatch = errors.New("cms: messageDigest does not match content")
	// ErrContentTypeMismatch means the contentType attribute disagrees with eContentType.
	ErrContentTypeMismatch = errors.New("cms: contentType attribute does not match")
)

// SignerIdentifier names the signer's certificate: by issuer and serial
// number, or by subject key identifier.
type SignerIdentifier struct {
	// Issuer is the issuer name when identified by issuerAndSerialNumber.
	Issuer *cert.Name
	// SerialNumber accompanies Issuer.
	SerialNumber *big.Int
	// SubjectKeyID is set when identified by [0] subjectKeyIdentifier.
	SubjectKeyID []byte
}

// Attribute is a signed attribute with its raw values.
type Attribute struct {
	// Type is the attribute OID.
	Type asn1.ObjectIdentifier
	// Values are the decoded value elements.
	Values []tlv.Node
}

// SignerInfo is one CMS signature.
type SignerInfo struct {
	// Version is 1 (issuerAndSerialNumber) or 3 (subjectKeyIdentifier).
	Version int
	// SID identifies the signer certificate.
	SID SignerIdentifier
	// DigestAlgorithm hashes the content; zero with DigestErr when unsupported.
	DigestAlgorithm crypto.Hash
	// DigestErr explains an unsupported digest algorithm.
	DigestErr error
	// RawSignedAttrs is the original [0] element, nil when absent.
	RawSignedAttrs []byte
	// SignedAttrs are the decoded signed attributes.
	SignedAttrs []Attribute
	// SignatureAlgorithm is the signature algorithm.
	SignatureAlgorithm pkix.SignatureAlgorithm
	// SignatureAlgorithmErr explains an unsupported signature algorithm.
	SignatureAlgorithmErr error
	// Signature is the signature value.
	Signature []byte
}

// parseSignerInfos reads the SignerInfos SET.
func parseSignerInfos(n tlv.Node) ([]SignerInfo, error) {
	items, err := n.Children()
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("no signer")
	}
	infos := make([]SignerInfo, 0, len(items))
	for _, item := range items {
		si, err := parseSignerInfo(item)
		if err != nil {
			return nil, fmt.Errorf("signer info: %w", err)
		}
		infos = append(infos, si)
	}
	return infos, nil
}

// parseSignerInfo reads one SignerInfo.
func parseSignerInfo(n tlv.Node) (SignerInfo, error) {
	var si SignerInfo
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return si, err
	}
	versionNode, err1 := r.Expect(tlv.TagInteger)
	sidNode, err2 := r.Next()
	digestNode, err3 := r.Expect(tlv.TagSequence)
	if err := errors.Join(err1, err2, err3); err != nil {
		return si, err
	}
	if si.Version, err = versionNode.Int(); err != nil {
		return si, err
	}
	if si.SID, err = parseSignerIdentifier(sidNode); err != nil {
		return si, err
	}
	si.DigestAlgorithm, si.DigestErr = pkix.ParseDigestAlgorithm(digestNode)
	if attrs, ok, err := r.Optional(tlv.ContextTag(0, true)); err != nil {
		return si, err
	} else if ok {
		si.RawSignedAttrs = attrs.Raw
		if si.SignedAttrs, err = parseAttributes(attrs); err != nil {
			return si, err
		}
	}
	algNode, err1 := r.Expect(tlv.TagSequence)
	sigNode, err2 := r.Expect(tlv.TagOctetString)
	_, _, err3 = r.Optional(tlv.ContextTag(1, true))
	if err := errors.Join(err1, err2, err3, r.Done()); err != nil {
		return si, err
	}
	si.SignatureAlgorithm, si.SignatureAlgorithmErr = pkix.ParseSignatureAlgorithm(algNode)
	si.Signature = sigNode.Value
	return si, nil
}

// parseSignerIdentifier reads issuerAndSerialNumber or [0] subjectKeyIdentifier.
func parseSignerIdentifier(n tlv.Node) (SignerIdentifier, error) {
	switch n.Tag {
	case tlv.ContextTag(0, false):
		return SignerIdentifier{SubjectKeyID: n.Value}, nil
	case tlv.TagSequence:
		r := tlv.NewReader(n.Value)
		issuerNode, err1 := r.Expect(tlv.TagSequence)
		serialNode, err2 := r.Expect(tlv.TagInteger)
		if err := errors.Join(err1, err2, r.Done()); err != nil {
			return SignerIdentifier{}, err
		}
		issuer, err := cert.ParseName(issuerNode)
		if err != nil {
			return SignerIdentifier{}, err
		}
		serial, err := serialNode.BigInt()
		if err != nil {
			return SignerIdentifier{}, err
		}
		return SignerIdentifier{Issuer: &issuer, SerialNumber: serial}, nil
	default:
		return SignerIdentifier{}, fmt.Errorf("%w: signer identifier %s", tlv.ErrUnexpectedTag, n.Tag)
	}
}

// parseAttributes reads SET OF Attribute ::= SEQUENCE { type, SET OF value }.
func parseAttributes(n tlv.Node) ([]Attribute, error) {
	items, err := n.Children()
	if err != nil {
		return nil, err
	}
	attrs := make([]Attribute, 0, len(items))
	for _, item := range items {
		r, err := tlv.ReaderOf(item, tlv.TagSequence)
		if err != nil {
			return nil, err
		}
		typeNode, err1 := r.Expect(tlv.TagOID)
		values, err2 := r.Expect(tlv.TagSet)
		if err := errors.Join(err1, err2, r.Done()); err != nil {
			return nil, err
		}
		oid, err := typeNode.OID()
		if err != nil {
			return nil, err
		}
		vals, err := values.Children()
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, Attribute{Type: oid, Values: vals})
	}
	return attrs, nil
}

// Attribute returns the single value of a signed attribute type.
func (si *SignerInfo) Attribute(oid asn1.ObjectIdentifier) (tlv.Node, bool) {
	for _, a := range si.SignedAttrs {
		if a.Type.Equal(oid) && len(a.Values) == 1 {
			return a.Values[0], true
		}
	}
	return tlv.Node{}, false
}

// Matches reports whether c is the certificate the SignerInfo names.
func (si *SignerInfo) Matches(c *cert.Certificate) bool {
	if si.SID.SubjectKeyID != nil {
		return len(c.SubjectKeyID) > 0 && bytes.Equal(si.SID.SubjectKeyID, c.SubjectKeyID)
	}
	return si.SID.SerialNumber != nil && si.SID.SerialNumber.Cmp(c.SerialNumber) == 0 &&
		si.SID.Issuer.Equal(c.Issuer)
}

// FindSigner returns the first certificate among candidates that the
// SignerInfo names, or nil.
func (si *SignerInfo) FindSigner(candidates []*cert.Certificate) *cert.Certificate {
	for _, c := range candidates {
		if si.Matches(c) {
			return c
		}
	}
	return nil
}

// Verify checks the signature of si over content with signer's key. With
// signed attributes present, the contentType attribute must equal
// contentType, the messageDigest attribute must equal the digest of content,
// and the signature covers the attributes re-tagged as SET.
func (si *SignerInfo) Verify(contentType asn1.ObjectIdentifier, content []byte, signer *cert.Certificate) error {
	if si.SignatureAlgorithmErr != nil {
		return si.SignatureAlgorithmErr
	}
	if signer.PublicKeyErr != nil {
		return signer.PublicKeyErr
	}
	alg := si.SignatureAlgorithm.WithDefaultHash(si.DigestAlgorithm)
	if si.RawSignedAttrs == nil {
		return pkix.Verify(signer.PublicKey, alg, content, si.Signature)
	}
	if err := si.checkAttributes(contentType, content); err != nil {
		return err
	}
	signed := bytes.Clone(si.RawSignedAttrs)
	signed[0] = byte(tlv.TagSet)
	return pkix.Verify(signer.PublicKey, alg, signed, si.Signature)
}

// checkAttributes verifies the contentType and messageDigest attributes.
func (si *SignerInfo) checkAttributes(contentType asn1.ObjectIdentifier, content []byte) error {
	if si.DigestErr != nil {
		return si.DigestErr
	}
	ct, ok := si.Attribute(OIDContentTypeAttr)
	if !ok {
		return fmt.Errorf("%w: missing", ErrContentTypeMismatch)
	}
	if oid, err := ct.OID(); err != nil || !oid.Equal(contentType) {
		return ErrContentTypeMismatch
	}
	md, ok := si.Attribute(OIDMessageDigestAttr)
	if !ok || md.Tag != tlv.TagOctetString {
		return fmt.Errorf("%w: attribute missing", ErrDigestMismatch)
	}
	digest, err := digestOf(si.DigestAlgorithm, content)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(digest, md.Value) != 1 {
		return ErrDigestMismatch
	}
	return nil
}
