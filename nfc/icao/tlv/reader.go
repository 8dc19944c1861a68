package tlv

import "fmt"

// Reader walks the elements of a constructed value in order, the way ASN.1
// SEQUENCE definitions are read: required, optional and remaining fields.
type Reader struct {
	data []byte
}

// NewReader returns a Reader over the content octets data.
func NewReader(data []byte) *Reader {
	return &Reader{data: data}
}

// ReaderOf returns a Reader over the children of n, which must carry tag want.
func ReaderOf(n Node, want Tag) (*Reader, error) {
	if n.Tag != want {
		return nil, fmt.Errorf("%w: got %s, want %s", ErrUnexpectedTag, n.Tag, want)
	}
	return NewReader(n.Value), nil
}

// Empty reports whether all elements were consumed.
func (r *Reader) Empty() bool {
	return len(r.data) == 0
}

// Next reads the next element whatever its tag.
func (r *Reader) Next() (Node, error) {
	n, rest, err := Decode(r.data)
	if err != nil {
		return Node{}, err
	}
	r.data = rest
	return n, nil
}

// PeekTag returns the tag of the next element without consuming it, or false
// when the reader is empty or the tag is malformed.
func (r *Reader) PeekTag() (Tag, bool) {
	t, _, err := readTag(r.data)
	if err != nil {
		return 0, false
	}
	return t, true
}

// Expect reads the next element and requires it to carry tag want.
func (r *Reader) Expect(want Tag) (Node, error) {
	t, ok := r.PeekTag()
	if !ok {
		return Node{}, fmt.Errorf("%w: missing element %s", ErrTruncated, want)
	}
	if t != want {
		return Node{}, fmt.Errorf("%w: got %s, want %s", ErrUnexpectedTag, t, want)
	}
	return r.Next()
}

// Optional reads the next element only when it carries tag want.
func (r *Reader) Optional(want Tag) (Node, bool, error) {
	t, ok := r.PeekTag()
	if !ok || t != want {
		return Node{}, false, nil
	}
	n, err := r.Next()
	return n, err == nil, err
}

// Done returns ErrTrailingData when elements remain unread.
func (r *Reader) Done() error {
	if !r.Empty() {
		return ErrTrailingData
	}
	return nil
}
