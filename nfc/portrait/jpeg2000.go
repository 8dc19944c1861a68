package portrait

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// jp2Signature starts a JP2 file (the signature box); anything else is
// taken as a raw JPEG 2000 codestream.
var jp2Signature = []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20}

// jpeg2000Extension tells opj_decompress the container by file name.
func jpeg2000Extension(data []byte) string {
	if bytes.HasPrefix(data, jp2Signature) {
		return ".jp2"
	}
	return ".j2k"
}

// Limits of a JPEG 2000 header that are refused before opj_decompress runs.
const (
	// maxComponents is the most image components a portrait has (grey,
	// RGB, with alpha).
	maxComponents = 4
	// maxTiles is the most tiles a codestream may have (ISO/IEC 15444-1:
	// tile indexes are 16-bit, 0 to 65534).
	maxTiles = 65535
)

// errJ2KHeader means the JPEG 2000 header could not be read.
var errJ2KHeader = errors.New("portrait: JPEG 2000 header unreadable")

// j2kSize is what the SIZ marker segment declares.
type j2kSize struct {
	width, height, components, tiles uint64
}

// readJ2KSize finds the codestream (inside a JP2 file's jp2c box, or the
// data itself) and reads its SIZ marker segment, which must follow the SOC
// marker (ISO/IEC 15444-1 A.5.1).
func readJ2KSize(data []byte) (j2kSize, error) {
	cs, err := codestream(data)
	if err != nil {
		return j2kSize{}, err
	}
	return readSIZ(cs)
}

// codestream returns the contiguous codestream of a JP2 file, walking its
// top-level boxes, or data itself when it is not a JP2 file.
func codestream(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, jp2Signature) {
		return data, nil
	}
	rest := data
	for len(rest) >= 8 {
		length, header := uint64(binary.BigEndian.Uint32(rest)), uint64(8)
		switch length {
		case 0:
			length = uint64(len(rest))
		case 1:
			if len(rest) < 16 {
				return nil, errJ2KHeader
			}
			length, header = binary.BigEndian.Uint64(rest[8:16]), 16
		}
		if length < header || length > uint64(len(rest)) {
			return nil, errJ2KHeader
		}
		if string(rest[4:8]) == "jp2c" {
			return rest[header:length], nil
		}
		rest = rest[length:]
	}
	return nil, errJ2KHeader
}

// readSIZ decodes SOC followed by SIZ: Lsiz, Rsiz, Xsiz, Ysiz, XOsiz,
// YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz, Csiz and 3 bytes per component.
func readSIZ(cs []byte) (j2kSize, error) {
	if len(cs) < 6 || cs[0] != 0xFF || cs[1] != 0x4F || cs[2] != 0xFF || cs[3] != 0x51 {
		return j2kSize{}, errJ2KHeader
	}
	lsiz := int(binary.BigEndian.Uint16(cs[4:6]))
	if lsiz < 41 || len(cs) < 4+lsiz {
		return j2kSize{}, errJ2KHeader
	}
	seg := cs[6 : 4+lsiz]
	u32 := func(off int) uint64 { return uint64(binary.BigEndian.Uint32(seg[off:])) }
	xsiz, ysiz, xo, yo := u32(2), u32(6), u32(10), u32(14)
	xt, yt, xto, yto := u32(18), u32(22), u32(26), u32(30)
	csiz := int(binary.BigEndian.Uint16(seg[34:36]))
	if lsiz != 38+3*csiz || csiz == 0 {
		return j2kSize{}, errJ2KHeader
	}
	if xsiz <= xo || ysiz <= yo || xt == 0 || yt == 0 || xto > xo || yto > yo || xto+xt <= xo || yto+yt <= yo {
		return j2kSize{}, errJ2KHeader
	}
	for c := range csiz {
		if seg[36+3*c+1] == 0 || seg[36+3*c+2] == 0 {
			return j2kSize{}, errJ2KHeader
		}
	}
	tiles := ceilDiv(xsiz-xto, xt) * ceilDiv(ysiz-yto, yt)
	return j2kSize{width: xsiz - xo, height: ysiz - yo, components: uint64(csiz), tiles: tiles}, nil
}

// ceilDiv divides rounding up.
func ceilDiv(a, b uint64) uint64 {
	return (a + b - 1) / b
}

// checkJ2KSize refuses, from the header alone, a JPEG 2000 image that is
// unreadable or larger than the decoder's caps, so that opj_decompress
// never allocates for it.
func (d Decoder) checkJ2KSize(data []byte) error {
	size, err := readJ2KSize(data)
	if err != nil {
		return ErrUndecodable
	}
	if size.tiles > maxTiles {
		return ErrUndecodable
	}
	if size.components > maxComponents || size.width*size.height > uint64(d.MaxPixels) {
		return ErrTooLarge
	}
	return nil
}
