package trust

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/cms"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// OIDCscaMasterList is the eContentType of a CSCA master list (ICAO 9303-12).
var OIDCscaMasterList = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 2}

// Master list errors.
var (
	// ErrMasterListMalformed means the list could not be decoded.
	ErrMasterListMalformed = errors.New("trust: malformed master list")
	// ErrMasterListSignature means the list's signature or its signer's chain did not verify.
	ErrMasterListSignature = errors.New("trust: master list signature not verified")
	// ErrNoTrustAnchor means a master list was to be verified without any
	// configured trust anchor: a list cannot vouch for itself.
	ErrNoTrustAnchor = errors.New("trust: a master list needs a configured trust anchor (the CSCA certificate that signs it); none is configured")
)

// MasterList is a decoded CSCA master list.
type MasterList struct {
	// SignedData is the enclosing CMS structure.
	SignedData *cms.SignedData
	// Certificates are the CSCA certificates the list carries.
	Certificates []*cert.Certificate
}

// ParseMasterList decodes a master list without verifying it.
func ParseMasterList(data []byte) (*MasterList, error) {
	sd, err := cms.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMasterListMalformed, err)
	}
	if !sd.ContentType.Equal(OIDCscaMasterList) {
		return nil, fmt.Errorf("%w: content type %s", ErrMasterListMalformed, sd.ContentType)
	}
	certs, err := parseCertList(sd.Content)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMasterListMalformed, err)
	}
	return &MasterList{SignedData: sd, Certificates: certs}, nil
}

// parseCertList reads CscaMasterList ::= SEQUENCE { version, certList SET OF Certificate }.
func parseCertList(content []byte) ([]*cert.Certificate, error) {
	seq, err := tlv.DecodeExact(content)
	if err != nil {
		return nil, err
	}
	r, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	_, err1 := r.Expect(tlv.TagInteger)
	set, err2 := r.Expect(tlv.TagSet)
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return nil, err
	}
	items, err := set.Children()
	if err != nil {
		return nil, err
	}
	certs := make([]*cert.Certificate, 0, len(items))
	for i, item := range items {
		c, err := cert.Parse(item.Raw)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", i, err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// Verify checks that a SignerInfo of the list verifies with its signer
// certificate (carried in the SignedData, or one of roots) and that the
// signer certificate was signed by one of roots, the trust anchors the
// operator configured. The CSCAs the list carries never anchor its own
// signer: a list signed by one of its own certificates would otherwise
// vouch for itself. Without roots Verify fails with ErrNoTrustAnchor. It
// checks signatures only; validity periods of the list signer are not
// enforced, since lists are routinely used after their signer certificate
// expired.
func (ml *MasterList) Verify(roots []*cert.Certificate) (signer *cert.Certificate, err error) {
	if len(roots) == 0 {
		return nil, ErrNoTrustAnchor
	}
	sd := ml.SignedData
	candidates := append(append([]*cert.Certificate(nil), sd.Certificates...), roots...)
	var errs []error
	for i := range sd.SignerInfos {
		si := &sd.SignerInfos[i]
		candidate := si.FindSigner(candidates)
		if candidate == nil {
			errs = append(errs, errors.New("signer certificate not found"))
			continue
		}
		if err := si.Verify(sd.ContentType, sd.Content, candidate); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := chainsTo(candidate, roots); err != nil {
			errs = append(errs, err)
			continue
		}
		return candidate, nil
	}
	return nil, fmt.Errorf("%w: %w", ErrMasterListSignature, errors.Join(errs...))
}

// chainsTo verifies that c is signed by an anchor named as its issuer, by
// subject name or by key identifier. An anchor itself (c signed by its own
// key) passes the same way, since a root is self-signed.
func chainsTo(c *cert.Certificate, anchors []*cert.Certificate) error {
	var last error = errors.New("no issuer among the configured trust anchors")
	for _, a := range anchors {
		keyMatch := len(c.AuthorityKeyID) > 0 && bytes.Equal(c.AuthorityKeyID, a.SubjectKeyID)
		if !keyMatch && !c.Issuer.Equal(a.Subject) {
			continue
		}
		if err := c.CheckSignatureFrom(a); err != nil {
			last = err
			continue
		}
		return nil
	}
	return fmt.Errorf("signer chain: %w", last)
}
