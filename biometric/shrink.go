package biometric

import (
	"image"

	xdraw "golang.org/x/image/draw"
)

// resample scales the sr part of src into all of dst with a bilinear
// kernel, after an integer box shrink when sr is more than twice the size
// of dst.
func resample(dst xdraw.Image, src *image.RGBA, sr image.Rectangle) {
	sub, ok := src.SubImage(sr).(*image.RGBA)
	if !ok || sub.Bounds().Empty() {
		return
	}
	small := shrinkToward(sub, dst.Bounds().Dx(), dst.Bounds().Dy())
	xdraw.BiLinear.Scale(dst, dst.Bounds(), small, small.Bounds(), xdraw.Src, nil)
}

// shrinkToward returns img reduced by the largest integer factor that keeps
// it at least twice the w×h target in both directions, averaging each k×k
// block. A kernel scaler then finishes the resize from far fewer pixels; the
// result is the same area average the kernel would compute, at a fraction
// of the cost. Images already small enough are returned as they are.
func shrinkToward(img *image.RGBA, w, h int) *image.RGBA {
	b := img.Bounds()
	k := min(b.Dx()/(2*w), b.Dy()/(2*h))
	if k < 2 {
		return img
	}
	return shrinkBy(img, k)
}

// shrinkBy averages k×k blocks of img (k ≥ 2); partial blocks at the right
// and bottom edges are dropped. img may be a sub-image.
func shrinkBy(img *image.RGBA, k int) *image.RGBA {
	b := img.Bounds()
	ow, oh := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	sums := make([]uint32, 4*ow)
	area := uint32(k * k)
	for oy := 0; oy < oh; oy++ {
		clear(sums)
		for dy := 0; dy < k; dy++ {
			row := img.Pix[(oy*k+dy)*img.Stride:]
			for ox := 0; ox < ow; ox++ {
				block := row[4*ox*k : 4*(ox+1)*k]
				s := sums[4*ox : 4*ox+4]
				for i := 0; i < len(block); i += 4 {
					s[0] += uint32(block[i])
					s[1] += uint32(block[i+1])
					s[2] += uint32(block[i+2])
					s[3] += uint32(block[i+3])
				}
			}
		}
		dst := out.Pix[oy*out.Stride:]
		for i := 0; i < 4*ow; i++ {
			dst[i] = uint8((sums[i] + area/2) / area)
		}
	}
	return out
}
