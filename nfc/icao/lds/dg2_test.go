package lds_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

var (
	testJPEG = []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9}
	testJP2  = []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 9, 9}
)

// ctx is a shorthand for a context tag [n].
func ctx(n int, constructed bool) tlv.Tag { return tlv.ContextTag(n, constructed) }

// intContent returns the content octets of an INTEGER, for implicit tags.
func intContent(v int) []byte {
	n, err := tlv.DecodeExact(tlv.EncodeInt(v))
	if err != nil {
		panic(err)
	}
	return n.Value
}

// face39794 describes a 39794-5 fixture; zero fields take valid defaults
// and the omit flags drop mandatory parts.
type face39794 struct {
	image                   []byte
	formatCode              int
	width, height           int
	noVersion, noInfo       bool
	alternative             tlv.Tag // replaces imageRepresentation2DBlock [0] when set
	extraRepresentationData bool
}

// representation encodes one RepresentationBlock with optional members
// before and after the image representation, as real records carry them.
func (f face39794) representation() []byte {
	infoFields := [][]byte{tlv.EncodeConstructed(ctx(0, true), tlv.Encode(ctx(0, false), intContent(f.formatCode)))}
	infoFields = append(infoFields, tlv.Encode(ctx(1, false), intContent(1))) // faceImageKind2D
	if f.width != 0 {
		infoFields = append(infoFields, tlv.EncodeConstructed(ctx(7, true),
			tlv.Encode(ctx(0, false), intContent(f.width)), tlv.Encode(ctx(1, false), intContent(f.height))))
	}
	block2D := [][]byte{tlv.Encode(ctx(0, false), f.image)}
	if f.extraRepresentationData {
		block2D = append(block2D, tlv.Encode(ctx(0, false), f.image))
	}
	if !f.noInfo {
		block2D = append(block2D, tlv.EncodeConstructed(ctx(1, true), infoFields...))
	}
	tag2D := ctx(0, true)
	if f.alternative != 0 {
		tag2D = f.alternative
	}
	image := tlv.EncodeConstructed(ctx(1, true), tlv.EncodeConstructed(ctx(0, true), tlv.EncodeConstructed(tag2D, block2D...)))
	captureDate := tlv.EncodeConstructed(ctx(2, true), tlv.Encode(ctx(0, false), intContent(2024)))
	return tlv.EncodeConstructed(tlv.TagSequence, tlv.Encode(ctx(0, false), intContent(0)), image, captureDate)
}

// block encodes a FaceImageDataBlock with the given representations.
func block39794(noVersion bool, reps ...[]byte) []byte {
	var fields [][]byte
	if !noVersion {
		fields = append(fields, tlv.EncodeConstructed(ctx(0, true),
			tlv.Encode(ctx(0, false), intContent(3)), tlv.Encode(ctx(1, false), intContent(2019))))
	}
	fields = append(fields, tlv.EncodeConstructed(ctx(1, true), reps...))
	return tlv.EncodeConstructed(0x65, fields...)
}

// dg2Of39794 wraps a face image data block in a 7F2E biometric data block.
func dg2Of39794(block []byte) []byte {
	return lds.WrapBiometricData(tlv.Encode(0x7F2E, block))
}

func TestDG2ISO39794(t *testing.T) {
	t.Run("JPEG 2000 with size and optional members", func(t *testing.T) {
		f := face39794{image: testJP2, formatCode: 3, width: 413, height: 531}
		faces, err := lds.ParseDG2(dg2Of39794(block39794(false, f.representation())))
		require.NoError(t, err)
		require.Len(t, faces, 1)
		assert.Equal(t, lds.Face{Format: lds.ImageJPEG2000, Width: 413, Height: 531, Image: testJP2}, faces[0])
	})
	t.Run("JPEG without size block", func(t *testing.T) {
		f := face39794{image: testJPEG, formatCode: 2}
		faces, err := lds.ParseDG2(dg2Of39794(block39794(false, f.representation())))
		require.NoError(t, err)
		assert.Equal(t, lds.Face{Format: lds.ImageJPEG, Image: testJPEG}, faces[0])
	})
	t.Run("unknown format code resolved from the image", func(t *testing.T) {
		f := face39794{image: testJPEG, formatCode: 0}
		faces, err := lds.ParseDG2(dg2Of39794(block39794(false, f.representation())))
		require.NoError(t, err)
		assert.Equal(t, lds.ImageJPEG, faces[0].Format)
	})
	t.Run("block inside a [1] wrapper", func(t *testing.T) {
		f := face39794{image: testJP2, formatCode: 4}
		wrapped := tlv.EncodeConstructed(ctx(1, true), block39794(false, f.representation()))
		faces, err := lds.ParseDG2(dg2Of39794(wrapped))
		require.NoError(t, err)
		assert.Equal(t, testJP2, faces[0].Image)
	})
	t.Run("in a primitive 5F2E block", func(t *testing.T) {
		f := face39794{image: testJPEG, formatCode: 2}
		faces, err := lds.ParseDG2(lds.WrapBiometricData(tlv.Encode(0x5F2E, block39794(false, f.representation()))))
		require.NoError(t, err)
		assert.Equal(t, testJPEG, faces[0].Image)
	})
	t.Run("two representations", func(t *testing.T) {
		a := face39794{image: testJPEG, formatCode: 2}
		b := face39794{image: testJP2, formatCode: 3}
		faces, err := lds.ParseDG2(dg2Of39794(block39794(false, a.representation(), b.representation())))
		require.NoError(t, err)
		require.Len(t, faces, 2)
		assert.Equal(t, lds.ImageJPEG2000, faces[1].Format)
	})
}

func TestDG2ISO39794Refused(t *testing.T) {
	valid := face39794{image: testJPEG, formatCode: 2, width: 1, height: 1}
	rep := valid.representation()
	full := block39794(false, rep)
	cases := []struct {
		name  string
		block []byte
	}{
		{"not TLV", []byte{0x65, 0x05, 0x01}},
		{"other application tag", tlv.EncodeConstructed(0x66, rep)},
		{"no version block", block39794(true, rep)},
		{"no representation", block39794(false)},
		{"representation not a sequence", block39794(false, tlv.Encode(0x31, rep[2:]))},
		{"no image information", block39794(false, face39794{image: testJPEG, noInfo: true}.representation())},
		{"repeated representation data", block39794(false, face39794{image: testJPEG, formatCode: 2, extraRepresentationData: true}.representation())},
		{"3D shape alternative", block39794(false, face39794{image: testJPEG, formatCode: 2, alternative: ctx(1, true)}.representation())},
		{"PNG format code", block39794(false, face39794{image: testJPEG, formatCode: 5}.representation())},
		{"declared JPEG holds JPEG 2000", block39794(false, face39794{image: testJP2, formatCode: 2}.representation())},
		{"image not JPEG or JPEG 2000", block39794(false, face39794{image: []byte("GIF89a"), formatCode: 0}.representation())},
		{"empty image", block39794(false, face39794{image: []byte{}, formatCode: 2}.representation())},
		{"truncated", full[:len(full)-3]},
		{"trailing bytes", append(append([]byte{}, full...), 0x00)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			faces, err := lds.ParseDG2(dg2Of39794(tc.block))
			assert.ErrorIs(t, err, lds.ErrMalformed)
			assert.Empty(t, faces)
			t.Log(err)
		})
	}
	t.Run("too many representations", func(t *testing.T) {
		reps := make([][]byte, lds.MaxFaces+1)
		for i := range reps {
			reps[i] = rep
		}
		_, err := lds.ParseDG2(dg2Of39794(block39794(false, reps...)))
		assert.ErrorIs(t, err, lds.ErrMalformed)
	})
}

// record19794 edits a valid 19794-5 record before wrapping it in DG2.
func record19794(t *testing.T, image []byte, edit func(rec []byte) []byte) []byte {
	t.Helper()
	// The record lds.EncodeDG2 writes: header, face block, image.
	rec := make([]byte, 14+32, 14+32+len(image))
	copy(rec, "FAC\x00010\x00")
	binary.BigEndian.PutUint32(rec[8:12], uint32(len(rec)+len(image)))
	binary.BigEndian.PutUint16(rec[12:14], 1)
	binary.BigEndian.PutUint32(rec[14:18], uint32(32+len(image)))
	rec[14+20+1] = 0 // JPEG
	rec = append(rec, image...)
	return lds.WrapBiometricData(tlv.Encode(0x5F2E, edit(rec)))
}

func TestDG2ISO19794Refused(t *testing.T) {
	keep := func(rec []byte) []byte { return rec }
	faces, err := lds.ParseDG2(record19794(t, testJPEG, keep))
	require.NoError(t, err, "the unedited fixture parses")
	assert.Equal(t, testJPEG, faces[0].Image)

	cases := []struct {
		name string
		edit func(rec []byte) []byte
	}{
		{"header only", func(rec []byte) []byte { return rec[:10] }},
		{"2011 version", func(rec []byte) []byte { copy(rec[4:8], "030\x00"); return rec }},
		{"record length larger than block", func(rec []byte) []byte { binary.BigEndian.PutUint32(rec[8:12], uint32(len(rec)+1)); return rec }},
		{"zero faces", func(rec []byte) []byte { binary.BigEndian.PutUint16(rec[12:14], 0); return rec }},
		{"more faces than present", func(rec []byte) []byte { binary.BigEndian.PutUint16(rec[12:14], 2); return rec }},
		{"face count over cap", func(rec []byte) []byte { binary.BigEndian.PutUint16(rec[12:14], 0xFFFF); return rec }},
		{"block length past record", func(rec []byte) []byte { binary.BigEndian.PutUint32(rec[14:18], 0xFFFFFFFF); return rec }},
		{"block shorter than fixed fields", func(rec []byte) []byte { binary.BigEndian.PutUint32(rec[14:18], 20); return rec }},
		{"feature points past block", func(rec []byte) []byte { binary.BigEndian.PutUint16(rec[18:20], 0xFFFF); return rec }},
		{"reserved image data type", func(rec []byte) []byte { rec[14+20+1] = 7; return rec }},
		{"declared JPEG 2000 holds JPEG", func(rec []byte) []byte { rec[14+20+1] = 1; return rec }},
		{"bytes after the faces", func(rec []byte) []byte {
			binary.BigEndian.PutUint32(rec[14:18], uint32(32+len(testJPEG)-2))
			return rec
		}},
		{"no image", func(rec []byte) []byte {
			rec = rec[:14+32]
			binary.BigEndian.PutUint32(rec[8:12], uint32(len(rec)))
			binary.BigEndian.PutUint32(rec[14:18], 32)
			return rec
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			faces, err := lds.ParseDG2(record19794(t, testJPEG, tc.edit))
			assert.ErrorIs(t, err, lds.ErrMalformed)
			assert.Empty(t, faces)
			t.Log(err)
		})
	}
}

func TestDG2FeaturePointsSkipped(t *testing.T) {
	// One feature point between the information block and the image
	// information: the image must still be found at its declared place.
	rec := make([]byte, 14+20+8+12)
	copy(rec, "FAC\x00010\x00")
	binary.BigEndian.PutUint32(rec[8:12], uint32(len(rec)+len(testJP2)))
	binary.BigEndian.PutUint16(rec[12:14], 1)
	binary.BigEndian.PutUint32(rec[14:18], uint32(20+8+12+len(testJP2)))
	binary.BigEndian.PutUint16(rec[18:20], 1)
	info := rec[14+20+8:]
	info[1] = 1
	binary.BigEndian.PutUint16(info[2:4], 7)
	binary.BigEndian.PutUint16(info[4:6], 9)
	rec = append(rec, testJP2...)
	faces, err := lds.ParseDG2(lds.WrapBiometricData(tlv.Encode(0x5F2E, rec)))
	require.NoError(t, err)
	assert.Equal(t, lds.Face{Format: lds.ImageJPEG2000, Width: 7, Height: 9, Image: testJP2}, faces[0])
}

// FuzzParseDG2 feeds arbitrary DG2 files, seeded with both container
// formats, to the DG2 parser: it must never panic, and every face it
// returns must be a non-empty JPEG or JPEG 2000 within the size cap.
func FuzzParseDG2(f *testing.F) {
	f.Add(lds.EncodeDG2(testJPEG, lds.ImageJPEG, 480, 640))
	f.Add(lds.EncodeDG2(testJP2, lds.ImageJPEG2000, 10, 12))
	f.Add(dg2Of39794(block39794(false, face39794{image: testJP2, formatCode: 3, width: 413, height: 531}.representation())))
	f.Add(dg2Of39794(block39794(false, face39794{image: testJPEG, formatCode: 2}.representation())))
	f.Fuzz(func(t *testing.T, data []byte) {
		faces, err := lds.ParseDG2(data)
		if err != nil {
			return
		}
		for _, face := range faces {
			if len(face.Image) == 0 || len(face.Image) > lds.MaxFaceImageSize || face.Format == lds.ImageUnknown {
				t.Fatalf("accepted face: format %v, %d bytes", face.Format, len(face.Image))
			}
		}
	})
}
