package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// settings bound one measurement.
type settings struct {
	// workers is the closed loop's concurrency.
	workers int
	// duration is the length of each measured run; warmup of the warm-up.
	duration, warmup time.Duration
	// runs is how many times each measurement is repeated; the median is
	// reported.
	runs int
	// maxInFlight caps the open loop's outstanding requests.
	maxInFlight int
	// cpu reads the CPU time used so far by the load generator and by the
	// server process.
	cpu func() cpuTimes
}

// row is one measured target.
type row struct {
	// key identifies the row (keyBare, keySQLite, ...); name is shown.
	key  string
	name string
	// skipped says why the target was not measured; empty when it was.
	skipped string
	// rateFrom, when set, is the row whose rate this one is measured at,
	// instead of half its own saturation (the proxy's direct upstream).
	rateFrom *row
	target   *target

	throughputs []float64
	maxRPS      float64
	// cpuPerRequest is the median CPU time per request at saturation,
	// load generator and servers together.
	cpuPerRequests []time.Duration
	cpuPerRequest  time.Duration
	// serverCPUPerRequest is the server process's share of it.
	serverCPUPerRequests []time.Duration
	serverCPUPerRequest  time.Duration
	rate                 float64
	p50s, p99s           []time.Duration
	p50, p99             time.Duration
	sent                 int64
	failed               int64
	firstError           error
}

// measured reports whether the row holds numbers.
func (r *row) measured() bool { return r.skipped == "" && r.target != nil }

// measureThroughput warms every target up, then runs the closed loop
// s.runs times, the targets taking turns in each round so that a burst of
// noise from outside hits them all alike. It keeps the median.
func measureThroughput(ctx context.Context, rows []*row, s settings, progress io.Writer) {
	for _, r := range rows {
		if r.measured() && r.rateFrom == nil {
			closedLoop(ctx, r.target.hit, s.workers, s.warmup, s.cpu)
		}
	}
	for run := range s.runs {
		for _, r := range rows {
			if !r.measured() || r.rateFrom != nil {
				continue
			}
			res := closedLoop(ctx, r.target.hit, s.workers, s.duration, s.cpu)
			r.throughputs = append(r.throughputs, res.Throughput())
			r.cpuPerRequests = append(r.cpuPerRequests, res.CPUPerRequest())
			r.serverCPUPerRequests = append(r.serverCPUPerRequests, res.ServerCPUPerRequest())
			r.count(res.OK+res.Failed, res.Failed, res.FirstError)
			fmt.Fprintf(progress, "throughput run %d/%d  %-40s %8.0f req/s  %6.0f µs CPU/request (server %.0f µs)  (%d failed)\n",
				run+1, s.runs, r.name, res.Throughput(), float64(res.CPUPerRequest())/1e3, float64(res.ServerCPUPerRequest())/1e3, res.Failed)
		}
	}
	for _, r := range rows {
		if len(r.throughputs) > 0 {
			r.maxRPS = median(r.throughputs)
			r.rate = r.maxRPS / 2
			r.cpuPerRequest = medianDuration(r.cpuPerRequests)
			r.serverCPUPerRequest = medianDuration(r.serverCPUPerRequests)
		}
	}
	for _, r := range rows {
		if r.rateFrom != nil {
			r.rate = r.rateFrom.rate
		}
	}
}

// measureLatency runs the open loop at each row's rate s.runs times, in
// rounds like measureThroughput, and keeps the median p50 and p99.
func measureLatency(ctx context.Context, rows []*row, s settings, progress io.Writer) {
	for run := range s.runs {
		for _, r := range rows {
			if !r.measured() || r.rate <= 0 {
				continue
			}
			res := openLoop(ctx, r.target.hit, r.rate, s.duration, s.maxInFlight)
			r.p50s = append(r.p50s, res.Latency.P50)
			r.p99s = append(r.p99s, res.Latency.P99)
			r.count(res.Sent, res.Failed, res.FirstError)
			fmt.Fprintf(progress, "latency run %d/%d     %-40s at %6.0f req/s (achieved %6.0f): p50 %s  p99 %s  (%d failed)\n",
				run+1, s.runs, r.name, r.rate, res.Rate, ms(res.Latency.P50), ms(res.Latency.P99), res.Failed)
		}
	}
	for _, r := range rows {
		if len(r.p50s) > 0 {
			r.p50 = medianDuration(r.p50s)
			r.p99 = medianDuration(r.p99s)
		}
	}
}

// count adds a run's request and failure counts.
func (r *row) count(sent, failed int64, err error) {
	r.sent += sent
	r.failed += failed
	if r.firstError == nil && err != nil {
		r.firstError = err
	}
}
