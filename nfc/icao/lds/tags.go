package lds

import (
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ErrMalformed means an elementary file could not be decoded.
var ErrMalformed = errors.New("lds: malformed elementary file")

// Application tags of the elementary files (ICAO 9303-10).
const (
	TagCOM  tlv.Tag = 0x60
	TagDG1  tlv.Tag = 0x61
	TagDG2  tlv.Tag = 0x75
	TagDG11 tlv.Tag = 0x6B
	TagDG12 tlv.Tag = 0x6C
	TagDG14 tlv.Tag = 0x6E
	TagDG15 tlv.Tag = 0x6F
	TagSOD  tlv.Tag = 0x77
)

// dataGroupTags maps data group numbers 1–16 to their file tags.
var dataGroupTags = map[int]tlv.Tag{
	1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
	9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70,
}

// DataGroupTag returns the tag of data group n.
func DataGroupTag(n int) (tlv.Tag, bool) {
	t, ok := dataGroupTags[n]
	return t, ok
}

// unwrap decodes a file that must carry the given outer tag and returns its
// content. Trailing bytes after the element (chip read padding) are ignored.
func unwrap(data []byte, want tlv.Tag, name string) (tlv.Node, error) {
	n, _, err := tlv.Decode(data)
	if err != nil {
		return tlv.Node{}, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
	}
	if n.Tag != want {
		return tlv.Node{}, fmt.Errorf("%w: %s has tag %s, want %s", ErrMalformed, name, n.Tag, want)
	}
	if err := tlv.Validate(n.Raw); err != nil {
		return tlv.Node{}, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
	}
	return n, nil
}
