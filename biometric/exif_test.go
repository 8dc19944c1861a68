package biometric

import (
	"bytes"
	"encoding/binary"
	"image"
)

// exifTIFF builds a little-endian TIFF structure with an IFD0 holding an
// orientation (when non-zero) and a Software string (when non-empty).
func exifTIFF(orientation uint16, software string) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte
	}
	var entries []entry
	if orientation != 0 {
		v := make([]byte, 4)
		binary.LittleEndian.PutUint16(v, orientation)
		entries = append(entries, entry{tagOrientation, tiffTypeShort, 1, v})
	}
	if software != "" {
		entries = append(entries, entry{tagSoftware, tiffTypeASCII, uint32(len(software) + 1), append([]byte(software), 0)})
	}
	var buf bytes.Buffer
	buf.WriteString("II*\x00")
	_ = binary.Write(&buf, binary.LittleEndian, uint32(8))
	_ = binary.Write(&buf, binary.LittleEndian, uint16(len(entries)))
	dataOffset := uint32(8 + 2 + 12*len(entries) + 4)
	var data bytes.Buffer
	for _, e := range entries {
		_ = binary.Write(&buf, binary.LittleEndian, e.tag)
		_ = binary.Write(&buf, binary.LittleEndian, e.typ)
		_ = binary.Write(&buf, binary.LittleEndian, e.count)
		if len(e.value) <= 4 {
			v := make([]byte, 4)
			copy(v, e.value)
			buf.Write(v)
			continue
		}
		_ = binary.Write(&buf, binary.LittleEndian, dataOffset+uint32(data.Len()))
		data.Write(e.value)
	}
	_ = binary.Write(&buf, binary.LittleEndian, uint32(0))
	buf.Write(data.Bytes())
	return buf.Bytes()
}

// withEXIF inserts an APP1 EXIF segment right after a JPEG's SOI marker.
func withEXIF(jpegData, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	segment := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(segment[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpegData[:2]...)
	out = append(out, segment...)
	out = append(out, payload...)
	return append(out, jpegData[2:]...)
}

// rotateCounterClockwise turns an image a quarter turn to the left, which
// EXIF orientation 6 undoes.
func rotateCounterClockwise(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.SetRGBA(y, b.Dx()-1-x, src.RGBAAt(x, y))
		}
	}
	return out
}
