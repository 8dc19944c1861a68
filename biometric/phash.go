package biometric

import (
	"fmt"
	"image"
	"math"
	"math/bits"
	"sort"
	"strconv"
)

// PerceptualHash is a 64-bit DCT hash of an image: visually similar images
// (re-encoded, rescaled, lightly recoloured) have hashes a few bits apart.
// Zero means "no hash".
type PerceptualHash uint64

// MarshalText writes the hash as 16 hex digits.
func (h PerceptualHash) MarshalText() ([]byte, error) {
	return []byte(fmt.Sprintf("%016x", uint64(h))), nil
}

// UnmarshalText reads 16 hex digits.
func (h *PerceptualHash) UnmarshalText(text []byte) error {
	v, err := strconv.ParseUint(string(text), 16, 64)
	if err != nil {
		return fmt.Errorf("biometric: invalid perceptual hash: %w", err)
	}
	*h = PerceptualHash(v)
	return nil
}

// Distance is the number of differing bits between two hashes.
func (h PerceptualHash) Distance(other PerceptualHash) int {
	return bits.OnesCount64(uint64(h ^ other))
}

// phashSize is the side of the grey thumbnail the DCT runs on.
const phashSize = 32

// computePerceptualHash hashes img: a 32×32 grey thumbnail, its 2-D DCT,
// and one bit per low-frequency coefficient (8×8 without the DC term's row
// and column) above the median.
func computePerceptualHash(img *image.RGBA) PerceptualHash {
	thumb := image.NewGray(image.Rect(0, 0, phashSize, phashSize))
	resample(thumb, img, img.Bounds())
	grey := make([]float64, phashSize*phashSize)
	for i, p := range thumb.Pix {
		grey[i] = float64(p)
	}
	coeffs := dct2D(grey, phashSize)
	low := make([]float64, 0, 64)
	for y := 1; y <= 8; y++ {
		for x := 1; x <= 8; x++ {
			low = append(low, coeffs[y*phashSize+x])
		}
	}
	sorted := append([]float64(nil), low...)
	sort.Float64s(sorted)
	median := (sorted[31] + sorted[32]) / 2
	var h uint64
	for i, c := range low {
		if c > median {
			h |= 1 << uint(i)
		}
	}
	return PerceptualHash(h)
}

// dct2D returns the unnormalised 2-D DCT-II of an n×n matrix.
func dct2D(in []float64, n int) []float64 {
	basis := make([]float64, n*n)
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			basis[k*n+i] = math.Cos(math.Pi / float64(n) * (float64(i) + 0.5) * float64(k))
		}
	}
	rows := make([]float64, n*n)
	for y := 0; y < n; y++ {
		for k := 0; k < n; k++ {
			var s float64
			for x := 0; x < n; x++ {
				s += in[y*n+x] * basis[k*n+x]
			}
			rows[y*n+k] = s
		}
	}
	out := make([]float64, n*n)
	for k := 0; k < n; k++ {
		for x := 0; x < n; x++ {
			var s float64
			for y := 0; y < n; y++ {
				s += rows[y*n+x] * basis[k*n+y]
			}
			out[k*n+x] = s
		}
	}
	return out
}
