package cms

import (
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ErrMalformed means the CMS structure could not be decoded.
var ErrMalformed = errors.New("cms: malformed SignedData")

// OIDSignedData is the id-signedData content type.
var OIDSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}

// normalizedLayers covers ContentInfo, [0], SignedData, its fields, the
// eContent [0] and a constructed eContent OCTET STRING.
const normalizedLayers = 6

// SignedData is a decoded CMS SignedData.
type SignedData struct {
	// Version is the SignedData version.
	Version int
	// ContentType is the eContentType of the encapsulated content.
	ContentType asn1.ObjectIdentifier
	// Content is the encapsulated content octets (eContent).
	Content []byte
	// Certificates are the certificates carried in the SignedData.
	Certificates []*cert.Certificate
	// RawCRLs are the encodings of carried revocation lists.
	RawCRLs [][]byte
	// SignerInfos are the signatures over the content.
	SignerInfos []SignerInfo
}

// Parse decodes a ContentInfo that wraps SignedData.
func Parse(data []byte) (*SignedData, error) {
	normalized, err := tlv.Normalize(data, normalizedLayers)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := tlv.Validate(normalized); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	info, _ := tlv.DecodeExact(normalized)
	sd, err := parseContentInfo(info)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return sd, nil
}

// parseContentInfo reads ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }.
func parseContentInfo(n tlv.Node) (*SignedData, error) {
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	typeNode, err1 := r.Expect(tlv.TagOID)
	wrapped, err2 := r.Expect(tlv.ContextTag(0, true))
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return nil, err
	}
	oid, err := typeNode.OID()
	if err != nil {
		return nil, err
	}
	if !oid.Equal(OIDSignedData) {
		return nil, fmt.Errorf("content type %s is not signedData", oid)
	}
	inner, err := tlv.DecodeExact(wrapped.Value)
	if err != nil {
		return nil, err
	}
	return parseSignedData(inner)
}

// parseSignedData reads the SignedData fields.
func parseSignedData(n tlv.Node) (*SignedData, error) {
	r, err := tlv.ReaderOf(n, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	versionNode, err1 := r.Expect(tlv.TagInteger)
	_, err2 := r.Expect(tlv.TagSet) // digestAlgorithms: informative only
	encap, err3 := r.Expect(tlv.TagSequence)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	sd := &SignedData{}
	if sd.Version, err = versionNode.Int(); err != nil {
		return nil, err
	}
	if err := sd.parseEncapsulated(encap); err != nil {
		return nil, err
	}
	if err := sd.parseCertificates(r); err != nil {
		return nil, err
	}
	if crls, ok, err := r.Optional(tlv.ContextTag(1, true)); err != nil {
		return nil, err
	} else if ok {
		items, err := crls.Children()
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			sd.RawCRLs = append(sd.RawCRLs, item.Raw)
		}
	}
	signers, err := r.Expect(tlv.TagSet)
	if err != nil {
		return nil, err
	}
	if sd.SignerInfos, err = parseSignerInfos(signers); err != nil {
		return nil, err
	}
	return sd, r.Done()
}

// parseEncapsulated reads EncapsulatedContentInfo.
func (sd *SignedData) parseEncapsulated(n tlv.Node) error {
	r := tlv.NewReader(n.Value)
	typeNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return err
	}
	if sd.ContentType, err = typeNode.OID(); err != nil {
		return err
	}
	explicit, ok, err := r.Optional(tlv.ContextTag(0, true))
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("detached content is not supported")
	}
	octets, err := tlv.DecodeExact(explicit.Value)
	if err != nil {
		return err
	}
	if sd.Content, err = octetStringContent(octets); err != nil {
		return err
	}
	return r.Done()
}

// octetStringContent returns the content of a primitive OCTET STRING or the
// concatenated segments of a constructed (BER) one.
func octetStringContent(n tlv.Node) ([]byte, error) {
	switch n.Tag {
	case tlv.TagOctetString:
		return n.Value, nil
	case tlv.TagOctetString | 0x20:
		parts, err := n.Children()
		if err != nil {
			return nil, err
		}
		var out []byte
		for _, p := range parts {
			if p.Tag != tlv.TagOctetString {
				return nil, fmt.Errorf("%w: nested constructed OCTET STRING", tlv.ErrMalformed)
			}
			out = append(out, p.Value...)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: eContent is %s", tlv.ErrUnexpectedTag, n.Tag)
	}
}

// parseCertificates reads the optional certificates [0] IMPLICIT SET.
func (sd *SignedData) parseCertificates(r *tlv.Reader) error {
	certs, ok, err := r.Optional(tlv.ContextTag(0, true))
	if err != nil || !ok {
		return err
	}
	items, err := certs.Children()
	if err != nil {
		return err
	}
	for _, item := range items {
		if item.Tag != tlv.TagSequence {
			continue // other certificate formats (attribute certificates) are ignored
		}
		c, err := cert.Parse(item.Raw)
		if err != nil {
			return err
		}
		sd.Certificates = append(sd.Certificates, c)
	}
	return nil
}

// digestOf hashes data with h.
func digestOf(h crypto.Hash, data []byte) ([]byte, error) {
	if h == 0 || !h.Available() {
		return nil, fmt.Errorf("%w: digest %v", pkix.ErrUnsupportedAlgorithm, h)
	}
	d := h.New()
	d.Write(data)
	return d.Sum(nil), nil
}
