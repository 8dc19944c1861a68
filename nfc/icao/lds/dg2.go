package lds

import (
	"bytes"
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
	tagBiometricGroup   tlv.Tag = 0x7F61
	tagBiometricInfo    tlv.Tag = 0x7F60
	tagBiometricHeader  tlv.Tag = 0xA1
	tagBiometricData    tlv.Tag = 0x5F2E
	tagBiometricDataExt tlv.Tag = 0x7F2E
	tagInstanceCount    tlv.Tag = 0x02
	tagFormatOwner      tlv.Tag = 0x87
	tagFormatType       tlv.Tag = 0x88
)

// Caps on untrusted DG2 content. A passport portrait is 15–30 kB and a
// chip holds one face; the caps leave ample room for both while bounding
// the work and memory a hostile file can ask for.
const (
	// MaxFaces is the largest number of facial images accepted in DG2.
	MaxFaces = 8
	// MaxFaceImageSize is the largest accepted encoded image, in bytes.
	MaxFaceImageSize = 4 << 20
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

// ParseDG2 extracts the facial images of DG2. Each biometric information
// template (7F60) of the group template (7F61) carries one biometric data
// block (5F2E or 7F2E) holding either an ISO/IEC 19794-5:2005 facial record
// ("FAC\0", read field by field) or an ISO/IEC 39794-5 face image data
// block (BER-TLV, read element by element). Anything else is refused: the
// image is never located by searching for image signatures.
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
		if len(faces) > MaxFaces {
			return nil, fmt.Errorf("%w: DG2 holds more than %d facial images", ErrMalformed, MaxFaces)
		}
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

// parseBiometricData dispatches on the record format: the 19794-5 format
// identifier, else a 39794-5 face image data block.
func parseBiometricData(b []byte) ([]Face, error) {
	if bytes.HasPrefix(b, []byte(facFormatID)) {
		return parse19794(b)
	}
	return parse39794(b)
}

// Image signatures, used only to check that an image's leading bytes agree
// with the format its container declares.
var (
	magicJPEG     = []byte{0xFF, 0xD8, 0xFF}
	magicJP2      = []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A}
	magicJ2KCodes = []byte{0xFF, 0x4F, 0xFF, 0x51}
)

// sniff identifies an image by its leading bytes.
func sniff(image []byte) ImageFormat {
	switch {
	case bytes.HasPrefix(image, magicJPEG):
		return ImageJPEG
	case bytes.HasPrefix(image, magicJP2), bytes.HasPrefix(image, magicJ2KCodes):
		return ImageJPEG2000
	default:
		return ImageUnknown
	}
}

// checkImage validates an extracted image against the caps and the declared
// format; a declared format of ImageUnknown is resolved from the image's
// leading bytes. It returns the format to report.
func checkImage(image []byte, declared ImageFormat, container string) (ImageFormat, error) {
	if len(image) == 0 {
		return ImageUnknown, fmt.Errorf("%w: %s holds an empty image", ErrMalformed, container)
	}
	if len(image) > MaxFaceImageSize {
		return ImageUnknown, fmt.Errorf("%w: %s image exceeds %d bytes", ErrMalformed, container, MaxFaceImageSize)
	}
	actual := sniff(image)
	if actual == ImageUnknown {
		return ImageUnknown, fmt.Errorf("%w: %s image is neither JPEG nor JPEG 2000", ErrMalformed, container)
	}
	if declared != ImageUnknown && declared != actual {
		return ImageUnknown, fmt.Errorf("%w: %s declares %s but holds %s", ErrMalformed, container, declared, actual)
	}
	return actual, nil
}
