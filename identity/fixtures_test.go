package identity_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/biometric"
)

// noneEngine is the engine used when no model is installed: every call
// fails with biometric.ErrEngineUnavailable.
func noneEngine() biometric.Engine {
	return biometric.NewNoneEngine("face models not installed")
}

// noFacePhoto is a real JPEG showing a smooth gradient and no face.
func noFacePhoto(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 240, 320))
	for y := range 320 {
		for x := range 240 {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y / 2), B: 120, A: 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}))
	return buf.Bytes()
}
