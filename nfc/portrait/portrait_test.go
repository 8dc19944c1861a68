package portrait

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kycgate/kycgate/internal/testassets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/nfc/icao/lds"
)

// gradient is a test picture with structure in both directions.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 128, A: 255})
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}))
	return buf.Bytes()
}

// encodeJPEG2000 compresses img with opj_compress, or skips (fails in CI)
// when the OpenJPEG tools are not installed.
func encodeJPEG2000(t *testing.T, img image.Image, ext string) []byte {
	t.Helper()
	if _, err := exec.LookPath("opj_compress"); err != nil {
		testassets.SkipOrFail(t, "opj_compress missing: apt-get install libopenjp2-tools")
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out"+ext)
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o600))
	cmdOut, err := exec.Command("opj_compress", "-i", in, "-o", out).CombinedOutput()
	require.NoError(t, err, "%s", cmdOut)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

func TestDecodeJPEGInGo(t *testing.T) {
	data := encodeJPEG(t, gradient(64, 80))
	p, err := Decoder{}.Decode(context.Background(), lds.Face{Format: lds.ImageJPEG, Image: data})
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 64, 80), p.Image.Bounds())
	assert.Equal(t, data, p.JPEG, "JPEG portraits are passed on unchanged")
	assert.Equal(t, lds.ImageJPEG, p.Source)
}

func TestDecodeJPEG2000ThroughOpenJPEG(t *testing.T) {
	src := gradient(60, 72)
	for _, ext := range []string{".jp2", ".j2k"} {
		t.Run(ext, func(t *testing.T) {
			data := encodeJPEG2000(t, src, ext)
			p, err := Decoder{}.Decode(context.Background(), lds.Face{Format: lds.ImageJPEG2000, Image: data})
			require.NoError(t, err)
			assert.Equal(t, image.Rect(0, 0, 60, 72), p.Image.Bounds())
			assert.Equal(t, lds.ImageJPEG2000, p.Source)
			back, err := jpeg.Decode(bytes.NewReader(p.JPEG))
			require.NoError(t, err, "the portrait is re-encoded as JPEG")
			r, g, _, _ := back.At(59, 71).RGBA()
			assert.InDelta(t, 251, r>>8, 12, "pixels survive the round trip")
			assert.InDelta(t, 251, g>>8, 12)
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	ctx := context.Background()
	jpg := encodeJPEG(t, gradient(64, 64))
	tests := []struct {
		name string
		dec  Decoder
		face lds.Face
		want error
	}{
		{"unknown format", Decoder{}, lds.Face{Format: lds.ImageUnknown, Image: jpg}, ErrUnsupported},
		{"corrupt JPEG", Decoder{}, lds.Face{Format: lds.ImageJPEG, Image: jpg[:40]}, ErrUndecodable},
		{"too many bytes", Decoder{MaxBytes: 100}, lds.Face{Format: lds.ImageJPEG, Image: jpg}, ErrTooLarge},
		{"too many pixels", Decoder{MaxPixels: 1000}, lds.Face{Format: lds.ImageJPEG, Image: jpg}, ErrTooLarge},
		{"no decoder", Decoder{OPJDecompress: "/nonexistent/opj_decompress"}, lds.Face{Format: lds.ImageJPEG2000,
			Image: j2kHeader(sizSpec{width: 64, height: 64, tileW: 64, tileH: 64, components: 3})}, ErrJPEG2000Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.dec.Decode(ctx, tt.face)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, p)
		})
	}
	t.Run("corrupt JPEG 2000", func(t *testing.T) {
		if _, err := exec.LookPath("opj_decompress"); err != nil {
			t.Skip("SKIPPED — opj_decompress missing")
		}
		garbage := append([]byte{0xff, 0x4f, 0xff, 0x51}, bytes.Repeat([]byte{0x42}, 200)...)
		_, err := Decoder{}.Decode(ctx, lds.Face{Format: lds.ImageJPEG2000, Image: garbage})
		assert.ErrorIs(t, err, ErrUndecodable)
	})
}
