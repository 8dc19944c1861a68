package lds

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ImageFormat is the encoding of a facial image.
type ImageFormat int

// Facial image encodings found in DG2.
const (
	ImageUnknown ImageFormat = iota
	ImageJPEG
	ImageJPEG2000
)

// String names the format.
func (f ImageFormat) String() string {
	switch f {
	case ImageJPEG:
		return "JPEG"
	case ImageJPEG2000:
		return "JPEG2000"
	default:
		return "unknown"
	}
}

// Biometric template tags of DG2 (ICAO 9303-10, ISO/IEC 7816-11).
const (
	tagBiometricGroup    tlv.Tag = 0x7F61
	tagBiometricInfo     tlv.Tag = 0x7F60
	tagBiometricHeader   tlv.Tag = 0xA1
	tagBiometricData     tlv.Tag = 0x5F2E
	tagBiometricDataExt  tlv.Tag = 0x7F2E
	tagInstanceCount     tlv.Tag = 0x02
	tagFormatOwner       tlv.Tag = 0x87
	tagFormatType        tlv.Tag = 0x88
	faceRecordHeaderSize         = 14
	faceInfoSize                 = 20
	featurePointSize             = 8
	imageInfoSize                = 12
)

// Face is one facial image extracted from DG2.
type Face struct {
	// Format is the image encoding.
	Format ImageFormat
	// Width and Height are the declared dimensions (zero when unknown).
	Width, Height int
	// Image is the encoded image.
	Image []byte
}

// ParseDG2 extracts the facial images of DG2. ISO/IEC 19794-5 records
// ("FAC\0") are read field by field; other biometric data blocks, such as
// the ASN.1 encoded ISO/IEC 39794-5 records, are searched for the JPEG or
// JPEG 2000 image they contain.
func ParseDG2(data []byte) ([]Face, error) {
	n, err := unwrap(data, TagDG2, "DG2")
	if err != nil {
		return nil, err
	}
	group, err := tlv.DecodeExact(n.Value)
	if err != nil || group.Tag != tagBiometricGroup {
		return nil, fmt.Errorf("%w: DG2 biometric information group template", ErrMalformed)
	}
	items, err := group.Children()
	if err != nil {
		return nil, fmt.Errorf("%w: DG2: %w", ErrMalformed, err)
	}
	var faces []Face
	for _, item := range items {
		if item.Tag != tagBiometricInfo {
			continue
		}
		found, err := facesInTemplate(item)
		if err != nil {
			return nil, err
		}
		faces = append(faces, found...)
	}
	if len(faces) == 0 {
		return nil, fmt.Errorf("%w: DG2 holds no facial image", ErrMalformed)
	}
	return faces, nil
}

// facesInTemplate reads the biometric data block of one 7F60 template.
func facesInTemplate(t tlv.Node) ([]Face, error) {
	children, err := t.Children()
	if err != nil {
		return nil, fmt.Errorf("%w: DG2 template: %w", ErrMalformed, err)
	}
	for _, c := range children {
		if c.Tag == tagBiometricData || c.Tag == tagBiometricDataExt {
			return parseBiometricData(c.Value)
		}
	}
	return nil, fmt.Errorf("%w: DG2 template without biometric data", ErrMalformed)
}

// parseBiometricData dispatches on the record format.
func parseBiometricData(b []byte) ([]Face, error) {
	if bytes.HasPrefix(b, []byte("FAC\x00")) {
		return parse19794(b)
	}
	face, ok := findImage(b)
	if !ok {
		return nil, fmt.Errorf("%w: biometric data block holds no JPEG or JPEG 2000 image", ErrMalformed)
	}
	return []Face{face}, nil
}

// errShort reports a truncated 19794-5 record.
var errShort = errors.New("truncated ISO/IEC 19794-5 record")

// parse19794 reads an ISO/IEC 19794-5:2005 facial record: a 14-byte header,
// then per face a 20-byte information block, feature points, a 12-byte
// image information block and the image data.
func parse19794(b []byte) ([]Face, error) {
	if len(b) < faceRecordHeaderSize {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, errShort)
	}
	count := int(binary.BigEndian.Uint16(b[12:14]))
	pos := faceRecordHeaderSize
	faces := make([]Face, 0, count)
	for range count {
		if len(b)-pos < faceInfoSize {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, errShort)
		}
		blockLen := int(binary.BigEndian.Uint32(b[pos : pos+4]))
		points := int(binary.BigEndian.Uint16(b[pos+4 : pos+6]))
		end := pos + blockLen
		imageAt := pos + faceInfoSize + points*featurePointSize
		if blockLen < faceInfoSize || end > len(b) || imageAt+imageInfoSize > end {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, errShort)
		}
		info := b[imageAt : imageAt+imageInfoSize]
		face := Face{
			Width:  int(binary.BigEndian.Uint16(info[2:4])),
			Height: int(binary.BigEndian.Uint16(info[4:6])),
			Image:  b[imageAt+imageInfoSize : end],
		}
		face.Format = formatOf(info[1], face.Image)
		faces = append(faces, face)
		pos = end
	}
	return faces, nil
}

// formatOf maps the 19794-5 image data type (0 JPEG, 1 JPEG 2000), falling
// back to the image's magic bytes.
func formatOf(dataType byte, image []byte) ImageFormat {
	switch dataType {
	case 0:
		return ImageJPEG
	case 1:
		return ImageJPEG2000
	}
	if f, ok := sniff(image); ok {
		return f
	}
	return ImageUnknown
}

// Image signatures.
var (
	magicJPEG     = []byte{0xFF, 0xD8, 0xFF}
	magicJP2      = []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A}
	magicJ2KCodes = []byte{0xFF, 0x4F, 0xFF, 0x51}
)

// sniff identifies an image by its leading bytes.
func sniff(image []byte) (ImageFormat, bool) {
	switch {
	case bytes.HasPrefix(image, magicJPEG):
		return ImageJPEG, true
	case bytes.HasPrefix(image, magicJP2), bytes.HasPrefix(image, magicJ2KCodes):
		return ImageJPEG2000, true
	default:
		return ImageUnknown, false
	}
}

// findImage locates an embedded image by its signature and returns the rest
// of the enclosing element, or of the block when the image is not wrapped in
// a TLV that can be identified.
func findImage(b []byte) (Face, bool) {
	for _, magic := range [][]byte{magicJPEG, magicJP2, magicJ2KCodes} {
		at := bytes.Index(b, magic)
		if at < 0 {
			continue
		}
		format, _ := sniff(b[at:])
		return Face{Format: format, Image: imageExtent(b, at)}, true
	}
	return Face{}, false
}

// imageExtent returns the image starting at offset at: when the bytes before
// it form a TLV header whose length ends inside b, that length is used.
func imageExtent(b []byte, at int) []byte {
	for head := 2; head <= 6 && head <= at; head++ {
		n, _, err := tlv.Decode(b[at-head:])
		if err == nil && len(n.Raw)-len(n.Value) == head && !n.Constructed() {
			return n.Value
		}
	}
	return b[at:]
}

// EncodeDG2 wraps one JPEG or JPEG 2000 image in an ISO/IEC 19794-5 facial
// record inside the DG2 biometric templates. Descriptive fields are left
// unspecified (zero); width and height are declared as given.
func EncodeDG2(image []byte, format ImageFormat, width, height int) []byte {
	dataType := byte(0)
	if format == ImageJPEG2000 {
		dataType = 1
	}
	faceBlock := make([]byte, faceInfoSize+imageInfoSize, faceInfoSize+imageInfoSize+len(image))
	binary.BigEndian.PutUint32(faceBlock[0:4], uint32(faceInfoSize+imageInfoSize+len(image)))
	info := faceBlock[faceInfoSize:]
	info[0] = 1 // full frontal
	info[1] = dataType
	binary.BigEndian.PutUint16(info[2:4], uint16(width))
	binary.BigEndian.PutUint16(info[4:6], uint16(height))
	info[6] = 1 // 24-bit RGB
	faceBlock = append(faceBlock, image...)

	record := make([]byte, faceRecordHeaderSize, faceRecordHeaderSize+len(faceBlock))
	copy(record, "FAC\x00010\x00")
	binary.BigEndian.PutUint32(record[8:12], uint32(faceRecordHeaderSize+len(faceBlock)))
	binary.BigEndian.PutUint16(record[12:14], 1)
	record = append(record, faceBlock...)

	header := tlv.EncodeConstructed(tagBiometricHeader,
		tlv.Encode(tagFormatOwner, []byte{0x01, 0x01}),
		tlv.Encode(tagFormatType, []byte{0x00, 0x08}))
	template := tlv.EncodeConstructed(tagBiometricInfo, header, tlv.Encode(tagBiometricData, record))
	group := tlv.EncodeConstructed(tagBiometricGroup, tlv.Encode(tagInstanceCount, []byte{1}), template)
	return tlv.Encode(TagDG2, group)
}
