package lds

import (
	"fmt"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// ISO/IEC 39794-5 face image data, tagged binary encoding (BER-TLV with
// implicit context tags). The parts read here:
//
//	FaceImageDataBlock ::= [APPLICATION 5] SEQUENCE {
//	  versionBlock         [0] SEQUENCE { generation [0] INTEGER, year [1] INTEGER, ... },
//	  representationBlocks [1] SEQUENCE OF RepresentationBlock, ... }
//	RepresentationBlock ::= SEQUENCE {
//	  representationId    [0] INTEGER,
//	  imageRepresentation [1] CHOICE { base [0] CHOICE {
//	      imageRepresentation2DBlock [0] SEQUENCE {
//	        representationData2D    [0] OCTET STRING,   -- the image
//	        imageInformation2DBlock [1] SEQUENCE {
//	          imageDataFormat [0] CHOICE { code [0] INTEGER, ... },
//	          imageSizeBlock  [7] SEQUENCE { width [0] INTEGER, height [1] INTEGER } OPTIONAL,
//	          ... }, ... },
//	      ... }, ... },
//	  ... }
//
// Optional members are found by tag among their siblings, never by
// position. Elements this reader does not use are skipped; a CHOICE
// alternative it cannot represent (3D shape, extension blocks) is refused.
const (
	tag39794FaceBlock tlv.Tag = 0x65 // [APPLICATION 5], constructed
	// Image data format codes of ImageDataFormat.
	code39794Unknown          = 0
	code39794JPEG             = 2
	code39794JPEG2000         = 3
	code39794JPEG2000Lossless = 4
)

// formats39794 maps the image data format codes this gateway decodes.
var formats39794 = map[int]ImageFormat{
	code39794Unknown:          ImageUnknown,
	code39794JPEG:             ImageJPEG,
	code39794JPEG2000:         ImageJPEG2000,
	code39794JPEG2000Lossless: ImageJPEG2000,
}

// parse39794 reads an ISO/IEC 39794-5 face image data block. The block is
// accepted as the content of the biometric data block either bare or
// inside one constructed wrapper element, as both are found in DG2 files.
func parse39794(b []byte) ([]Face, error) {
	root, err := tlv.DecodeExact(b)
	if err != nil {
		return nil, malformed39794("not a single BER-TLV element: %v", err)
	}
	if root.Tag != tag39794FaceBlock && root.Constructed() {
		inner, err := tlv.DecodeExact(root.Value)
		if err == nil && inner.Tag == tag39794FaceBlock {
			root = inner
		}
	}
	if root.Tag != tag39794FaceBlock {
		return nil, fmt.Errorf("%w: biometric data block is neither an ISO/IEC 19794-5 record nor an ISO/IEC 39794-5 face image data block", ErrMalformed)
	}
	fields, err := root.Children()
	if err != nil {
		return nil, malformed39794("face image data block: %v", err)
	}
	if err := checkVersion39794(fields); err != nil {
		return nil, err
	}
	blocks, err := child39794(fields, tlv.ContextTag(1, true), "representation blocks")
	if err != nil {
		return nil, err
	}
	reps, err := blocks.Children()
	if err != nil {
		return nil, malformed39794("representation blocks: %v", err)
	}
	if len(reps) == 0 || len(reps) > MaxFaces {
		return nil, malformed39794("number of representation blocks must be 1 to %d", MaxFaces)
	}
	faces := make([]Face, 0, len(reps))
	for _, rep := range reps {
		face, err := parseRepresentation39794(rep)
		if err != nil {
			return nil, err
		}
		faces = append(faces, face)
	}
	return faces, nil
}

// checkVersion39794 requires the version block with its generation and
// year, as every conforming record carries one.
func checkVersion39794(fields []tlv.Node) error {
	version, err := child39794(fields, tlv.ContextTag(0, true), "version block")
	if err != nil {
		return err
	}
	parts, err := version.Children()
	if err != nil {
		return malformed39794("version block: %v", err)
	}
	for i, name := range []string{"generation", "year"} {
		n, err := child39794(parts, tlv.ContextTag(i, false), "version "+name)
		if err != nil {
			return err
		}
		if _, err := int39794(n); err != nil {
			return malformed39794("version %s: %v", name, err)
		}
	}
	return nil
}

// parseRepresentation39794 reads one representation block down to its 2D
// image and image information.
func parseRepresentation39794(rep tlv.Node) (Face, error) {
	if rep.Tag != tlv.TagSequence {
		return Face{}, malformed39794("representation block is not a SEQUENCE")
	}
	block2D, err := path39794(rep, []tlv.Tag{
		tlv.ContextTag(1, true), // imageRepresentation
		tlv.ContextTag(0, true), // base
		tlv.ContextTag(0, true), // imageRepresentation2DBlock
	}, "2D image representation")
	if err != nil {
		return Face{}, err
	}
	fields, err := block2D.Children()
	if err != nil {
		return Face{}, malformed39794("2D image representation: %v", err)
	}
	data, err := child39794(fields, tlv.ContextTag(0, false), "representation data")
	if err != nil {
		return Face{}, err
	}
	info, err := child39794(fields, tlv.ContextTag(1, true), "image information")
	if err != nil {
		return Face{}, err
	}
	face, declared, err := imageInfo39794(info)
	if err != nil {
		return Face{}, err
	}
	face.Image = data.Value
	face.Format, err = checkImage(face.Image, declared, "ISO/IEC 39794-5 block")
	return face, err
}

// imageInfo39794 reads the image data format and, when present, the
// declared image size.
func imageInfo39794(info tlv.Node) (Face, ImageFormat, error) {
	fields, err := info.Children()
	if err != nil {
		return Face{}, ImageUnknown, malformed39794("image information: %v", err)
	}
	format, err := child39794(fields, tlv.ContextTag(0, true), "image data format")
	if err != nil {
		return Face{}, ImageUnknown, err
	}
	choice, err := format.Children()
	if err != nil || len(choice) != 1 || choice[0].Tag != tlv.ContextTag(0, false) {
		return Face{}, ImageUnknown, malformed39794("image data format is not a format code")
	}
	code, err := int39794(choice[0])
	if err != nil {
		return Face{}, ImageUnknown, malformed39794("image data format code: %v", err)
	}
	declared, ok := formats39794[code]
	if !ok {
		return Face{}, ImageUnknown, malformed39794("unsupported image data format code %d", code)
	}
	var face Face
	if size, found := find39794(fields, tlv.ContextTag(7, true)); found {
		if face.Width, face.Height, err = size39794(size); err != nil {
			return Face{}, ImageUnknown, err
		}
	}
	return face, declared, nil
}

// size39794 reads an image size block.
func size39794(size tlv.Node) (width, height int, err error) {
	parts, err := size.Children()
	if err != nil {
		return 0, 0, malformed39794("image size: %v", err)
	}
	dims := [2]int{}
	for i, name := range []string{"width", "height"} {
		n, err := child39794(parts, tlv.ContextTag(i, false), "image "+name)
		if err != nil {
			return 0, 0, err
		}
		v, err := int39794(n)
		if err != nil || v < 0 || v > 65535 {
			return 0, 0, malformed39794("image %s out of range", name)
		}
		dims[i] = v
	}
	return dims[0], dims[1], nil
}

// int39794 decodes an implicitly tagged INTEGER of at most four octets.
func int39794(n tlv.Node) (int, error) {
	if n.Constructed() || len(n.Value) > 4 {
		return 0, fmt.Errorf("INTEGER %s too large or constructed", n.Tag)
	}
	v, err := tlv.ParseBigInt(n.Value)
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}

// path39794 descends through constructed elements by tag, each found among
// the children of the previous one.
func path39794(n tlv.Node, tags []tlv.Tag, what string) (tlv.Node, error) {
	for _, tag := range tags {
		children, err := n.Children()
		if err != nil {
			return tlv.Node{}, malformed39794("%s: %v", what, err)
		}
		if len(children) == 1 && children[0].Tag != tag {
			return tlv.Node{}, malformed39794("%s: unsupported alternative %s", what, children[0].Tag)
		}
		if n, err = child39794(children, tag, what); err != nil {
			return tlv.Node{}, err
		}
	}
	return n, nil
}

// child39794 returns the element with the tag, which must occur exactly
// once among the siblings.
func child39794(siblings []tlv.Node, tag tlv.Tag, what string) (tlv.Node, error) {
	n, found := find39794(siblings, tag)
	if !found {
		return tlv.Node{}, malformed39794("%s missing", what)
	}
	count := 0
	for _, s := range siblings {
		if s.Tag == tag {
			count++
		}
	}
	if count > 1 {
		return tlv.Node{}, malformed39794("%s repeated", what)
	}
	return n, nil
}

// find39794 returns the first sibling with the tag.
func find39794(siblings []tlv.Node, tag tlv.Tag) (tlv.Node, bool) {
	for _, s := range siblings {
		if s.Tag == tag {
			return s, true
		}
	}
	return tlv.Node{}, false
}

// malformed39794 reports a defect of a 39794-5 block.
func malformed39794(format string, args ...any) error {
	return fmt.Errorf("%w: ISO/IEC 39794-5 block: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
