package biometric

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// imageMetadata is what the container metadata says about an image's
// origin. It never holds personal data: only software names and flags.
type imageMetadata struct {
	orientation     int
	software        string
	modifyDate      string
	originalDate    string
	photoshopBlock  bool
	xmpEditHistory  bool
	xmpCreatorTool  string
	pngSoftwareText string
}

// editingSoftware are lower-case fragments of the names of image editors
// and face-retouching apps.
var editingSoftware = []string{
	"photoshop", "gimp", "lightroom", "snapseed", "pixelmator", "affinity",
	"paint.net", "canva", "facetune", "faceapp", "meitu", "picsart",
	"photoscape", "fotor", "airbrush", "remini", "photopea", "krita",
	"youcam", "beautyplus", "photodirector", "luminar", "capture one",
}

// editingTraces lists human-readable reasons found in the metadata; empty
// when the metadata shows no sign of editing.
func (m imageMetadata) editingTraces() []string {
	var traces []string
	for _, tool := range []string{m.software, m.xmpCreatorTool, m.pngSoftwareText} {
		if name := matchEditor(tool); name != "" {
			traces = append(traces, "editing software "+name)
		}
	}
	if m.photoshopBlock {
		traces = append(traces, "Photoshop resource block")
	}
	if m.xmpEditHistory {
		traces = append(traces, "XMP edit history")
	}
	if m.modifyDate != "" && m.originalDate != "" && m.modifyDate != m.originalDate {
		traces = append(traces, "modification date differs from capture date")
	}
	return traces
}

// matchEditor returns the editor named in s, or "".
func matchEditor(s string) string {
	lower := strings.ToLower(s)
	for _, name := range editingSoftware {
		if strings.Contains(lower, name) {
			return name
		}
	}
	return ""
}

// readMetadata reads the metadata of a JPEG or PNG; other formats yield an
// empty result.
func readMetadata(data []byte, format string) imageMetadata {
	switch format {
	case "jpeg":
		return readJPEGMetadata(data)
	case "png":
		return readPNGMetadata(data)
	default:
		return imageMetadata{}
	}
}

var (
	exifHeader      = []byte("Exif\x00\x00")
	xmpHeader       = []byte("http://ns.adobe.com/xap/1.0/\x00")
	photoshopHeader = []byte("Photoshop 3.0\x00")
)

// readJPEGMetadata walks the JPEG marker segments up to the start of scan.
func readJPEGMetadata(data []byte) imageMetadata {
	var m imageMetadata
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return m
	}
	for pos := 2; pos+4 <= len(data); {
		if data[pos] != 0xFF {
			return m
		}
		marker := data[pos+1]
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xFF {
			pos += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			return m
		}
		length := int(binary.BigEndian.Uint16(data[pos+2:]))
		if length < 2 || pos+2+length > len(data) {
			return m
		}
		payload := data[pos+4 : pos+2+length]
		switch {
		case marker == 0xE1 && bytes.HasPrefix(payload, exifHeader):
			readTIFF(payload[len(exifHeader):], &m)
		case marker == 0xE1 && bytes.HasPrefix(payload, xmpHeader):
			readXMP(payload[len(xmpHeader):], &m)
		case marker == 0xED && bytes.HasPrefix(payload, photoshopHeader):
			m.photoshopBlock = true
		}
		pos += 2 + length
	}
	return m
}

// readXMP looks for editing traces in an XMP packet.
func readXMP(packet []byte, m *imageMetadata) {
	text := string(packet)
	if strings.Contains(text, "xmpMM:History") || strings.Contains(text, "photoshop:History") {
		m.xmpEditHistory = true
	}
	if i := strings.Index(text, "CreatorTool"); i >= 0 {
		m.xmpCreatorTool = truncate(text[i:], 120)
	}
	if i := strings.Index(text, "softwareAgent"); i >= 0 && m.xmpCreatorTool == "" {
		m.xmpCreatorTool = truncate(text[i:], 120)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TIFF tags read from EXIF.
const (
	tagOrientation      = 0x0112
	tagSoftware         = 0x0131
	tagDateTime         = 0x0132
	tagExifIFD          = 0x8769
	tagDateTimeOriginal = 0x9003
	tiffTypeASCII       = 2
	tiffTypeShort       = 3
	tiffTypeLong        = 4
)

// readTIFF reads IFD0 and the EXIF sub-IFD of a TIFF structure.
func readTIFF(tiff []byte, m *imageMetadata) {
	if len(tiff) < 8 {
		return
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return
	}
	ifd0 := order.Uint32(tiff[4:])
	exifIFD := readIFD(tiff, order, ifd0, m)
	if exifIFD != 0 && exifIFD != ifd0 {
		readIFD(tiff, order, exifIFD, m)
	}
}

// readIFD reads the entries of one IFD into m and returns the EXIF sub-IFD
// offset when IFD0 holds one.
func readIFD(tiff []byte, order binary.ByteOrder, offset uint32, m *imageMetadata) uint32 {
	if uint64(offset)+2 > uint64(len(tiff)) {
		return 0
	}
	count := int(order.Uint16(tiff[offset:]))
	var exifIFD uint32
	for i := 0; i < count; i++ {
		e := int(offset) + 2 + 12*i
		if e+12 > len(tiff) {
			return exifIFD
		}
		tag, typ := order.Uint16(tiff[e:]), order.Uint16(tiff[e+2:])
		n := order.Uint32(tiff[e+4:])
		value := tiff[e+8 : e+12]
		switch {
		case tag == tagOrientation && typ == tiffTypeShort:
			m.orientation = int(order.Uint16(value))
		case tag == tagExifIFD && typ == tiffTypeLong:
			exifIFD = order.Uint32(value)
		case typ == tiffTypeASCII:
			storeASCII(tag, tiffASCII(tiff, order, n, value), m)
		}
	}
	return exifIFD
}

func storeASCII(tag uint16, s string, m *imageMetadata) {
	switch tag {
	case tagSoftware:
		m.software = s
	case tagDateTime:
		m.modifyDate = s
	case tagDateTimeOriginal:
		m.originalDate = s
	}
}

// tiffASCII returns an ASCII value stored inline (up to 4 bytes) or at an
// offset, without its terminating NULs.
func tiffASCII(tiff []byte, order binary.ByteOrder, n uint32, value []byte) string {
	var raw []byte
	if n <= 4 {
		raw = value[:n]
	} else {
		off := order.Uint32(value)
		if uint64(off)+uint64(n) > uint64(len(tiff)) {
			return ""
		}
		raw = tiff[off : off+n]
	}
	return strings.TrimRight(string(raw), "\x00 ")
}

// readPNGMetadata reads tEXt and iTXt chunks whose keyword is Software.
func readPNGMetadata(data []byte) imageMetadata {
	var m imageMetadata
	const sigLen = 8
	for pos := sigLen; pos+12 <= len(data); {
		length := int(binary.BigEndian.Uint32(data[pos:]))
		kind := string(data[pos+4 : pos+8])
		if length < 0 || pos+12+length > len(data) {
			return m
		}
		chunk := data[pos+8 : pos+8+length]
		if (kind == "tEXt" || kind == "iTXt") && bytes.HasPrefix(chunk, []byte("Software\x00")) {
			m.pngSoftwareText = truncate(string(chunk[len("Software\x00"):]), 120)
		}
		if kind == "IEND" {
			return m
		}
		pos += 12 + length
	}
	return m
}
