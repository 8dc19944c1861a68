package biometric

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	xdraw "golang.org/x/image/draw"
)

// decodeForTest decodes photo bytes to RGBA (callers must not modify it).
func decodeForTest(t testing.TB, data []byte) *image.RGBA {
	t.Helper()
	img, err := decodeImage(data, 0, 0)
	require.NoError(t, err)
	return img.rgba
}

func encodePNGForTest(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func encodeJPEGForTest(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}))
	return buf.Bytes()
}

// brighten adds delta to every channel, saturating.
func brighten(src *image.RGBA, delta int) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	for i, v := range src.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = uint8(max(0, min(255, int(v)+delta)))
	}
	return out
}

// mirror flips the image left to right.
func mirror(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(b)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.SetRGBA(b.Dx()-1-x, y, src.RGBAAt(x, y))
		}
	}
	return out
}

// documentLike imitates a document portrait: scaled down by factor,
// greyscale, and re-encoded as a heavy JPEG.
func documentLike(t testing.TB, src *image.RGBA, factor float64) []byte {
	t.Helper()
	b := src.Bounds()
	w, h := int(float64(b.Dx())*factor), int(float64(b.Dy())*factor)
	small := image.NewRGBA(image.Rect(0, 0, w, h))
	resample(small, src, b)
	grey := image.NewGray(small.Bounds())
	for i := range grey.Pix {
		p := small.Pix[4*i:]
		grey.Pix[i] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000)
	}
	return encodeJPEGForTest(t, grey, 25)
}

// blurred softens the image by shrinking it by factor and enlarging it
// back with a bilinear kernel, which removes detail finer than factor
// pixels.
func blurred(src *image.RGBA, factor int) *image.RGBA {
	b := src.Bounds()
	small := image.NewRGBA(image.Rect(0, 0, max(1, b.Dx()/factor), max(1, b.Dy()/factor)))
	resample(small, src, b)
	out := image.NewRGBA(b)
	xdraw.BiLinear.Scale(out, out.Bounds(), small, small.Bounds(), xdraw.Src, nil)
	return out
}

// moireOverlay darkens the image along a fine grid of two slanted line
// families, as when a screen showing the photo is photographed again.
func moireOverlay(src *image.RGBA, period, depth float64) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(b)
	c1, s1 := math.Cos(0.35), math.Sin(0.35)
	c2, s2 := math.Cos(0.35+math.Pi/2), math.Sin(0.35+math.Pi/2)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			fx, fy := float64(x), float64(y)
			g1 := 0.5 + 0.5*math.Cos(2*math.Pi*(fx*c1+fy*s1)/period)
			g2 := 0.5 + 0.5*math.Cos(2*math.Pi*(fx*c2+fy*s2)/period)
			k := 1 - depth*math.Max(g1, g2)
			i := src.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				out.Pix[i+c] = uint8(float64(src.Pix[i+c]) * k)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}
