package tlv

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the bounded decoder, the tree walk and
// the BER normaliser. None may panic; valid definite input normalises to
// itself, and any normalised output decodes as exactly one element.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x05})
	f.Add([]byte{0x30, 0x80, 0xA0, 0x80, 0x02, 0x01, 0x05, 0, 0, 0, 0})
	f.Add([]byte{0x5F, 0x1F, 0x02, 'P', '<'})
	f.Add([]byte{0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := Limits{MaxLength: 1 << 16, MaxDepth: 16}
		if n, _, err := limits.Decode(data); err == nil && n.Constructed() {
			_, _ = n.Children()
		}
		valid := limits.Validate(data) == nil
		out, err := limits.Normalize(data, 4)
		if valid && (err != nil || !bytes.Equal(out, data)) {
			t.Fatalf("valid definite input changed by Normalize: %v", err)
		}
		if err == nil {
			if _, derr := DecodeExact(out); derr != nil {
				t.Fatalf("normalised output does not decode: %v", derr)
			}
		}
	})
}
