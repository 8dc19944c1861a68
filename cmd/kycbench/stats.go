package main

import (
	"math"
	"slices"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted, by the
// nearest-rank method: the smallest value such that at least p percent of
// the values are less than or equal to it. It returns 0 for an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// median returns the middle value of xs (the mean of the two middle values
// for an even count), or 0 for none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// medianDuration is median over durations.
func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(math.Round(median(xs)))
}

// latencySummary is the distribution of one run's latencies.
type latencySummary struct {
	P50, P99, Max time.Duration
}

// summarize sorts latencies in place and returns their percentiles.
func summarize(latencies []time.Duration) latencySummary {
	slices.Sort(latencies)
	if len(latencies) == 0 {
		return latencySummary{}
	}
	return latencySummary{
		P50: percentile(latencies, 50),
		P99: percentile(latencies, 99),
		Max: latencies[len(latencies)-1],
	}
}
