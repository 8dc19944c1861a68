package lds

import (
	"encoding/binary"
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ISO/IEC 19794-5:2005 facial record layout (all integers big-endian).
const (
	// facFormatID opens every record.
	facFormatID = "FAC\x00"
	// facVersion is the 2005 edition's version, the one ICAO 9303 uses.
	facVersion = "010\x00"
	// faceRecordHeaderSize: format identifier (4), version (4), record
	// length (4), number of facial images (2).
	faceRecordHeaderSize = 14
	// faceInfoSize: block length (4), number of feature points (2),
	// gender, eye colour, hair colour (1 each), property mask (3),
	// expression (2), pose angle (3), pose angle uncertainty (3).
	faceInfoSize = 20
	// featurePointSize: type (1), code (1), x (2), y (2), reserved (2).
	featurePointSize = 8
	// imageInfoSize: face image type (1), image data type (1), width (2),
	// height (2), colour space (1), source type (1), device type (2),
	// quality (2).
	imageInfoSize = 12
)

// facImageDataTypes maps the image data type of the image information
// block to a format; other values are reserved.
var facImageDataTypes = map[byte]ImageFormat{0: ImageJPEG, 1: ImageJPEG2000}

// parse19794 reads an ISO/IEC 19794-5:2005 facial record: the facial record
// header, then per face a facial information block, its feature points, the
// image information block and the image data. Every length is checked
// against the enclosing one before use.
func parse19794(b []byte) ([]Face, error) {
	if len(b) < faceRecordHeaderSize {
		return nil, malformed19794("record shorter than its header")
	}
	if string(b[4:8]) != facVersion {
		return nil, malformed19794("unsupported version (want 010)")
	}
	if recordLen := binary.BigEndian.Uint32(b[8:12]); uint64(recordLen) != uint64(len(b)) {
		return nil, malformed19794("record length does not match the biometric data block")
	}
	count := int(binary.BigEndian.Uint16(b[12:14]))
	if count == 0 || count > MaxFaces {
		return nil, malformed19794(fmt.Sprintf("number of facial images must be 1 to %d", MaxFaces))
	}
	pos := faceRecordHeaderSize
	faces := make([]Face, 0, count)
	for range count {
		face, next, err := parseFacialBlock(b, pos)
		if err != nil {
			return nil, err
		}
		faces = append(faces, face)
		pos = next
	}
	if pos != len(b) {
		return nil, malformed19794("bytes left after the declared facial images")
	}
	return faces, nil
}

// parseFacialBlock reads the facial record data block at pos and returns
// the face and the offset of the next block.
func parseFacialBlock(b []byte, pos int) (Face, int, error) {
	if len(b)-pos < faceInfoSize {
		return Face{}, 0, malformed19794("truncated facial information block")
	}
	blockLen := uint64(binary.BigEndian.Uint32(b[pos : pos+4]))
	points := uint64(binary.BigEndian.Uint16(b[pos+4 : pos+6]))
	fixed := uint64(faceInfoSize) + points*featurePointSize + imageInfoSize
	if blockLen < fixed {
		return Face{}, 0, malformed19794("facial block shorter than its fixed fields")
	}
	if blockLen > uint64(len(b)-pos) {
		return Face{}, 0, malformed19794("facial block runs past the record")
	}
	end := pos + int(blockLen)
	infoAt := pos + int(fixed) - imageInfoSize
	info := b[infoAt : infoAt+imageInfoSize]
	declared, ok := facImageDataTypes[info[1]]
	if !ok {
		return Face{}, 0, malformed19794("unsupported image data type")
	}
	face := Face{
		Width:  int(binary.BigEndian.Uint16(info[2:4])),
		Height: int(binary.BigEndian.Uint16(info[4:6])),
		Image:  b[infoAt+imageInfoSize : end],
	}
	format, err := checkImage(face.Image, declared, "ISO/IEC 19794-5 record")
	if err != nil {
		return Face{}, 0, err
	}
	face.Format = format
	return face, end, nil
}

// malformed19794 reports a defect of a 19794-5 record.
func malformed19794(what string) error {
	return fmt.Errorf("%w: ISO/IEC 19794-5 record: %s", ErrMalformed, what)
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
	copy(record, facFormatID+facVersion)
	binary.BigEndian.PutUint32(record[8:12], uint32(faceRecordHeaderSize+len(faceBlock)))
	binary.BigEndian.PutUint16(record[12:14], 1)
	record = append(record, faceBlock...)
	return WrapBiometricData(tlv.Encode(tagBiometricData, record))
}

// WrapBiometricData places one biometric data block element (5F2E or 7F2E,
// fully encoded) in a biometric information template with a CBEFF header
// naming the face format, inside the group template and the DG2 file.
func WrapBiometricData(block []byte) []byte {
	header := tlv.EncodeConstructed(tagBiometricHeader,
		tlv.Encode(tagFormatOwner, []byte{0x01, 0x01}),
		tlv.Encode(tagFormatType, []byte{0x00, 0x08}))
	template := tlv.EncodeConstructed(tagBiometricInfo, header, block)
	group := tlv.EncodeConstructed(tagBiometricGroup, tlv.Encode(tagInstanceCount, []byte{1}), template)
	return tlv.Encode(TagDG2, group)
}
