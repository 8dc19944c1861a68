package lds

import (
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/cms"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// OIDLDSSecurityObject is the eContentType of EF.SOD.
var OIDLDSSecurityObject = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}

// sodLayers normalises the 77 wrapper plus the CMS outer layers.
const sodLayers = 7

// SOD is a decoded document security object.
type SOD struct {
	// SignedData is the CMS structure signed by the document signer.
	SignedData *cms.SignedData
	// Version is the LDSSecurityObject version (0 for LDS 1.7, 1 for 1.8).
	Version int
	// HashAlgorithm hashes the data groups; zero with HashErr when unsupported.
	HashAlgorithm crypto.Hash
	// HashErr explains an unsupported hash algorithm.
	HashErr error
	// DataGroupHashes maps data group numbers to their hash values.
	DataGroupHashes map[int][]byte
	// Fingerprint is the SHA-256 of the EF.SOD bytes as received, for
	// spotting the same document security object across sessions.
	Fingerprint [32]byte
}

// ParseSOD decodes EF.SOD: tag 77 wrapping a CMS ContentInfo whose content
// is an LDSSecurityObject.
func ParseSOD(data []byte) (*SOD, error) {
	normalized, err := tlv.Normalize(trimPadding(data), sodLayers)
	if err != nil {
		return nil, fmt.Errorf("%w: EF.SOD: %w", ErrMalformed, err)
	}
	outer, err := unwrap(normalized, TagSOD, "EF.SOD")
	if err != nil {
		return nil, err
	}
	sd, err := cms.Parse(outer.Value)
	if err != nil {
		return nil, fmt.Errorf("%w: EF.SOD: %w", ErrMalformed, err)
	}
	if !sd.ContentType.Equal(OIDLDSSecurityObject) {
		return nil, fmt.Errorf("%w: EF.SOD content type %s", ErrMalformed, sd.ContentType)
	}
	sod := &SOD{SignedData: sd, Fingerprint: sha256.Sum256(data)}
	if err := sod.parseSecurityObject(sd.Content); err != nil {
		return nil, fmt.Errorf("%w: LDS security object: %w", ErrMalformed, err)
	}
	return sod, nil
}

// trimPadding drops bytes after the first element, which chip reads of a
// whole file may leave behind; malformed input is returned unchanged.
func trimPadding(data []byte) []byte {
	if n, _, err := tlv.Decode(data); err == nil {
		return n.Raw
	}
	return data
}

// parseSecurityObject reads LDSSecurityObject ::= SEQUENCE { version,
// hashAlgorithm, dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo OPTIONAL }.
func (s *SOD) parseSecurityObject(content []byte) error {
	seq, err := tlv.DecodeExact(content)
	if err != nil {
		return err
	}
	r, err := tlv.ReaderOf(seq, tlv.TagSequence)
	if err != nil {
		return err
	}
	version, err1 := r.Expect(tlv.TagInteger)
	alg, err2 := r.Expect(tlv.TagSequence)
	hashes, err3 := r.Expect(tlv.TagSequence)
	_, _, err4 := r.Optional(tlv.TagSequence)
	if err := errors.Join(err1, err2, err3, err4, r.Done()); err != nil {
		return err
	}
	if s.Version, err = version.Int(); err != nil {
		return err
	}
	s.HashAlgorithm, s.HashErr = pkix.ParseDigestAlgorithm(alg)
	return s.parseHashes(hashes)
}

// parseHashes reads the DataGroupHash entries; numbers must be 1–16 and unique.
func (s *SOD) parseHashes(n tlv.Node) error {
	items, err := n.Children()
	if err != nil {
		return err
	}
	s.DataGroupHashes = make(map[int][]byte, len(items))
	for _, item := range items {
		r, err := tlv.ReaderOf(item, tlv.TagSequence)
		if err != nil {
			return err
		}
		numNode, err1 := r.Expect(tlv.TagInteger)
		valNode, err2 := r.Expect(tlv.TagOctetString)
		if err := errors.Join(err1, err2, r.Done()); err != nil {
			return err
		}
		num, err := numNode.Int()
		if err != nil || num < 1 || num > 16 {
			return fmt.Errorf("data group number out of range")
		}
		if _, dup := s.DataGroupHashes[num]; dup {
			return fmt.Errorf("data group %d hashed twice", num)
		}
		s.DataGroupHashes[num] = valNode.Value
	}
	return nil
}

// EncodeSecurityObject writes an LDSSecurityObject (version 0) for the given
// hash algorithm and data group hashes, in ascending group order.
func EncodeSecurityObject(h crypto.Hash, hashes map[int][]byte) ([]byte, error) {
	oid, ok := pkix.DigestOID(h)
	if !ok {
		return nil, fmt.Errorf("%w: digest %v", pkix.ErrUnsupportedAlgorithm, h)
	}
	var entries [][]byte
	for num := 1; num <= 16; num++ {
		if v, ok := hashes[num]; ok {
			entries = append(entries, tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeInt(num), tlv.Encode(tlv.TagOctetString, v)))
		}
	}
	return tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeInt(0),
		tlv.EncodeConstructed(tlv.TagSequence, tlv.EncodeOID(oid)),
		tlv.EncodeConstructed(tlv.TagSequence, entries...)), nil
}
