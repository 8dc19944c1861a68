package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ms2(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", []time.Duration{7}, 99, 7},
		{"median of 100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the minimum", hundred, 0.001, time.Millisecond},
		{"p50 of two is the lower", []time.Duration{1, 2}, 50, 1},
		{"p99 of three is the maximum", []time.Duration{1, 2, 3}, 99, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, percentile(tt.sorted, tt.p))
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"none", nil, 0},
		{"odd count, unsorted", []float64{9, 1, 5}, 5},
		{"even count is the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.xs...)
			assert.Equal(t, tt.want, median(in))
			assert.Equal(t, tt.xs, in, "the input is left as it was")
		})
	}
	assert.Equal(t, 3*time.Millisecond, medianDuration([]time.Duration{ms2(5), ms2(1), ms2(3)}))
}

func TestSummarize(t *testing.T) {
	got := summarize([]time.Duration{ms2(3), ms2(1), ms2(2), ms2(10)})
	assert.Equal(t, latencySummary{P50: ms2(2), P99: ms2(10), Max: ms2(10)}, got)
	assert.Equal(t, latencySummary{}, summarize(nil))
}

func TestOpenResultCountsFailuresApart(t *testing.T) {
	r := openResultOf([]time.Duration{ms2(1), ms2(100), ms2(2), ms2(3)}, []bool{false, true, false, false}, time.Second, nil)
	assert.Equal(t, int64(4), r.Sent)
	assert.Equal(t, int64(1), r.Failed)
	assert.Equal(t, ms2(2), r.Latency.P50, "a failed request's latency is left out")
	assert.Equal(t, ms2(3), r.Latency.P99)
	assert.InDelta(t, 3.0, r.Rate, 1e-9)
}

// sampleReport is a report with every kind of row.
func sampleReport() report {
	bare := &row{key: keyBare, name: "bare", target: &target{}, maxRPS: 10000, rate: 5000, cpuPerRequest: 100 * time.Microsecond,
		serverCPUPerRequest: 40 * time.Microsecond, p50: ms2(0.2), p99: ms2(1), sent: 12345, failed: 0}
	sqlite := &row{key: keySQLite, name: "sqlite", target: &target{}, maxRPS: 4000, rate: 2000, cpuPerRequest: 250 * time.Microsecond,
		serverCPUPerRequest: 190 * time.Microsecond, p50: ms2(0.5), p99: ms2(4), sent: 5000, failed: 2}
	pg := &row{key: keyPostgres, name: "postgres", skipped: "KYCGATE_BENCH_POSTGRES_DSN is not set"}
	proxy := &row{key: keyProxy, name: "proxy", target: &target{}, maxRPS: 2000, rate: 1000, cpuPerRequest: 500 * time.Microsecond,
		p50: ms2(0.9), p99: ms2(6), sent: 3000}
	up := &row{key: keyUpstream, name: "upstream", target: &target{}, rateFrom: proxy, rate: 1000, p50: ms2(0.5), p99: ms2(2), sent: 3000}
	return report{
		rows:     []*row{bare, sqlite, pg, proxy, up},
		machine:  machine{CPUs: 2, GOMAXPROCS: 2, CPUModel: "Test CPU", GoVersion: "go1.26 linux/amd64", LoadAverage: "0.42"},
		command:  "go run ./cmd/kycbench -runs 3",
		date:     time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC),
		settings: settings{workers: 16, runs: 3, duration: 3 * time.Second},
	}
}

func TestRenderTable(t *testing.T) {
	got := renderTable(sampleReport())
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	require.Len(t, lines, 7)
	for _, l := range lines {
		assert.Equal(t, 13, strings.Count(l, "|"), "every line has 12 cells: %s", l)
	}
	assert.Equal(t, "| bare | 10 000 req/s | 1.00 | 100 µs | 1.00 | 40 µs | 5 000 req/s | 0.20 ms | 1.00 ms | 1.00 | 1.00 | 0 of 12 345 |", lines[2])
	assert.Equal(t, "| sqlite | 4 000 req/s | 0.40 | 250 µs | 0.40 | 190 µs | 2 000 req/s | 0.50 ms | 4.00 ms | 2.50 | 4.00 | 2 of 5 000 |", lines[3])
	assert.Equal(t, "| postgres | skipped: KYCGATE_BENCH_POSTGRES_DSN is not set | — | — | — | — | — | — | — | — | — | — |", lines[4])
	assert.Equal(t, "| upstream | — | — | — | — | — | 1 000 req/s | 0.50 ms | 2.00 ms | 2.50 | 2.00 | 0 of 3 000 |", lines[6])
}

func TestRenderVerdicts(t *testing.T) {
	got := renderVerdicts(sampleReport())
	assert.Contains(t, got, "- sqlite: throughput 0.40 × the bare handler's, 0.40 × by CPU per request (target ≥ 0.6): **not met**")
	assert.Contains(t, got, "- sqlite: p99 4.00 ms at half its maximum rate (target ≤ 5.00 ms): **met**")
	assert.Contains(t, got, "adds 0.40 ms at p50 over the direct upstream at the same rate, 1 000 req/s (target ≤ 0.30 ms): **not met**")
	assert.NotContains(t, got, "postgres", "a skipped target has no verdict")
}

func TestRenderSectionNamesCommandAndMachine(t *testing.T) {
	got := renderSection(sampleReport())
	assert.True(t, strings.HasPrefix(got, "Measured 2026-11-25 14:30 UTC with\n\n    go run ./cmd/kycbench -runs 3\n\n"))
	assert.Contains(t, got, "on 2 CPUs (Test CPU), GOMAXPROCS 2, go1.26 linux/amd64; 1-minute load average 0.42 before the run.")
	assert.Contains(t, got, "sharing these CPUs")
	assert.Contains(t, got, "median of 3 runs of 3s")
	assert.Contains(t, got, renderTable(sampleReport()))
}

func TestReplaceSection(t *testing.T) {
	doc := "# Title\n\nintro\n" + beginMarker + "\nold table\n" + endMarker + "\n\n## After\n"
	got, err := replaceSection(doc, "new table\n\n")
	require.NoError(t, err)
	assert.Equal(t, "# Title\n\nintro\n"+beginMarker+"\nnew table\n"+endMarker+"\n\n## After\n", got)

	again, err := replaceSection(got, "new table\n")
	require.NoError(t, err)
	assert.Equal(t, got, again, "rewriting with the same section changes nothing")

	for _, bad := range []string{"no markers", endMarker + beginMarker, beginMarker + " only"} {
		_, err := replaceSection(bad, "x")
		assert.Error(t, err, bad)
	}
}

func TestGroupThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 123456: "123 456", 1234567: "1 234 567", -4200: "-4 200"} {
		assert.Equal(t, want, groupThousands(n))
	}
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	assert.Equal(t, "AMD EPYC 7B13", cpuModel(strings.NewReader(info)))
	assert.Equal(t, "", cpuModel(strings.NewReader("processor : 0\n")))
}

func TestParseOptionsBoundsTheRun(t *testing.T) {
	o, err := parseOptions(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 3, o.runs)
	assert.Equal(t, map[string]bool{keyBare: true, keySQLite: true, keyPostgres: true, keyProxy: true}, o.selected())
	for _, args := range [][]string{
		{"-workers", "0"}, {"-workers", "5000"}, {"-duration", "10m"}, {"-duration", "1ms"}, {"-runs", "0"}, {"-runs", "11"},
		{"-targets", "bare,mystery"}, {"-subscribers", "0"}, {"-max-in-flight", "0"}, {"-timeout", "0s"}, {"extra"},
	} {
		_, err := parseOptions(args, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}

func TestCommandQuotesArgumentsAndHidesTheDSN(t *testing.T) {
	t.Setenv("KYCBENCH_TEST_DSN", "postgres://user:secret@127.0.0.1/db")
	o, err := parseOptions([]string{"-postgres-env", "KYCBENCH_TEST_DSN", "-targets", "bare,postgres", "-write", "docs/PERFORMANCE.md"}, io.Discard)
	require.NoError(t, err)
	got := o.command()
	assert.Equal(t, "KYCBENCH_TEST_DSN='<DSN of a throw-away database>' go run ./cmd/kycbench -postgres-env KYCBENCH_TEST_DSN -targets bare,postgres -write docs/PERFORMANCE.md", got)
	assert.NotContains(t, got, "secret")
	assert.Equal(t, `'it'\''s here'`, shellQuote("it's here"))
}

// TestLoopsAgainstALoopbackServer runs both loops briefly against the
// bare handler and checks what they count.
func TestLoopsAgainstALoopbackServer(t *testing.T) {
	answer := []byte(`{"nameMatch":"true"}`)
	srv := httptest.NewServer(bareHandler(answer))
	t.Cleanup(srv.Close)
	tg := newTarget(srv.URL, "token", [][]byte{[]byte(`{"a":"b"}`)}, 4)
	t.Cleanup(tg.close)

	got, err := tg.answer(context.Background())
	require.NoError(t, err)
	assert.Equal(t, answer, got)

	closed := closedLoop(context.Background(), tg.hit, 2, 200*time.Millisecond, generatorOnly)
	assert.Positive(t, closed.OK)
	assert.Zero(t, closed.Failed)
	assert.Positive(t, closed.Throughput())

	open := openLoop(context.Background(), tg.hit, 200, 250*time.Millisecond, 8)
	assert.Equal(t, int64(50), open.Sent)
	assert.Zero(t, open.Failed)
	assert.Positive(t, open.Latency.P50)
	assert.GreaterOrEqual(t, open.Latency.P99, open.Latency.P50)
}

func TestLoopsCountFailures(t *testing.T) {
	var calls atomic.Int64
	failing := func(context.Context) error {
		if calls.Add(1)%2 == 0 {
			return errors.New("refused")
		}
		return nil
	}
	closed := closedLoop(context.Background(), failing, 1, 50*time.Millisecond, generatorOnly)
	assert.Positive(t, closed.Failed)
	assert.EqualError(t, closed.FirstError, "refused")

	open := openLoop(context.Background(), failing, 400, 50*time.Millisecond, 4)
	assert.Equal(t, int64(20), open.Sent)
	assert.Equal(t, int64(10), open.Failed)
}

func TestTargetRefusesAnErrorAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":503}`))
	}))
	t.Cleanup(srv.Close)
	tg := newTarget(srv.URL, "token", [][]byte{[]byte(`{}`)}, 1)
	t.Cleanup(tg.close)
	assert.ErrorContains(t, tg.hit(context.Background()), "answered 503")
	_, err := tg.answer(context.Background())
	assert.ErrorContains(t, err, "answered 503")
}

func TestSyntheticRequestsFitTheirSubscribers(t *testing.T) {
	subs := syntheticSubscribers(6)
	bodies, err := matchBodies(subs)
	require.NoError(t, err)
	require.Len(t, bodies, 6)
	assert.Equal(t, "+34600100005", subs[5].PhoneNumber)
	assert.Contains(t, string(bodies[1]), `"phoneNumber":"+34600100001"`)
	assert.Len(t, subs[0].Attributes, 24, "every 0.4 attribute is on record")
}

func TestChildCPUReadsAProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the server process's CPU time is read from /proc on Linux only")
	}
	busy := time.Now().Add(30 * time.Millisecond)
	for time.Now().Before(busy) { // use some CPU, so that it shows in /proc
	}
	assert.Positive(t, childCPU(os.Getpid()), "this process's own CPU time, read as a child's would be")
	assert.Zero(t, childCPU(-1), "no such process")
}

// generatorOnly reads this process's CPU time alone, for loops against a
// server in the same process.
func generatorOnly() cpuTimes { return cpuTimes{generator: processCPU()} }

func TestReportWithoutCPUTimesKeepsTheThroughputVerdict(t *testing.T) {
	r := sampleReport()
	for _, x := range r.rows {
		x.cpuPerRequest, x.serverCPUPerRequest = 0, 0
	}
	got := renderVerdicts(r)
	assert.Contains(t, got, "- sqlite: throughput 0.40 × the bare handler's (target ≥ 0.6): **not met**")
	assert.Contains(t, renderTable(r), "| sqlite | 4 000 req/s | 0.40 | — | — | — | 2 000 req/s")
}
