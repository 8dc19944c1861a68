package biometric

import (
	"image"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// arcFaceTemplate is the standard position of the eye centres, nose tip and
// mouth corners in a 112×112 aligned face, as used by ArcFace-family
// embedding models.
var arcFaceTemplate = [5]Point{
	{X: 38.2946, Y: 51.6963},
	{X: 73.5318, Y: 51.5014},
	{X: 56.0252, Y: 71.7366},
	{X: 41.5493, Y: 92.3655},
	{X: 70.7299, Y: 92.2041},
}

// similarity is x' = a·x − b·y + tx, y' = b·x + a·y + ty: rotation, uniform
// scale and translation.
type similarity struct{ a, b, tx, ty float64 }

// fitSimilarity returns the least-squares similarity mapping src onto dst.
func fitSimilarity(src, dst [5]Point) similarity {
	sm, dm := meanPoint(src[:]), meanPoint(dst[:])
	var num1, num2, den float64
	for i := range src {
		px, py := src[i].X-sm.X, src[i].Y-sm.Y
		qx, qy := dst[i].X-dm.X, dst[i].Y-dm.Y
		num1 += px*qx + py*qy
		num2 += px*qy - py*qx
		den += px*px + py*py
	}
	if den == 0 {
		return similarity{a: 1, tx: dm.X - sm.X, ty: dm.Y - sm.Y}
	}
	a, b := num1/den, num2/den
	return similarity{
		a: a, b: b,
		tx: dm.X - (a*sm.X - b*sm.Y),
		ty: dm.Y - (b*sm.X + a*sm.Y),
	}
}

// alignFace warps the face with landmarks lm onto the ArcFace template
// scaled to size×size.
func alignFace(img *image.RGBA, lm []Point, size int) *image.RGBA {
	k := float64(size) / 112
	var dst [5]Point
	for i, p := range arcFaceTemplate {
		dst[i] = Point{X: p.X * k, Y: p.Y * k}
	}
	src, points := alignmentSource(img, fivePoints(lm), size)
	s := fitSimilarity(points, dst)
	out := image.NewRGBA(image.Rect(0, 0, size, size))
	m := f64.Aff3{s.a, -s.b, s.tx, s.b, s.a, s.ty}
	xdraw.BiLinear.Transform(out, m, src, src.Bounds(), xdraw.Src, nil)
	return out
}

// alignmentSource returns the region around a large face, box-shrunk so
// that the face is about twice the aligned size, with the points mapped
// into it; small faces use the image as it is.
func alignmentSource(img *image.RGBA, points [5]Point, size int) (*image.RGBA, [5]Point) {
	minX, minY, maxX, maxY := points[0].X, points[0].Y, points[0].X, points[0].Y
	for _, p := range points[1:] {
		minX, minY = min(minX, p.X), min(minY, p.Y)
		maxX, maxY = max(maxX, p.X), max(maxY, p.Y)
	}
	// The five points span about a third of the aligned face; keep a wide
	// margin so the warp never samples outside the region.
	span := max(maxX-minX, maxY-minY)
	k := int(span * 3 / float64(2*size))
	if k < 2 {
		return img, points
	}
	margin := 2 * span
	region := image.Rect(int(minX-margin), int(minY-margin), int(maxX+margin), int(maxY+margin)).Intersect(img.Bounds())
	sub, ok := img.SubImage(region).(*image.RGBA)
	if !ok || region.Dx() < 2*k || region.Dy() < 2*k {
		return img, points
	}
	small := shrinkBy(sub, k)
	for i, p := range points {
		points[i] = Point{X: (p.X - float64(region.Min.X)) / float64(k), Y: (p.Y - float64(region.Min.Y)) / float64(k)}
	}
	return small, points
}
