package portrait

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
)

// sizSpec is what a synthetic SIZ marker segment declares.
type sizSpec struct {
	width, height, tileW, tileH uint32
	components                  int
}

// j2kHeader builds SOC, a SIZ marker segment and a few bytes of padding:
// enough for the header check, nothing a decoder could decode.
func j2kHeader(s sizSpec) []byte {
	seg := []byte{0xFF, 0x4F, 0xFF, 0x51}
	seg = binary.BigEndian.AppendUint16(seg, uint16(38+3*s.components))
	seg = binary.BigEndian.AppendUint16(seg, 0) // Rsiz
	for _, v := range []uint32{s.width, s.height, 0, 0, s.tileW, s.tileH, 0, 0} {
		seg = binary.BigEndian.AppendUint32(seg, v)
	}
	seg = binary.BigEndian.AppendUint16(seg, uint16(s.components))
	for range s.components {
		seg = append(seg, 7, 1, 1) // 8-bit unsigned, no subsampling
	}
	return append(seg, 0xFF, 0x52, 0x00, 0x02)
}

// jp2Wrap puts a codestream into a minimal JP2 file: signature, ftyp and
// jp2c boxes.
func jp2Wrap(cs []byte) []byte {
	out := append([]byte(nil), jp2Signature...)
	out = append(out, 0x0D, 0x0A, 0x87, 0x0A)
	ftyp := []byte("jp2 \x00\x00\x00\x00jp2 ")
	out = binary.BigEndian.AppendUint32(out, uint32(8+len(ftyp)))
	out = append(append(out, "ftyp"...), ftyp...)
	out = binary.BigEndian.AppendUint32(out, uint32(8+len(cs)))
	return append(append(out, "jp2c"...), cs...)
}

func TestReadJ2KSize(t *testing.T) {
	cs := j2kHeader(sizSpec{width: 60, height: 72, tileW: 60, tileH: 72, components: 3})
	for name, data := range map[string][]byte{"codestream": cs, "jp2": jp2Wrap(cs)} {
		size, err := readJ2KSize(data)
		require.NoError(t, err, name)
		assert.Equal(t, j2kSize{width: 60, height: 72, components: 3, tiles: 1}, size, name)
	}
	size, err := readJ2KSize(j2kHeader(sizSpec{width: 1000, height: 500, tileW: 256, tileH: 256, components: 1}))
	require.NoError(t, err)
	assert.Equal(t, uint64(4*2), size.tiles)
}

// TestJPEG2000HeaderCheckedBeforeOpenJPEG refuses oversized or broken
// headers without running opj_decompress: the decoder path names a tool
// that does not exist, so reaching it would answer ErrJPEG2000Unavailable.
func TestJPEG2000HeaderCheckedBeforeOpenJPEG(t *testing.T) {
	noTool := Decoder{OPJDecompress: "/nonexistent/opj_decompress"}
	huge := sizSpec{width: 40000, height: 40000, tileW: 40000, tileH: 40000, components: 3}
	tests := []struct {
		name string
		dec  Decoder
		data []byte
		want error
	}{
		{"40000×40000 codestream", noTool, j2kHeader(huge), ErrTooLarge},
		{"40000×40000 in a JP2 file", noTool, jp2Wrap(j2kHeader(huge)), ErrTooLarge},
		{"above a configured cap", Decoder{OPJDecompress: noTool.OPJDecompress, MaxPixels: 100 * 100},
			j2kHeader(sizSpec{width: 101, height: 100, tileW: 101, tileH: 100, components: 1}), ErrTooLarge},
		{"too many components", noTool, j2kHeader(sizSpec{width: 10, height: 10, tileW: 10, tileH: 10, components: 200}), ErrTooLarge},
		{"too many tiles", noTool, j2kHeader(sizSpec{width: 4000, height: 4000, tileW: 1, tileH: 1, components: 1}), ErrUndecodable},
		{"zero tile size", noTool, j2kHeader(sizSpec{width: 10, height: 10, components: 1}), ErrUndecodable},
		{"no SIZ after SOC", noTool, []byte{0xFF, 0x4F, 0xFF, 0x52, 0, 2}, ErrUndecodable},
		{"truncated SIZ", noTool, j2kHeader(huge)[:30], ErrUndecodable},
		{"JP2 without codestream box", noTool, jp2Signature, ErrUndecodable},
		{"a readable small header reaches the tool", noTool,
			j2kHeader(sizSpec{width: 60, height: 72, tileW: 60, tileH: 72, components: 3}), ErrJPEG2000Unavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.dec.Decode(context.Background(), lds.Face{Format: lds.ImageJPEG2000, Image: tc.data})
			assert.ErrorIs(t, err, tc.want)
			assert.Nil(t, p)
		})
	}
}

func TestReadJ2KSizeOfOpenJPEGOutput(t *testing.T) {
	for _, ext := range []string{".jp2", ".j2k"} {
		data := encodeJPEG2000(t, gradient(60, 72), ext)
		size, err := readJ2KSize(data)
		require.NoError(t, err, ext)
		assert.Equal(t, uint64(60), size.width, ext)
		assert.Equal(t, uint64(72), size.height, ext)
		assert.Equal(t, uint64(3), size.components, ext)
	}
}
