package tlv

// Encode returns the DER encoding of one element with the given tag and
// content octets, using the minimal length form.
func Encode(tag Tag, value []byte) []byte {
	out := appendTag(nil, tag)
	out = appendLength(out, len(value))
	return append(out, value...)
}

// EncodeConstructed encodes an element whose content is the concatenation of
// the already encoded children.
func EncodeConstructed(tag Tag, children ...[]byte) []byte {
	size := 0
	for _, c := range children {
		size += len(c)
	}
	content := make([]byte, 0, size)
	for _, c := range children {
		content = append(content, c...)
	}
	return Encode(tag, content)
}

// appendTag writes the tag octets, most significant first.
func appendTag(out []byte, tag Tag) []byte {
	switch {
	case tag > 0xFFFFFF:
		return append(out, byte(tag>>24), byte(tag>>16), byte(tag>>8), byte(tag))
	case tag > 0xFFFF:
		return append(out, byte(tag>>16), byte(tag>>8), byte(tag))
	case tag > 0xFF:
		return append(out, byte(tag>>8), byte(tag))
	default:
		return append(out, byte(tag))
	}
}

// appendLength writes a definite length in its minimal form.
func appendLength(out []byte, n int) []byte {
	if n < 0x80 {
		return append(out, byte(n))
	}
	var buf [4]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte(n)
		n >>= 8
	}
	out = append(out, 0x80|byte(len(buf)-i))
	return append(out, buf[i:]...)
}
