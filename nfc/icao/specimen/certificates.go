package specimen

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Subject describes the distinguished name of a specimen certificate.
type Subject struct {
	// Country is the two-letter country code (C).
	Country string
	// Organization is the O attribute (optional).
	Organization string
	// CommonName is the CN attribute.
	CommonName string
}

// encode writes the Name as C, O, CN relative distinguished names.
func (s Subject) encode() []byte {
	rdn := func(oid asn1.ObjectIdentifier, tag tlv.Tag, value string) []byte {
		atv := tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(oid), tlv.Encode(tag, []byte(value)))
		return tlv.EncodeConstructed(tlv.TagSet, atv)
	}
	var rdns [][]byte
	if s.Country != "" {
		rdns = append(rdns, rdn(asn1.ObjectIdentifier{2, 5, 4, 6}, tlv.TagPrintableString, s.Country))
	}
	if s.Organization != "" {
		rdns = append(rdns, rdn(asn1.ObjectIdentifier{2, 5, 4, 10}, tlv.TagUTF8String, s.Organization))
	}
	if s.CommonName != "" {
		rdns = append(rdns, rdn(asn1.ObjectIdentifier{2, 5, 4, 3}, tlv.TagUTF8String, s.CommonName))
	}
	return tlv.EncodeConstructed(tlv.TagSequence, rdns...)
}

// Validity bounds a certificate's validity period.
type Validity struct {
	NotBefore, NotAfter time.Time
}

// Authority is a key with its certificate: a CSCA or a document signer.
type Authority struct {
	// Key is the private key.
	Key *Key
	// DER is the certificate encoding.
	DER []byte
	// Certificate is the parsed certificate.
	Certificate *cert.Certificate
}

// NewCSCA creates a self-signed CSCA certificate for key.
func NewCSCA(key *Key, subject Subject, validity Validity) (*Authority, error) {
	der, err := buildCertificate(certificateSpec{
		subject: subject.encode(), issuer: subject.encode(), validity: validity,
		subjectKey: key, issuerKey: key, ca: true,
	})
	if err != nil {
		return nil, err
	}
	return newAuthority(key, der)
}

// Issue creates a document signer certificate for key, signed by a.
func (a *Authority) Issue(key *Key, subject Subject, validity Validity) (*Authority, error) {
	der, err := buildCertificate(certificateSpec{
		subject: subject.encode(), issuer: a.Certificate.Subject.Raw, validity: validity,
		subjectKey: key, issuerKey: a.Key, authorityKeyID: a.Certificate.SubjectKeyID,
	})
	if err != nil {
		return nil, err
	}
	return newAuthority(key, der)
}

// newAuthority parses the certificate just built.
func newAuthority(key *Key, der []byte) (*Authority, error) {
	c, err := cert.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("specimen: built certificate does not parse: %w", err)
	}
	return &Authority{Key: key, DER: der, Certificate: c}, nil
}

// certificateSpec gathers the inputs of buildCertificate.
type certificateSpec struct {
	subject, issuer       []byte
	validity              Validity
	subjectKey, issuerKey *Key
	ca                    bool
	authorityKeyID        []byte
}

// buildCertificate writes and signs an X.509 v3 certificate.
func buildCertificate(s certificateSpec) ([]byte, error) {
	spki, err := s.subjectKey.PublicKeyInfo()
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	ski := sha1.Sum(spki)
	sigAlg := s.issuerKey.SignatureAlgorithm()
	tbs := tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeConstructed(tlv.ContextTag(0, true), tlv.EncodeInt(2)),
		tlv.EncodeBigInt(serial.Add(serial, big.NewInt(1))),
		sigAlg, s.issuer,
		tlv.EncodeConstructed(tlv.TagSequence, encodeTime(s.validity.NotBefore), encodeTime(s.validity.NotAfter)),
		s.subject, spki,
		tlv.EncodeConstructed(tlv.ContextTag(3, true), extensions(s.ca, ski[:], s.authorityKeyID)))
	sig, err := s.issuerKey.Sign(tbs)
	if err != nil {
		return nil, err
	}
	return tlv.EncodeConstructed(tlv.TagSequence, tbs, sigAlg, bitString(sig)), nil
}

// extensions writes basicConstraints, keyUsage and the key identifiers.
func extensions(ca bool, ski, aki []byte) []byte {
	ext := func(oid asn1.ObjectIdentifier, critical bool, value []byte) []byte {
		parts := [][]byte{tlv.EncodeOID(oid)}
		if critical {
			parts = append(parts, tlv.Encode(tlv.TagBoolean, []byte{0xFF}))
		}
		return tlv.EncodeConstructed(tlv.TagSequence, append(parts, tlv.Encode(tlv.TagOctetString, value))...)
	}
	usage := []byte{0x07, 0x80} // digitalSignature
	var basic []byte
	if ca {
		usage = []byte{0x01, 0x06} // keyCertSign, cRLSign
		basic = tlv.Encode(tlv.TagBoolean, []byte{0xFF})
	}
	list := [][]byte{
		ext(asn1.ObjectIdentifier{2, 5, 29, 15}, true, tlv.Encode(tlv.TagBitString, usage)),
		ext(asn1.ObjectIdentifier{2, 5, 29, 14}, false, tlv.Encode(tlv.TagOctetString, ski)),
	}
	if ca {
		list = append(list, ext(asn1.ObjectIdentifier{2, 5, 29, 19}, true, tlv.Encode(tlv.TagSequence, basic)))
	}
	if len(aki) > 0 {
		akiValue := tlv.EncodeConstructed(tlv.TagSequence, tlv.Encode(tlv.ContextTag(0, false), aki))
		list = append(list, ext(asn1.ObjectIdentifier{2, 5, 29, 35}, false, akiValue))
	}
	return tlv.EncodeConstructed(tlv.TagSequence, list...)
}

// encodeTime writes UTCTime for years 1950–2049 and GeneralizedTime otherwise.
func encodeTime(t time.Time) []byte {
	t = t.UTC()
	if t.Year() >= 1950 && t.Year() < 2050 {
		return tlv.Encode(tlv.TagUTCTime, []byte(t.Format("060102150405Z")))
	}
	return tlv.Encode(tlv.TagGeneralizedTime, []byte(t.Format("20060102150405Z")))
}

// IssueCRL creates a CRL signed by a that revokes the given serial numbers.
func (a *Authority) IssueCRL(revoked []*big.Int, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	sigAlg := a.Key.SignatureAlgorithm()
	fields := [][]byte{tlv.EncodeInt(1), sigAlg, a.Certificate.Subject.Raw, encodeTime(thisUpdate), encodeTime(nextUpdate)}
	if len(revoked) > 0 {
		entries := make([][]byte, 0, len(revoked))
		for _, serial := range revoked {
			entries = append(entries, tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeBigInt(serial), encodeTime(thisUpdate)))
		}
		fields = append(fields, tlv.EncodeConstructed(tlv.TagSequence, entries...))
	}
	tbs := tlv.EncodeConstructed(tlv.TagSequence, fields...)
	sig, err := a.Key.Sign(tbs)
	if err != nil {
		return nil, err
	}
	return tlv.EncodeConstructed(tlv.TagSequence, tbs, sigAlg, bitString(sig)), nil
}
