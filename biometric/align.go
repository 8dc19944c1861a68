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
	s := fitSimilarity(fivePoints(lm), dst)
	out := image.NewRGBA(image.Rect(0, 0, size, size))
	m := f64.Aff3{s.a, -s.b, s.tx, s.b, s.a, s.ty}
	xdraw.BiLinear.Transform(out, m, img, img.Bounds(), xdraw.Src, nil)
	return out
}
