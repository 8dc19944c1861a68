package biometric

import (
	"image"
	"math"
)

// qualitySide is the side of the grey face crop on which sharpness and
// exposure are measured, so that values compare across resolutions.
const qualitySide = 128

// faceGrey returns the face box as a qualitySide×qualitySide grey image.
func faceGrey(img *image.RGBA, box Box) *image.Gray {
	crop := squareCrop(box, 1, img.Bounds())
	grey := image.NewGray(image.Rect(0, 0, qualitySide, qualitySide))
	resample(grey, img, crop)
	return grey
}

// laplacianVariance is the variance of the 4-neighbour Laplacian: low for
// blurred images.
func laplacianVariance(g *image.Gray) float64 {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	var sum, sumSq float64
	n := 0
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			c := 4*float64(g.GrayAt(x, y).Y) - float64(g.GrayAt(x-1, y).Y) - float64(g.GrayAt(x+1, y).Y) -
				float64(g.GrayAt(x, y-1).Y) - float64(g.GrayAt(x, y+1).Y)
			sum += c
			sumSq += c * c
			n++
		}
	}
	if n == 0 {
		return 0
	}
	mean := sum / float64(n)
	return sumSq/float64(n) - mean*mean
}

// exposure returns the mean grey level and the fraction of pixels that are
// clipped to black (≤ 5) or white (≥ 250).
func exposure(g *image.Gray) (mean, clipped float64) {
	if len(g.Pix) == 0 {
		return 0, 0
	}
	var sum float64
	var clip int
	for _, p := range g.Pix {
		sum += float64(p)
		if p <= 5 || p >= 250 {
			clip++
		}
	}
	n := float64(len(g.Pix))
	return sum / n, float64(clip) / n
}

// estimatePose derives roll, yaw and pitch from 68 landmarks.
func estimatePose(lm []Point) Pose {
	if len(lm) != landmarkCount {
		return Pose{}
	}
	p := fivePoints(lm)
	eyeR, eyeL, nose := p[0], p[1], p[2]
	mouth := Point{X: (p[3].X + p[4].X) / 2, Y: (p[3].Y + p[4].Y) / 2}
	angle := math.Atan2(eyeL.Y-eyeR.Y, eyeL.X-eyeR.X)
	cos, sin := math.Cos(-angle), math.Sin(-angle)
	rot := func(q Point) Point { return Point{X: q.X*cos - q.Y*sin, Y: q.X*sin + q.Y*cos} }
	eyeR, eyeL, nose, mouth = rot(eyeR), rot(eyeL), rot(nose), rot(mouth)
	pose := Pose{RollDegrees: angle * 180 / math.Pi}
	if d := eyeL.X - eyeR.X; d > 0 {
		pose.Yaw = clamp(((nose.X-eyeR.X)-(eyeL.X-nose.X))/d, -1, 1)
	}
	eyeY := (eyeR.Y + eyeL.Y) / 2
	if d := mouth.Y - eyeY; d > 0 {
		pose.Pitch = clamp((nose.Y-eyeY)/d-frontalNoseRatio, -1, 1)
	}
	return pose
}

// frontalNoseRatio is the nose tip's height between eye line (0) and mouth
// (1) on a frontal face, measured on the shared test photos.
const frontalNoseRatio = 0.52

// poseValue folds a pose into one 0–1+ value: the largest of |roll|/45°,
// |yaw| and 2·|pitch|.
func poseValue(p Pose) float64 {
	return math.Max(math.Abs(p.RollDegrees)/45, math.Max(math.Abs(p.Yaw), 2*math.Abs(p.Pitch)))
}
