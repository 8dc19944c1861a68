package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// hitFunc sends one request and reports whether it was answered as
// expected.
type hitFunc func(ctx context.Context) error

// closedResult is one closed-loop run: every worker sends its next request
// as soon as the previous one is answered, so the target runs at its
// saturation throughput.
type closedResult struct {
	OK, Failed int64
	Elapsed    time.Duration
	// CPU is the CPU time used during the run by the load generator and
	// the servers together; ServerCPU the servers' share of it.
	CPU, ServerCPU time.Duration
	FirstError     error
}

// Throughput returns the successful requests per second.
func (r closedResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// CPUPerRequest returns the CPU time of both processes spent per
// request, or 0.
func (r closedResult) CPUPerRequest() time.Duration { return r.perRequest(r.CPU) }

// ServerCPUPerRequest returns the server process's CPU time spent per
// request, or 0.
func (r closedResult) ServerCPUPerRequest() time.Duration { return r.perRequest(r.ServerCPU) }

func (r closedResult) perRequest(d time.Duration) time.Duration {
	if r.OK+r.Failed == 0 {
		return 0
	}
	return d / time.Duration(r.OK+r.Failed)
}

// cpuTimes is the CPU time used so far by the load generator and by the
// server process.
type cpuTimes struct{ generator, server time.Duration }

// errorOnce keeps the first error reported by any goroutine.
type errorOnce struct {
	once sync.Once
	err  error
}

func (e *errorOnce) keep(err error) { e.once.Do(func() { e.err = err }) }

// closedLoop runs workers goroutines sending back-to-back requests for d.
// cpu reads the CPU time used so far by the load generator and the
// servers.
func closedLoop(ctx context.Context, hit hitFunc, workers int, d time.Duration, cpu func() cpuTimes) closedResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ok, failed atomic.Int64
	var first errorOnce
	deadline := time.Now().Add(d)
	start, cpuStart := time.Now(), cpu()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if err := hit(ctx); err != nil {
					failed.Add(1)
					first.keep(err)
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	end := cpu()
	return closedResult{OK: ok.Load(), Failed: failed.Load(), Elapsed: time.Since(start), CPU: end.generator + end.server - cpuStart.generator - cpuStart.server, ServerCPU: end.server - cpuStart.server, FirstError: first.err}
}

// openResult is one open-loop run at a constant arrival rate.
type openResult struct {
	Sent, Failed int64
	// Rate is the achieved arrival rate, requests per second.
	Rate       float64
	Latency    latencySummary
	FirstError error
}

// openLoop sends requests at rate per second for d, each on its own
// goroutine, whatever the state of earlier ones (at most maxInFlight at
// once). A request's latency runs from its scheduled send time, not from
// when it actually left, so a stalled client or server is charged for the
// wait (no coordinated omission).
func openLoop(ctx context.Context, hit hitFunc, rate float64, d time.Duration, maxInFlight int) openResult {
	n := int(rate * d.Seconds())
	if n < 1 || rate <= 0 {
		return openResult{}
	}
	interval := time.Duration(float64(time.Second) / rate)
	latencies := make([]time.Duration, n)
	failed := make([]bool, n)
	slots := make(chan struct{}, maxInFlight)
	var first errorOnce
	var wg sync.WaitGroup
	start := time.Now()
	sent := 0
	for ; sent < n && ctx.Err() == nil; sent++ {
		due := start.Add(time.Duration(sent) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		slots <- struct{}{}
		i := sent
		wg.Go(func() {
			defer func() { <-slots }()
			if err := hit(ctx); err != nil {
				failed[i] = true
				first.keep(err)
			}
			latencies[i] = time.Since(due)
		})
	}
	elapsed := time.Since(start)
	wg.Wait()
	return openResultOf(latencies[:sent], failed[:sent], elapsed, first.err)
}

// openResultOf summarises the latencies of the successful requests.
func openResultOf(latencies []time.Duration, failed []bool, sendTime time.Duration, firstErr error) openResult {
	ok := make([]time.Duration, 0, len(latencies))
	var nFailed int64
	for i, l := range latencies {
		if failed[i] {
			nFailed++
			continue
		}
		ok = append(ok, l)
	}
	r := openResult{Sent: int64(len(latencies)), Failed: nFailed, Latency: summarize(ok), FirstError: firstErr}
	if sendTime > 0 && len(latencies) > 1 {
		r.Rate = float64(len(latencies)-1) / sendTime.Seconds()
	}
	return r
}
