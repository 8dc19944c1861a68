package tlv

import (
	"bytes"
	"fmt"
)

// Normalize rewrites indefinite lengths to definite ones in the outermost
// layers of data (layer 0 is the top element). Elements deeper than layers
// must already use definite lengths and are copied byte for byte, so signed
// structures inside keep their original encoding. A definite-length element
// whose children needed no change is copied unchanged as well.
//
// The input must be exactly one element.
func (l Limits) Normalize(data []byte, layers int) ([]byte, error) {
	out, used, err := l.normalize(data, 0, layers)
	if err != nil {
		return nil, err
	}
	if used != len(data) {
		return nil, ErrTrailingData
	}
	return out, nil
}

// Normalize applies DefaultLimits.Normalize.
func Normalize(data []byte, layers int) ([]byte, error) {
	return DefaultLimits.Normalize(data, layers)
}

// normalize returns the re-encoded element at the start of data and the
// number of input bytes it occupied.
func (l Limits) normalize(data []byte, depth, layers int) ([]byte, int, error) {
	if depth > l.MaxDepth {
		return nil, 0, ErrTooDeep
	}
	tag, tagLen, err := readTag(data)
	if err != nil {
		return nil, 0, err
	}
	length, lenLen, indefinite, err := readLength(data[tagLen:])
	if err != nil {
		return nil, 0, err
	}
	head := tagLen + lenLen
	if !indefinite {
		return l.normalizeDefinite(data, tag, head, length, depth, layers)
	}
	if depth >= layers {
		return nil, 0, fmt.Errorf("%w: at depth %d", ErrIndefinite, depth)
	}
	if !tag.IsConstructed() {
		return nil, 0, fmt.Errorf("%w: primitive element with indefinite length", ErrMalformed)
	}
	content, used, err := l.normalizeUntilEOC(data[head:], depth+1, layers)
	if err != nil {
		return nil, 0, err
	}
	return Encode(tag, content), head + used, nil
}

// normalizeDefinite handles an element with a definite length.
func (l Limits) normalizeDefinite(data []byte, tag Tag, head, length, depth, layers int) ([]byte, int, error) {
	if length > l.MaxLength {
		return nil, 0, ErrTooLarge
	}
	if length > len(data)-head {
		return nil, 0, ErrTruncated
	}
	end := head + length
	raw := data[:end]
	if depth >= layers || !tag.IsConstructed() || !bytes.Contains(raw[head:], []byte{0x80}) {
		return raw, end, nil
	}
	var content []byte
	changed := false
	rest := data[head:end]
	for len(rest) > 0 {
		child, used, err := l.normalize(rest, depth+1, layers)
		if err != nil {
			return nil, 0, err
		}
		changed = changed || !bytes.Equal(child, rest[:used])
		content = append(content, child...)
		rest = rest[used:]
	}
	if !changed {
		return raw, end, nil
	}
	return Encode(tag, content), end, nil
}

// normalizeUntilEOC reads children until the end-of-contents marker 00 00.
func (l Limits) normalizeUntilEOC(data []byte, depth, layers int) ([]byte, int, error) {
	var content []byte
	pos := 0
	for {
		if len(data)-pos < 2 {
			return nil, 0, ErrTruncated
		}
		if data[pos] == 0 && data[pos+1] == 0 {
			return content, pos + 2, nil
		}
		child, used, err := l.normalize(data[pos:], depth, layers)
		if err != nil {
			return nil, 0, err
		}
		content = append(content, child...)
		if len(content) > l.MaxLength {
			return nil, 0, ErrTooLarge
		}
		pos += used
	}
}
