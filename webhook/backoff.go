package webhook

import "time"

// Backoff returns the wait after the given failed attempt (1 for the first):
// d = initial·2^(attempt−1) capped at max, then a uniformly random value in
// [d/2, d] ("equal jitter"), so that receivers coming back up are not hit by
// every sender at once. random must return values in [0, 1).
func Backoff(attempt int, initial, max time.Duration, random func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := initial
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max || d <= 0 {
		d = max
	}
	half := d / 2
	return half + time.Duration(random()*float64(d-half))
}
