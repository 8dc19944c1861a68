package cert

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ErrMalformed means the certificate structure could not be decoded.
var ErrMalformed = errors.New("cert: malformed certificate")

// Certificate is a parsed X.509 v1–v3 certificate.
type Certificate struct {
	// Raw is the complete DER encoding.
	Raw []byte
	// RawTBS is the encoding of tbsCertificate, the signed bytes.
	RawTBS []byte
	// Version is the X.509 version number (1, 2 or 3).
	Version int
	// SerialNumber may be negative or zero in real CSCA certificates.
	SerialNumber *big.Int
	// Issuer and Subject are the distinguished names.
	Issuer, Subject Name
	// NotBefore and NotAfter bound the validity period.
	NotBefore, NotAfter time.Time
	// RawSubjectPublicKeyInfo is the encoding of the SPKI.
	RawSubjectPublicKeyInfo []byte
	// PublicKey is the decoded key, nil when PublicKeyErr is set.
	PublicKey *pkix.PublicKey
	// PublicKeyErr explains why the key could not be used.
	PublicKeyErr error
	// SignatureAlgorithm is the outer signature algorithm.
	SignatureAlgorithm pkix.SignatureAlgorithm
	// SignatureAlgorithmErr explains why the algorithm is unsupported.
	SignatureAlgorithmErr error
	// Signature is the signature value.
	Signature []byte
	// Extensions lists all extensions.
	Extensions []Extension
	// BasicConstraintsValid reports that basicConstraints was present.
	BasicConstraintsValid bool
	// IsCA is the basicConstraints cA flag.
	IsCA bool
	// MaxPathLen is the pathLenConstraint, -1 when absent.
	MaxPathLen int
	// KeyUsage is the keyUsage bit set, zero when absent.
	KeyUsage KeyUsage
	// SubjectKeyID and AuthorityKeyID are the key identifier extensions.
	SubjectKeyID, AuthorityKeyID []byte
}

// Parse decodes a DER certificate.
func Parse(der []byte) (*Certificate, error) {
	if err := tlv.Validate(der); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	outer, _ := tlv.DecodeExact(der)
	c, err := parse(outer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return c, nil
}

// parse reads Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
func parse(outer tlv.Node) (*Certificate, error) {
	r, err := tlv.ReaderOf(outer, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	tbs, err1 := r.Expect(tlv.TagSequence)
	algNode, err2 := r.Expect(tlv.TagSequence)
	sigNode, err3 := r.Expect(tlv.TagBitString)
	if err := errors.Join(err1, err2, err3, r.Done()); err != nil {
		return nil, err
	}
	c := &Certificate{Raw: outer.Raw, RawTBS: tbs.Raw, MaxPathLen: -1}
	c.SignatureAlgorithm, c.SignatureAlgorithmErr = pkix.ParseSignatureAlgorithm(algNode)
	sig, unused, err := sigNode.BitString()
	if err != nil || unused != 0 {
		return nil, fmt.Errorf("signature bits: %w", errors.Join(err, tlv.ErrMalformed))
	}
	c.Signature = sig
	if err := c.parseTBS(tbs); err != nil {
		return nil, err
	}
	return c, nil
}

// parseTBS reads the tbsCertificate fields.
func (c *Certificate) parseTBS(tbs tlv.Node) error {
	r := tlv.NewReader(tbs.Value)
	c.Version = 1
	if v, ok, err := r.Optional(tlv.ContextTag(0, true)); err != nil {
		return err
	} else if ok {
		inner, err := tlv.DecodeExact(v.Value)
		if err != nil {
			return err
		}
		version, err := inner.Int()
		if err != nil || version < 0 || version > 2 {
			return fmt.Errorf("version: %w", errors.Join(err, tlv.ErrMalformed))
		}
		c.Version = version + 1
	}
	serial, err1 := r.Expect(tlv.TagInteger)
	_, err2 := r.Expect(tlv.TagSequence) // inner signature algorithm, repeated outside
	issuer, err3 := r.Expect(tlv.TagSequence)
	validity, err4 := r.Expect(tlv.TagSequence)
	subject, err5 := r.Expect(tlv.TagSequence)
	spki, err6 := r.Expect(tlv.TagSequence)
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return err
	}
	var err error
	if c.SerialNumber, err = serial.BigInt(); err != nil {
		return fmt.Errorf("serial: %w", err)
	}
	if c.Issuer, err = ParseName(issuer); err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	if c.Subject, err = ParseName(subject); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	if err := c.parseValidity(validity); err != nil {
		return err
	}
	c.RawSubjectPublicKeyInfo = spki.Raw
	c.PublicKey, c.PublicKeyErr = pkix.ParsePublicKeyInfoNode(spki)
	return c.parseOptionalTBS(r)
}

// parseValidity reads Validity ::= SEQUENCE { notBefore, notAfter }.
func (c *Certificate) parseValidity(n tlv.Node) error {
	r := tlv.NewReader(n.Value)
	nb, err1 := r.Next()
	na, err2 := r.Next()
	if err := errors.Join(err1, err2, r.Done()); err != nil {
		return fmt.Errorf("validity: %w", err)
	}
	var err error
	if c.NotBefore, err = nb.Time(); err != nil {
		return fmt.Errorf("notBefore: %w", err)
	}
	if c.NotAfter, err = na.Time(); err != nil {
		return fmt.Errorf("notAfter: %w", err)
	}
	return nil
}

// parseOptionalTBS reads issuerUniqueID [1], subjectUniqueID [2] and extensions [3].
func (c *Certificate) parseOptionalTBS(r *tlv.Reader) error {
	for _, tag := range []tlv.Tag{tlv.ContextTag(1, false), tlv.ContextTag(2, false)} {
		if _, _, err := r.Optional(tag); err != nil {
			return err
		}
	}
	if ext, ok, err := r.Optional(tlv.ContextTag(3, true)); err != nil {
		return err
	} else if ok {
		inner, err := tlv.DecodeExact(ext.Value)
		if err != nil {
			return err
		}
		if c.Extensions, err = parseExtensions(inner); err != nil {
			return fmt.Errorf("extensions: %w", err)
		}
		if err := c.applyExtensions(); err != nil {
			return err
		}
	}
	return r.Done()
}

// ValidAt reports whether t lies within the validity period (inclusive).
func (c *Certificate) ValidAt(t time.Time) bool {
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}

// SelfIssued reports whether issuer and subject are the same name.
func (c *Certificate) SelfIssued() bool {
	return c.Issuer.Equal(c.Subject)
}

// CheckSignatureFrom verifies that parent's key signed c. The signature
// algorithm comes from c, the key from parent.
func (c *Certificate) CheckSignatureFrom(parent *Certificate) error {
	if c.SignatureAlgorithmErr != nil {
		return c.SignatureAlgorithmErr
	}
	if parent.PublicKeyErr != nil {
		return parent.PublicKeyErr
	}
	return pkix.Verify(parent.PublicKey, c.SignatureAlgorithm, c.RawTBS, c.Signature)
}

// IssuedBy reports whether parent plausibly issued c: the names match and,
// when both key identifiers are present, they match too.
func (c *Certificate) IssuedBy(parent *Certificate) bool {
	if !c.Issuer.Equal(parent.Subject) {
		return false
	}
	if len(c.AuthorityKeyID) > 0 && len(parent.SubjectKeyID) > 0 {
		return string(c.AuthorityKeyID) == string(parent.SubjectKeyID)
	}
	return true
}
