package biometric

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	_ "image/gif" // GIF decoding for Extract.
	"image/jpeg"
	_ "image/png" // PNG decoding for Extract.

	_ "golang.org/x/image/bmp"  // BMP decoding for video frames and Extract.
	_ "golang.org/x/image/webp" // WebP decoding for Extract.
)

// decodedImage is an image decoded, oriented upright and converted to RGBA,
// with the metadata read from its container.
type decodedImage struct {
	rgba   *image.RGBA
	format string
	meta   imageMetadata
}

// decodeImage decodes data within the byte and pixel limits and applies the
// EXIF orientation. Every failure wraps ErrUnreadableImage.
func decodeImage(data []byte, maxBytes, maxPixels int64) (*decodedImage, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrUnreadableImage)
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds the limit of %d", ErrUnreadableImage, len(data), maxBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: unsupported or corrupt image", ErrUnreadableImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: empty image", ErrUnreadableImage)
	}
	if maxPixels > 0 && int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("%w: %dx%d exceeds the limit of %d pixels", ErrUnreadableImage, cfg.Width, cfg.Height, maxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt %s data", ErrUnreadableImage, format)
	}
	meta := readMetadata(data, format)
	return &decodedImage{rgba: orient(toRGBA(img), meta.orientation), format: format, meta: meta}, nil
}

// toRGBA converts any image to an *image.RGBA whose bounds start at 0,0.
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	if rgba, ok := img.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return rgba
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// orient turns an image upright according to its EXIF orientation (1–8);
// other values leave it unchanged.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := orientedPosition(orientation, x, y, w, h)
			si := src.PixOffset(x, y)
			copy(dst.Pix[dst.PixOffset(dx, dy):dst.PixOffset(dx, dy)+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// orientedPosition maps source pixel (x, y) of a w×h image to its upright
// position for an EXIF orientation.
func orientedPosition(orientation, x, y, w, h int) (int, int) {
	switch orientation {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return h - 1 - y, x
	case 7:
		return h - 1 - y, w - 1 - x
	default: // 8
		return y, w - 1 - x
	}
}

// encodeJPEG encodes img at quality q.
func encodeJPEG(img image.Image, q int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
