// Package crl parses X.509 certificate revocation lists (RFC 5280) issued by
// CSCAs, verifies them against the issuing CSCA and answers whether a
// document signer certificate is revoked.
package crl

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ErrMalformed means the CRL structure could not be decoded.
var ErrMalformed = errors.New("crl: malformed revocation list")

// Entry is one revoked certificate.
type Entry struct {
	// SerialNumber is the revoked certificate's serial.
	SerialNumber *big.Int
	// RevocationTime is when it was revoked.
	RevocationTime time.Time
}

// List is a parsed CertificateList.
type List struct {
	// Raw is the complete encoding.
	Raw []byte
	// RawTBS is the signed tbsCertList.
	RawTBS []byte
	// Issuer is the issuing CSCA's name.
	Issuer cert.Name
	// ThisUpdate and NextUpdate bound the list's freshness; NextUpdate is zero when absent.
	ThisUpdate, NextUpdate time.Time
	// Revoked lists the revoked certificates.
	Revoked []Entry
	// SignatureAlgorithm is the outer signature algorithm.
	SignatureAlgorithm pkix.SignatureAlgorithm
	// SignatureAlgorithmErr explains an unsupported algorithm.
	SignatureAlgorithmErr error
	// Signature is the signature value.
	Signature []byte
}

// Parse decodes a DER CRL.
func Parse(der []byte) (*List, error) {
	if err := tlv.Validate(der); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	outer, _ := tlv.DecodeExact(der)
	l, err := parse(outer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return l, nil
}

// parse reads CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }.
func parse(outer tlv.Node) (*List, error) {
	r, err := tlv.ReaderOf(outer, tlv.TagSequence)
	if err != nil {
		return nil, err
	}
	tbs, err1 := r.Expect(tlv.TagSequence)
	alg, err2 := r.Expect(tlv.TagSequence)
	sig, err3 := r.Expect(tlv.TagBitString)
	if err := errors.Join(err1, err2, err3, r.Done()); err != nil {
		return nil, err
	}
	l := &List{Raw: outer.Raw, RawTBS: tbs.Raw}
	l.SignatureAlgorithm, l.SignatureAlgorithmErr = pkix.ParseSignatureAlgorithm(alg)
	if l.Signature, _, err = sig.BitString(); err != nil {
		return nil, err
	}
	return l, l.parseTBS(tbs)
}

// parseTBS reads the tbsCertList fields.
func (l *List) parseTBS(tbs tlv.Node) error {
	r := tlv.NewReader(tbs.Value)
	if _, _, err := r.Optional(tlv.TagInteger); err != nil {
		return err
	}
	_, err1 := r.Expect(tlv.TagSequence)
	issuer, err2 := r.Expect(tlv.TagSequence)
	this, err3 := r.Next()
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	var err error
	if l.Issuer, err = cert.ParseName(issuer); err != nil {
		return err
	}
	if l.ThisUpdate, err = this.Time(); err != nil {
		return err
	}
	if t, ok := r.PeekTag(); ok && (t == tlv.TagUTCTime || t == tlv.TagGeneralizedTime) {
		next, _ := r.Next()
		if l.NextUpdate, err = next.Time(); err != nil {
			return err
		}
	}
	if revoked, ok, err := r.Optional(tlv.TagSequence); err != nil {
		return err
	} else if ok {
		if l.Revoked, err = parseEntries(revoked); err != nil {
			return err
		}
	}
	_, _, err = r.Optional(tlv.ContextTag(0, true))
	return errors.Join(err, r.Done())
}

// parseEntries reads revokedCertificates.
func parseEntries(n tlv.Node) ([]Entry, error) {
	items, err := n.Children()
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(items))
	for _, item := range items {
		r, err := tlv.ReaderOf(item, tlv.TagSequence)
		if err != nil {
			return nil, err
		}
		serialNode, err1 := r.Expect(tlv.TagInteger)
		when, err2 := r.Next()
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		serial, err1 := serialNode.BigInt()
		t, err2 := when.Time()
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		entries = append(entries, Entry{SerialNumber: serial, RevocationTime: t})
	}
	return entries, nil
}

// CheckSignatureFrom verifies that issuer signed the list.
func (l *List) CheckSignatureFrom(issuer *cert.Certificate) error {
	if l.SignatureAlgorithmErr != nil {
		return l.SignatureAlgorithmErr
	}
	if issuer.PublicKeyErr != nil {
		return issuer.PublicKeyErr
	}
	return pkix.Verify(issuer.PublicKey, l.SignatureAlgorithm, l.RawTBS, l.Signature)
}

// IsRevoked reports whether the certificate with the given serial, issued
// by this list's issuer, was revoked at or before t.
func (l *List) IsRevoked(serial *big.Int, t time.Time) bool {
	for _, e := range l.Revoked {
		if e.SerialNumber.Cmp(serial) == 0 && !e.RevocationTime.After(t) {
			return true
		}
	}
	return false
}

// CurrentAt reports whether the list is current at t: issued before t and
// not past its next update.
func (l *List) CurrentAt(t time.Time) bool {
	if t.Before(l.ThisUpdate) {
		return false
	}
	return l.NextUpdate.IsZero() || !t.After(l.NextUpdate)
}
