package tlv

import (
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// OID decodes the content of an OBJECT IDENTIFIER element.
func (n Node) OID() (asn1.ObjectIdentifier, error) {
	if n.Tag != TagOID {
		return nil, fmt.Errorf("%w: got %s, want OID", ErrUnexpectedTag, n.Tag)
	}
	return ParseOID(n.Value)
}

// ParseOID decodes OBJECT IDENTIFIER content octets.
func ParseOID(b []byte) (asn1.ObjectIdentifier, error) {
	if len(b) == 0 || len(b) > 64 {
		return nil, fmt.Errorf("%w: OID of %d octets", ErrMalformed, len(b))
	}
	var arcs []int
	v := 0
	for i, c := range b {
		if v == 0 && c == 0x80 {
			return nil, fmt.Errorf("%w: OID arc not minimal", ErrMalformed)
		}
		if v > 1<<24 {
			return nil, fmt.Errorf("%w: OID arc too large", ErrMalformed)
		}
		v = v<<7 | int(c&0x7F)
		if c&0x80 != 0 {
			if i == len(b)-1 {
				return nil, fmt.Errorf("%w: OID ends inside an arc", ErrMalformed)
			}
			continue
		}
		if len(arcs) == 0 {
			first := min(v/40, 2)
			arcs = append(arcs, first, v-40*first)
		} else {
			arcs = append(arcs, v)
		}
		v = 0
	}
	return arcs, nil
}

// EncodeOID returns the DER encoding of an OBJECT IDENTIFIER element.
func EncodeOID(oid asn1.ObjectIdentifier) []byte {
	if len(oid) < 2 {
		return Encode(TagOID, nil)
	}
	content := appendBase128(nil, oid[0]*40+oid[1])
	for _, arc := range oid[2:] {
		content = appendBase128(content, arc)
	}
	return Encode(TagOID, content)
}

// appendBase128 writes one OID arc in base-128 with continuation bits.
func appendBase128(out []byte, v int) []byte {
	var buf [10]byte
	i := len(buf) - 1
	buf[i] = byte(v & 0x7F)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		buf[i] = byte(v&0x7F) | 0x80
	}
	return append(out, buf[i:]...)
}

// BigInt decodes an INTEGER (or ENUMERATED) element as a signed two's
// complement number. Negative values are allowed: real CSCA certificates
// carry negative serial numbers.
func (n Node) BigInt() (*big.Int, error) {
	if n.Tag != TagInteger && n.Tag != TagEnumerated {
		return nil, fmt.Errorf("%w: got %s, want INTEGER", ErrUnexpectedTag, n.Tag)
	}
	return ParseBigInt(n.Value)
}

// ParseBigInt decodes two's complement INTEGER content octets.
func ParseBigInt(b []byte) (*big.Int, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty INTEGER", ErrMalformed)
	}
	v := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return v, nil
}

// Int decodes a small INTEGER such as a version number.
func (n Node) Int() (int, error) {
	v, err := n.BigInt()
	if err != nil {
		return 0, err
	}
	if !v.IsInt64() || v.Int64() > 1<<31 || v.Int64() < -(1<<31) {
		return 0, fmt.Errorf("%w: INTEGER out of range", ErrMalformed)
	}
	return int(v.Int64()), nil
}

// EncodeBigInt returns the DER encoding of an INTEGER element.
func EncodeBigInt(v *big.Int) []byte {
	if v.Sign() == 0 {
		return Encode(TagInteger, []byte{0})
	}
	if v.Sign() > 0 {
		b := v.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return Encode(TagInteger, b)
	}
	// Two's complement: the smallest size with -2^(8*size-1) <= v, then
	// 2^(8*size) + v, which has exactly size octets and the sign bit set.
	size := 1
	for new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(8*size-1))).Cmp(v) > 0 {
		size++
	}
	mod := new(big.Int).Lsh(big.NewInt(1), uint(size)*8)
	return Encode(TagInteger, new(big.Int).Add(mod, v).Bytes())
}

// EncodeInt returns the DER encoding of a small INTEGER.
func EncodeInt(v int) []byte {
	return EncodeBigInt(big.NewInt(int64(v)))
}

// Bool decodes a BOOLEAN element (any non-zero octet is true, as BER allows).
func (n Node) Bool() (bool, error) {
	if n.Tag != TagBoolean || len(n.Value) != 1 {
		return false, fmt.Errorf("%w: want BOOLEAN", ErrUnexpectedTag)
	}
	return n.Value[0] != 0, nil
}

// BitString decodes a BIT STRING and returns its bytes and the number of
// unused bits in the last byte.
func (n Node) BitString() ([]byte, int, error) {
	if n.Tag != TagBitString {
		return nil, 0, fmt.Errorf("%w: got %s, want BIT STRING", ErrUnexpectedTag, n.Tag)
	}
	if len(n.Value) == 0 || n.Value[0] > 7 || (len(n.Value) == 1 && n.Value[0] != 0) {
		return nil, 0, fmt.Errorf("%w: BIT STRING padding", ErrMalformed)
	}
	return n.Value[1:], int(n.Value[0]), nil
}

// Time decodes a UTCTime or GeneralizedTime element. Two-digit UTCTime years
// below 50 are in the 2000s, as RFC 5280 specifies.
func (n Node) Time() (time.Time, error) {
	s := string(n.Value)
	switch n.Tag {
	case TagUTCTime:
		return parseTime(s, true)
	case TagGeneralizedTime:
		return parseTime(s, false)
	default:
		return time.Time{}, fmt.Errorf("%w: got %s, want a time", ErrUnexpectedTag, n.Tag)
	}
}

// parseTime accepts the Zulu forms with or without seconds and with
// optional fractional seconds (GeneralizedTime), and explicit offsets.
func parseTime(s string, utc bool) (time.Time, error) {
	layouts := []string{"20060102150405Z0700", "200601021504Z0700", "20060102150405.999999999Z0700"}
	if utc {
		layouts = []string{"060102150405Z0700", "0601021504Z0700"}
	}
	for _, layout := range layouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if utc && t.Year() >= 2050 {
			t = t.AddDate(-100, 0, 0)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: unreadable time %q", ErrMalformed, s)
}

// String decodes the ASN.1 character string types met in certificate names
// and data groups into UTF-8 text.
func (n Node) String() (string, error) {
	switch n.Tag {
	case TagUTF8String, TagPrintableString, TagIA5String, TagT61String, 0x12, 0x1A:
		return latin1IfInvalid(n.Value), nil
	case TagBMPString:
		return decodeBMP(n.Value)
	case 0x1C:
		return decodeUniversal(n.Value)
	default:
		return "", fmt.Errorf("%w: got %s, want a string", ErrUnexpectedTag, n.Tag)
	}
}

// latin1IfInvalid returns b as text, reading it as Latin-1 when it is not
// valid UTF-8 (T61String values in old certificates are often Latin-1).
func latin1IfInvalid(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// decodeBMP decodes big-endian UTF-16.
func decodeBMP(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("%w: odd BMPString length", ErrMalformed)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u)), nil
}

// decodeUniversal decodes big-endian UTF-32.
func decodeUniversal(b []byte) (string, error) {
	if len(b)%4 != 0 {
		return "", fmt.Errorf("%w: UniversalString length", ErrMalformed)
	}
	r := make([]rune, len(b)/4)
	for i := range r {
		r[i] = rune(uint32(b[4*i])<<24 | uint32(b[4*i+1])<<16 | uint32(b[4*i+2])<<8 | uint32(b[4*i+3]))
	}
	return string(r), nil
}
