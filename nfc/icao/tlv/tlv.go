package tlv

import (
	"errors"
	"fmt"
)

// Tag is a BER tag in its encoded form read as a big-endian number, for
// example 0x30 (SEQUENCE), 0xA0 (context-specific constructed [0]) or 0x5F1F
// (the MRZ data element of DG1).
type Tag uint32

// IsConstructed reports whether the tag's first byte has the constructed bit set.
func (t Tag) IsConstructed() bool {
	return t.firstByte()&0x20 != 0
}

// firstByte returns the leading identifier octet of the tag.
func (t Tag) firstByte() byte {
	v := uint32(t)
	for v > 0xFF {
		v >>= 8
	}
	return byte(v)
}

// String renders the tag in hexadecimal, as ICAO documents write tags.
func (t Tag) String() string {
	return fmt.Sprintf("%X", uint32(t))
}

// Universal ASN.1 tags used across the ICAO packages.
const (
	TagBoolean         Tag = 0x01
	TagInteger         Tag = 0x02
	TagBitString       Tag = 0x03
	TagOctetString     Tag = 0x04
	TagNull            Tag = 0x05
	TagOID             Tag = 0x06
	TagEnumerated      Tag = 0x0A
	TagUTF8String      Tag = 0x0C
	TagPrintableString Tag = 0x13
	TagT61String       Tag = 0x14
	TagIA5String       Tag = 0x16
	TagUTCTime         Tag = 0x17
	TagGeneralizedTime Tag = 0x18
	TagBMPString       Tag = 0x1E
	TagSequence        Tag = 0x30
	TagSet             Tag = 0x31
)

// ContextTag returns the tag of a context-specific element [n] (n < 31).
func ContextTag(n int, constructed bool) Tag {
	t := Tag(0x80 | n)
	if constructed {
		t |= 0x20
	}
	return t
}

// Errors returned by the decoder. They are wrapped with positional context.
var (
	// ErrTruncated means the input ended inside a tag, length or value.
	ErrTruncated = errors.New("tlv: truncated input")
	// ErrTooLarge means an element exceeded the configured size cap.
	ErrTooLarge = errors.New("tlv: element exceeds size limit")
	// ErrTooDeep means nesting exceeded the configured depth cap.
	ErrTooDeep = errors.New("tlv: nesting exceeds depth limit")
	// ErrIndefinite means an indefinite length was met where only definite lengths are allowed.
	ErrIndefinite = errors.New("tlv: indefinite length not allowed here")
	// ErrMalformed means the encoding is not valid BER.
	ErrMalformed = errors.New("tlv: malformed encoding")
	// ErrUnexpectedTag means an element had another tag than the one required.
	ErrUnexpectedTag = errors.New("tlv: unexpected tag")
	// ErrTrailingData means bytes remained after the expected elements.
	ErrTrailingData = errors.New("tlv: trailing data")
)

// Limits bounds decoding work on untrusted input.
type Limits struct {
	// MaxLength is the largest accepted value length in bytes.
	MaxLength int
	// MaxDepth is the deepest accepted nesting of constructed elements.
	MaxDepth int
}

// DefaultLimits fit every ICAO object: master lists are about one megabyte and
// certificates nest about ten levels deep.
var DefaultLimits = Limits{MaxLength: 16 << 20, MaxDepth: 32}

// Node is one decoded TLV element. Raw and Value alias the input buffer.
type Node struct {
	// Tag is the element's tag.
	Tag Tag
	// Raw is the complete encoding: tag, length and value.
	Raw []byte
	// Value is the content octets.
	Value []byte
}

// Constructed reports whether the element's content is itself a series of TLVs.
func (n Node) Constructed() bool {
	return n.Tag.IsConstructed()
}

// Decode reads one definite-length element from the start of data using
// DefaultLimits and returns it with the remaining bytes.
func Decode(data []byte) (Node, []byte, error) {
	return DefaultLimits.Decode(data)
}

// Decode reads one definite-length element from the start of data and returns
// it with the remaining bytes.
func (l Limits) Decode(data []byte) (Node, []byte, error) {
	tag, tagLen, err := readTag(data)
	if err != nil {
		return Node{}, nil, err
	}
	length, lenLen, indefinite, err := readLength(data[tagLen:])
	if err != nil {
		return Node{}, nil, err
	}
	if indefinite {
		return Node{}, nil, ErrIndefinite
	}
	if length > l.MaxLength {
		return Node{}, nil, ErrTooLarge
	}
	head := tagLen + lenLen
	if length > len(data)-head {
		return Node{}, nil, ErrTruncated
	}
	end := head + length
	return Node{Tag: tag, Raw: data[:end:end], Value: data[head:end:end]}, data[end:], nil
}

// DecodeExact reads exactly one element that must fill data completely.
func DecodeExact(data []byte) (Node, error) {
	n, rest, err := Decode(data)
	if err != nil {
		return Node{}, err
	}
	if len(rest) != 0 {
		return Node{}, ErrTrailingData
	}
	return n, nil
}

// Children decodes the content of a constructed element as a series of TLVs.
func (n Node) Children() ([]Node, error) {
	if !n.Constructed() {
		return nil, fmt.Errorf("%w: tag %s is primitive", ErrMalformed, n.Tag)
	}
	return DecodeAll(n.Value)
}

// DecodeAll decodes data as a series of consecutive elements.
func DecodeAll(data []byte) ([]Node, error) {
	var nodes []Node
	for len(data) > 0 {
		n, rest, err := Decode(data)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		data = rest
	}
	return nodes, nil
}

// readTag parses a tag of one or more octets (at most four).
func readTag(data []byte) (Tag, int, error) {
	if len(data) == 0 {
		return 0, 0, ErrTruncated
	}
	t := Tag(data[0])
	if data[0]&0x1F != 0x1F {
		return t, 1, nil
	}
	for i := 1; i < len(data); i++ {
		if i >= 4 {
			return 0, 0, fmt.Errorf("%w: tag longer than four octets", ErrMalformed)
		}
		t = t<<8 | Tag(data[i])
		if data[i]&0x80 == 0 {
			return t, i + 1, nil
		}
	}
	return 0, 0, ErrTruncated
}

// readLength parses a BER length. It accepts non-minimal long forms, which
// occur on real chips, and reports the indefinite form (0x80) separately.
func readLength(data []byte) (length, size int, indefinite bool, err error) {
	if len(data) == 0 {
		return 0, 0, false, ErrTruncated
	}
	b := data[0]
	if b < 0x80 {
		return int(b), 1, false, nil
	}
	if b == 0x80 {
		return 0, 1, true, nil
	}
	count := int(b & 0x7F)
	if count > 4 {
		return 0, 0, false, fmt.Errorf("%w: length of %d octets", ErrTooLarge, count)
	}
	if len(data) < 1+count {
		return 0, 0, false, ErrTruncated
	}
	v := 0
	for _, c := range data[1 : 1+count] {
		v = v<<8 | int(c)
	}
	if v < 0 || v > 1<<30 {
		return 0, 0, false, ErrTooLarge
	}
	return v, 1 + count, false, nil
}
