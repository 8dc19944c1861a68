package lds

import (
	"crypto"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Security protocol object identifiers met in DG14.
var (
	// OIDActiveAuthenticationInfo announces the ECDSA AA signature algorithm.
	OIDActiveAuthenticationInfo = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 5}
	// prefixChipAuthentication is id-CA (BSI TR-03110).
	prefixChipAuthentication = "0.4.0.127.0.7.2.2.3."
	// prefixChipAuthenticationKey is id-PK.
	prefixChipAuthenticationKey = "0.4.0.127.0.7.2.2.1."
)

// DG14 records the SecurityInfos of DG14. Chip Authentication itself is not
// performed here; the infos are recorded so that callers can report them.
type DG14 struct {
	// Protocols lists every SecurityInfo protocol OID in order.
	Protocols []asn1.ObjectIdentifier
	// ChipAuthentication reports a ChipAuthenticationInfo or key info.
	ChipAuthentication bool
	// AAHash is the digest named by ActiveAuthenticationInfo, zero when absent.
	AAHash crypto.Hash
	// AASignatureScheme is the scheme named by ActiveAuthenticationInfo.
	AASignatureScheme pkix.Scheme
}

// ParseDG14 decodes DG14 (tag 6E holding SET OF SecurityInfo).
func ParseDG14(data []byte) (*DG14, error) {
	n, err := unwrap(data, TagDG14, "DG14")
	if err != nil {
		return nil, err
	}
	set, err := tlv.DecodeExact(n.Value)
	if err != nil || set.Tag != tlv.TagSet {
		return nil, fmt.Errorf("%w: DG14 SecurityInfos", ErrMalformed)
	}
	infos, err := set.Children()
	if err != nil {
		return nil, fmt.Errorf("%w: DG14: %w", ErrMalformed, err)
	}
	d := &DG14{}
	for _, info := range infos {
		if err := d.record(info); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// record reads SecurityInfo ::= SEQUENCE { protocol, requiredData, optionalData OPTIONAL }.
func (d *DG14) record(info tlv.Node) error {
	r, err := tlv.ReaderOf(info, tlv.TagSequence)
	if err != nil {
		return fmt.Errorf("%w: DG14 SecurityInfo: %w", ErrMalformed, err)
	}
	protoNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return fmt.Errorf("%w: DG14 SecurityInfo: %w", ErrMalformed, err)
	}
	proto, err := protoNode.OID()
	if err != nil {
		return fmt.Errorf("%w: DG14: %w", ErrMalformed, err)
	}
	d.Protocols = append(d.Protocols, proto)
	s := proto.String() + "."
	switch {
	case strings.HasPrefix(s, prefixChipAuthentication), strings.HasPrefix(s, prefixChipAuthenticationKey):
		d.ChipAuthentication = true
	case proto.Equal(OIDActiveAuthenticationInfo):
		return d.recordAAInfo(r)
	}
	return nil
}

// recordAAInfo reads ActiveAuthenticationInfo's version and signatureAlgorithm.
func (d *DG14) recordAAInfo(r *tlv.Reader) error {
	if _, err := r.Expect(tlv.TagInteger); err != nil {
		return fmt.Errorf("%w: ActiveAuthenticationInfo: %w", ErrMalformed, err)
	}
	algNode, err := r.Expect(tlv.TagOID)
	if err != nil {
		return fmt.Errorf("%w: ActiveAuthenticationInfo: %w", ErrMalformed, err)
	}
	// The algorithm is a bare OID; wrap it as an AlgorithmIdentifier to reuse the table.
	alg, err := pkix.ParseSignatureAlgorithm(tlv.Node{Tag: tlv.TagSequence, Value: algNode.Raw})
	if err != nil {
		return err
	}
	d.AAHash, d.AASignatureScheme = alg.Hash, alg.Scheme
	return nil
}
