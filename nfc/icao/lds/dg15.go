package lds

import (
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/pkix"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ParseDG15 decodes DG15 (tag 6F holding the Active Authentication
// SubjectPublicKeyInfo, RSA or EC).
func ParseDG15(data []byte) (*pkix.PublicKey, error) {
	n, err := unwrap(data, TagDG15, "DG15")
	if err != nil {
		return nil, err
	}
	spki, err := tlv.DecodeExact(n.Value)
	if err != nil {
		return nil, fmt.Errorf("%w: DG15: %w", ErrMalformed, err)
	}
	return pkix.ParsePublicKeyInfoNode(spki)
}

// EncodeDG15 wraps a DER SubjectPublicKeyInfo as DG15.
func EncodeDG15(spki []byte) []byte {
	return tlv.Encode(TagDG15, spki)
}
