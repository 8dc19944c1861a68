package lds

import (
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/mrz"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// tagMRZ is the MRZ data element inside DG1.
const tagMRZ tlv.Tag = 0x5F1F

// ParseDG1 decodes DG1 (tag 61 holding 5F1F) and parses its MRZ with every
// check digit verified. A check digit failure is returned as an error that
// matches mrz.ErrCheckDigit.
func ParseDG1(data []byte) (*mrz.MRZ, error) {
	n, err := unwrap(data, TagDG1, "DG1")
	if err != nil {
		return nil, err
	}
	r := tlv.NewReader(n.Value)
	field, err := r.Expect(tagMRZ)
	if err != nil {
		return nil, fmt.Errorf("%w: DG1: %w", ErrMalformed, err)
	}
	return mrz.Parse(string(field.Value))
}

// EncodeDG1 wraps MRZ text (lines concatenated without separators) as DG1.
func EncodeDG1(mrzText string) []byte {
	return tlv.Encode(TagDG1, tlv.Encode(tagMRZ, []byte(mrzText)))
}
