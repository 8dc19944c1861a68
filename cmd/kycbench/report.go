package main

import (
	"fmt"
	"strings"
	"time"
)

// Row keys: the targets the report compares.
const (
	keyBare     = "bare"
	keySQLite   = "sqlite"
	keyPostgres = "postgres"
	keyProxy    = "proxy"
	keyUpstream = "upstream"
)

// The targets on the 2-core machine.
const (
	targetThroughputRatio = 0.6
	targetP99             = 5 * time.Millisecond
	targetProxyAdded      = 300 * time.Microsecond
)

// report is everything the table and its notes are made from.
type report struct {
	rows     []*row
	machine  machine
	command  string
	date     time.Time
	settings settings
}

// find returns the row with key, or nil.
func (r report) find(key string) *row {
	for _, x := range r.rows {
		if x.key == key {
			return x
		}
	}
	return nil
}

// proxyAdded returns the proxy's p50 minus the direct upstream's p50 at
// the same rate, and whether both were measured.
func (r report) proxyAdded() (time.Duration, bool) {
	proxy, upstream := r.find(keyProxy), r.find(keyUpstream)
	if proxy == nil || upstream == nil || proxy.p50 == 0 || upstream.p50 == 0 {
		return 0, false
	}
	return proxy.p50 - upstream.p50, true
}

// renderTable returns the results as a Markdown table.
func renderTable(r report) string {
	var b strings.Builder
	b.WriteString("| Target | Throughput at saturation | × bare | CPU per request | × bare by CPU | of which server | Latency measured at | p50 | p99 | p50 × bare | p99 × bare | Failed |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	bare := r.find(keyBare)
	for _, x := range r.rows {
		b.WriteString(renderRow(x, bare))
	}
	return b.String()
}

// renderRow returns one table line.
func renderRow(x, bare *row) string {
	if !x.measured() {
		return fmt.Sprintf("| %s | skipped: %s | — | — | — | — | — | — | — | — | — | — |\n", x.name, x.skipped)
	}
	throughput, ratio, cpu, cpuRatio, serverCPU := "—", "—", "—", "—", "—"
	if x.rateFrom == nil {
		throughput = reqPerSec(x.maxRPS)
		ratio = ratioOf(x.maxRPS, bareValue(bare, func(b *row) float64 { return b.maxRPS }))
		cpu = cpuMicros(x.cpuPerRequest)
		serverCPU = cpuMicros(x.serverCPUPerRequest)
		// Less CPU per request means more requests: the ratio is inverted.
		cpuRatio = ratioOf(bareValue(bare, func(b *row) float64 { return float64(b.cpuPerRequest) }), float64(x.cpuPerRequest))
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s of %s |\n",
		x.name, throughput, ratio, cpu, cpuRatio, serverCPU, reqPerSec(x.rate), ms(x.p50), ms(x.p99),
		ratioOf(float64(x.p50), bareValue(bare, func(b *row) float64 { return float64(b.p50) })),
		ratioOf(float64(x.p99), bareValue(bare, func(b *row) float64 { return float64(b.p99) })),
		groupThousands(x.failed), groupThousands(x.sent))
}

// bareValue returns f of the bare row, or 0 when it was not measured.
func bareValue(bare *row, f func(*row) float64) float64 {
	if bare == nil || !bare.measured() {
		return 0
	}
	return f(bare)
}

// renderVerdicts returns one line per target of the issue: the measured
// value and whether it is met.
func renderVerdicts(r report) string {
	var b strings.Builder
	bare := r.find(keyBare)
	for _, key := range []string{keySQLite, keyPostgres} {
		x := r.find(key)
		if x == nil || !x.measured() {
			continue
		}
		if bare != nil && bare.measured() && bare.maxRPS > 0 {
			got := x.maxRPS / bare.maxRPS
			byCPU := ""
			if x.cpuPerRequest > 0 && bare.cpuPerRequest > 0 {
				byCPU = fmt.Sprintf(", %.2f × by CPU per request", float64(bare.cpuPerRequest)/float64(x.cpuPerRequest))
			}
			fmt.Fprintf(&b, "- %s: throughput %.2f × the bare handler's%s (target ≥ %.1f): %s\n",
				x.name, got, byCPU, targetThroughputRatio, verdict(got >= targetThroughputRatio))
		}
		fmt.Fprintf(&b, "- %s: p99 %s at half its maximum rate (target ≤ %s): %s\n", x.name, ms(x.p99), ms(targetP99), verdict(x.p99 > 0 && x.p99 <= targetP99))
	}
	if added, ok := r.proxyAdded(); ok {
		up := r.find(keyUpstream)
		fmt.Fprintf(&b, "- proxying through the camara adapter adds %s at p50 over the direct upstream at the same rate, %s (target ≤ %s): %s\n",
			ms(added), reqPerSec(up.rate), ms(targetProxyAdded), verdict(added <= targetProxyAdded))
	}
	return b.String()
}

// verdict words a target check.
func verdict(met bool) string {
	if met {
		return "**met**"
	}
	return "**not met**"
}

// renderSection returns the block written into PERFORMANCE.md: how and
// where the numbers were measured, the table and the verdicts.
func renderSection(r report) string {
	var b strings.Builder
	m := r.machine
	fmt.Fprintf(&b, "Measured %s with\n\n    %s\n\n", r.date.UTC().Format("2006-01-02 15:04 MST"), r.command)
	fmt.Fprintf(&b, "on %d CPUs (%s), GOMAXPROCS %d, %s", m.CPUs, m.CPUModel, m.GOMAXPROCS, m.GoVersion)
	if m.LoadAverage != "" {
		fmt.Fprintf(&b, "; 1-minute load average %s before the run", m.LoadAverage)
	}
	b.WriteString(". The load generator runs in one process and every server in a second one, both on 127.0.0.1 and sharing these CPUs. ")
	fmt.Fprintf(&b, "Throughput: %d closed-loop workers; CPU per request: the CPU time of both processes over the requests of those runs, and the server process's share of it; latency: open loop at half the throughput, timed from each request's scheduled send time. ", r.settings.workers)
	fmt.Fprintf(&b, "Each number is the median of %d runs of %s.\n\n", r.settings.runs, r.settings.duration)
	b.WriteString(renderTable(r))
	b.WriteString("\n")
	b.WriteString(renderVerdicts(r))
	return b.String()
}

// The markers around the generated block in PERFORMANCE.md.
const (
	beginMarker = "<!-- kycbench:begin -->"
	endMarker   = "<!-- kycbench:end -->"
)

// replaceSection returns doc with the text between the markers replaced
// by section. It fails when the markers are missing or out of order.
func replaceSection(doc, section string) (string, error) {
	begin := strings.Index(doc, beginMarker)
	end := strings.Index(doc, endMarker)
	if begin < 0 || end < 0 || end < begin {
		return "", fmt.Errorf("the document has no %s … %s block", beginMarker, endMarker)
	}
	head := doc[:begin+len(beginMarker)]
	tail := doc[end:]
	return head + "\n" + strings.TrimRight(section, "\n") + "\n" + tail, nil
}

// micros formats a duration in whole microseconds.
// cpuMicros is micros for a CPU time, "—" when it was not measured.
func cpuMicros(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return micros(d)
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%d µs", d.Round(time.Microsecond).Microseconds())
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// reqPerSec formats a rate with thin grouping, e.g. "12 345 req/s".
func reqPerSec(rate float64) string {
	return groupThousands(int64(rate+0.5)) + " req/s"
}

// groupThousands writes n with a space between groups of three digits.
func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ratioOf formats x/base with two decimals, or "—" without a base.
func ratioOf(x, base float64) string {
	if base <= 0 || x <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", x/base)
}
