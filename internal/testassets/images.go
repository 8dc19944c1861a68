package testassets

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// GradientJPEG returns a width×height JPEG of a colour gradient: a real,
// decodable picture that holds no face.
func GradientJPEG(t testing.TB, width, height int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for x := range width {
		for y := range height {
			img.Set(x, y, color.RGBA{uint8(x * 256 / width), uint8(y * 256 / height), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatalf("encode a gradient JPEG: %v", err)
	}
	return buf.Bytes()
}
