package tlv

import "fmt"

// Validate checks that data is exactly one well-formed definite-length
// element whose constructed descendants all decode within the limits.
// Parsers call it once on untrusted input before reading fields, so that
// later recursive reads cannot exceed the depth cap.
func (l Limits) Validate(data []byte) error {
	n, rest, err := l.Decode(data)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return ErrTrailingData
	}
	return l.walk(n, 1)
}

// Validate checks data against DefaultLimits.
func Validate(data []byte) error {
	return DefaultLimits.Validate(data)
}

// walk descends into constructed elements up to the depth cap.
func (l Limits) walk(n Node, depth int) error {
	if !n.Constructed() {
		return nil
	}
	if depth > l.MaxDepth {
		return ErrTooDeep
	}
	data := n.Value
	for len(data) > 0 {
		child, rest, err := l.Decode(data)
		if err != nil {
			return fmt.Errorf("inside %s: %w", n.Tag, err)
		}
		if err := l.walk(child, depth+1); err != nil {
			return err
		}
		data = rest
	}
	return nil
}
