package biometric

import (
	"image"
	"math"
	"math/cmplx"
	"sort"

	xdraw "golang.org/x/image/draw"
)

// moireSide is the side of the square window whose spectrum is examined.
const moireSide = 256

// Frequency band searched for moiré peaks, in cycles per window: below the
// band natural image energy dominates; the axes are skipped because edges
// and the window border put energy there.
const (
	moireMinRadius = 20
	moireMaxRadius = 120
	moireAxisGap   = 3
)

// moireStrength measures isolated peaks in the 2-D amplitude spectrum of a
// window centred on the face: a photographed screen or a printed halftone
// adds a periodic pattern that shows as bright points standing far above
// the other frequencies of the same radius. The result is the largest
// ratio of a frequency's amplitude to the median amplitude of its ring.
func moireStrength(img *image.RGBA, box Box) float64 {
	window := moireWindow(img, box)
	spectrum := fft2D(window, moireSide)
	half := moireSide / 2
	rings := make([][]float64, moireMaxRadius+1)
	type bin struct {
		ring int
		amp  float64
	}
	var bins []bin
	for v := -half; v < half; v++ {
		for u := 0; u < half; u++ { // the spectrum of a real signal is symmetric
			if abs(u) < moireAxisGap || abs(v) < moireAxisGap {
				continue
			}
			r := int(math.Round(math.Hypot(float64(u), float64(v))))
			if r < moireMinRadius || r > moireMaxRadius {
				continue
			}
			amp := cmplx.Abs(spectrum[((v+moireSide)%moireSide)*moireSide+u])
			rings[r] = append(rings[r], amp)
			bins = append(bins, bin{ring: r, amp: amp})
		}
	}
	medians := make([]float64, len(rings))
	for r, amps := range rings {
		medians[r] = median(amps)
	}
	var strongest float64
	for _, b := range bins {
		if m := medians[b.ring]; m > 0 {
			strongest = math.Max(strongest, b.amp/m)
		}
	}
	return strongest
}

// moireWindow returns a moireSide² grey window centred on the face, at
// native resolution when the face is large enough, mean-removed and
// multiplied by a Hann window.
func moireWindow(img *image.RGBA, box Box) []complex128 {
	side := math.Min(math.Max(box.Width, box.Height), moireSide)
	crop := squareCrop(Box{X: box.X + box.Width/2 - side/2, Y: box.Y + box.Height/2 - side/2, Width: side, Height: side}, 1, img.Bounds())
	grey := image.NewGray(image.Rect(0, 0, moireSide, moireSide))
	xdraw.BiLinear.Scale(grey, grey.Bounds(), img, crop, xdraw.Src, nil)
	var mean float64
	for _, p := range grey.Pix {
		mean += float64(p)
	}
	mean /= float64(len(grey.Pix))
	hann := make([]float64, moireSide)
	for i := range hann {
		hann[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(moireSide-1))
	}
	out := make([]complex128, moireSide*moireSide)
	for y := 0; y < moireSide; y++ {
		for x := 0; x < moireSide; x++ {
			out[y*moireSide+x] = complex((float64(grey.Pix[y*grey.Stride+x])-mean)*hann[x]*hann[y], 0)
		}
	}
	return out
}

// fft2D transforms an n×n matrix (n a power of two) in place, rows then
// columns, and returns it.
func fft2D(data []complex128, n int) []complex128 {
	for y := 0; y < n; y++ {
		fft(data[y*n : (y+1)*n])
	}
	col := make([]complex128, n)
	for x := 0; x < n; x++ {
		for y := 0; y < n; y++ {
			col[y] = data[y*n+x]
		}
		fft(col)
		for y := 0; y < n; y++ {
			data[y*n+x] = col[y]
		}
	}
	return data
}

// fft is an iterative radix-2 Cooley–Tukey transform; len(a) must be a
// power of two.
func fft(a []complex128) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		step := cmplx.Exp(complex(0, -2*math.Pi/float64(size)))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				even, odd := a[start+k], a[start+k+size/2]*w
				a[start+k], a[start+k+size/2] = even+odd, even-odd
				w *= step
			}
		}
	}
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	return sorted[len(sorted)/2]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
