package trust

import (
	"bytes"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/crl"
)

// Store is a concurrency-safe set of CSCA certificates and CRLs.
type Store struct {
	mu        sync.RWMutex
	seen      map[[32]byte]bool
	bySubject map[string][]*cert.Certificate
	byKeyID   map[string][]*cert.Certificate
	crls      map[string][]*crl.List
	count     int
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		seen:      map[[32]byte]bool{},
		bySubject: map[string][]*cert.Certificate{},
		byKeyID:   map[string][]*cert.Certificate{},
		crls:      map[string][]*crl.List{},
	}
}

// Add inserts a CSCA certificate; duplicates are ignored. It reports whether
// the certificate was new.
func (s *Store) Add(c *cert.Certificate) bool {
	sum := sha256.Sum256(c.Raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[sum] {
		return false
	}
	s.seen[sum] = true
	key := c.Subject.Key()
	s.bySubject[key] = append(s.bySubject[key], c)
	if len(c.SubjectKeyID) > 0 {
		s.byKeyID[string(c.SubjectKeyID)] = append(s.byKeyID[string(c.SubjectKeyID)], c)
	}
	s.count++
	return true
}

// Len returns the number of distinct certificates.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.count
}

// AddMasterList verifies a master list (its signer must chain to one of
// roots, the configured trust anchors; the list's own CSCAs never count)
// and adds its certificates. It returns the number of new certificates, or
// ErrNoTrustAnchor without roots.
func (s *Store) AddMasterList(data []byte, roots ...*cert.Certificate) (int, error) {
	ml, err := ParseMasterList(data)
	if err != nil {
		return 0, err
	}
	if _, err := ml.Verify(roots); err != nil {
		return 0, err
	}
	added := 0
	for _, c := range ml.Certificates {
		if s.Add(c) {
			added++
		}
	}
	return added, nil
}

// ErrNoCertificate means a certificate file held no certificate.
var ErrNoCertificate = errors.New("trust: no certificate found")

// AddCertificateFile adds the certificates of a .cer/.crt/.pem file, DER or
// PEM (one or more CERTIFICATE blocks). It returns the number of new ones.
func (s *Store) AddCertificateFile(data []byte) (int, error) {
	certs, err := ParseCertificateFile(data)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, c := range certs {
		if s.Add(c) {
			added++
		}
	}
	return added, nil
}

// ParseCertificateFile decodes a DER certificate or PEM CERTIFICATE blocks.
func ParseCertificateFile(data []byte) ([]*cert.Certificate, error) {
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(trimmed, []byte("-----BEGIN")) {
		// DER as it is: its last byte, part of a signature, may well be
		// one that TrimSpace would take for white space.
		c, err := cert.Parse(data)
		if err != nil {
			return nil, err
		}
		return []*cert.Certificate{c}, nil
	}
	var certs []*cert.Certificate
	rest := trimmed
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := cert.Parse(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, ErrNoCertificate
	}
	return certs, nil
}

// Issuers returns the candidate issuers of c: CSCAs whose subject key
// identifier equals c's authority key identifier first, then CSCAs whose
// subject equals c's issuer name. Real master lists hold link certificates
// whose issuer name differs from the signing CSCA's subject while the key
// identifiers agree, so both indexes are consulted; the caller's signature
// check decides.
func (s *Store) Issuers(c *cert.Certificate) []*cert.Certificate {
	s.mu.RLock()
	byKey := s.byKeyID[string(c.AuthorityKeyID)]
	byName := s.bySubject[c.Issuer.Key()]
	s.mu.RUnlock()
	if len(c.AuthorityKeyID) == 0 {
		byKey = nil
	}
	out := append([]*cert.Certificate(nil), byKey...)
	for _, ca := range byName {
		if !slices.Contains(out, ca) {
			out = append(out, ca)
		}
	}
	return out
}

// ErrCRLIssuerUnknown means no CSCA in the store verified the CRL.
var ErrCRLIssuerUnknown = errors.New("trust: CRL issuer unknown or signature invalid")

// AddCRL verifies a DER CRL against the CSCAs of its issuer and keeps it.
func (s *Store) AddCRL(der []byte) error {
	l, err := crl.Parse(der)
	if err != nil {
		return err
	}
	key := l.Issuer.Key()
	s.mu.RLock()
	issuers := s.bySubject[key]
	s.mu.RUnlock()
	for _, ca := range issuers {
		if l.CheckSignatureFrom(ca) == nil {
			s.mu.Lock()
			s.crls[key] = append(s.crls[key], l)
			s.mu.Unlock()
			return nil
		}
	}
	return fmt.Errorf("%w: issuer %s", ErrCRLIssuerUnknown, l.Issuer)
}

// CRLs returns the verified CRLs of the named issuer that are current at t.
func (s *Store) CRLs(issuer cert.Name, t time.Time) []*crl.List {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*crl.List
	for _, l := range s.crls[issuer.Key()] {
		if l.CurrentAt(t) {
			out = append(out, l)
		}
	}
	return out
}
