// Command kycbench measures kycgate's KYC Match path against the limit of
// the machine, on loopback, in one bounded run that stops by itself.
//
// Usage:
//
//	go run ./cmd/kycbench [-runs 3] [-duration 3s] [-workers 16] [-write docs/PERFORMANCE.md]
//
// It starts, in a second process (this program run again, so that the
// servers do not share the load generator's Go runtime, scheduler and
// garbage collector) and on 127.0.0.1 only:
//
//   - a bare net/http handler that reads the request and answers a JSON
//     body of the same size as a KYC Match answer: the machine's limit;
//   - kycgate on SQLite, wired as `kycgate serve` wires it: a development
//     issuer, a real ES256 token verified by the gateway, the body validated
//     against the OpenAPI document, matched by the reference operator from
//     the store, answered, with the JSON access log written to a file;
//   - the same on PostgreSQL when the variable named by -postgres-env holds
//     a DSN (it must be a database the tool may write synthetic subscribers
//     into); otherwise the row is skipped with a note;
//   - a second kycgate, the aggregator, whose only operator is the camara
//     adapter calling the SQLite kycgate as its upstream operator.
//
// For each it measures the throughput at saturation (a closed loop of
// -workers goroutines) and then the p50 and p99 latency in an open loop at
// half that throughput, and prints a Markdown table with the ratios to the
// bare handler and the proxy's added p50 over its upstream called directly
// at the same rate. With -write it rewrites the block between the kycbench
// markers of that file with the table, the command and the machine.
//
// CPU per request counts both processes. -cpuprofile profiles the server
// process. Every request carries made-up subscriber data. The run is bounded by
// -runs × -duration per target and phase, and by -timeout overall.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kycgate/kycgate/internal/syncio"

	// The operator and store types the targets are built from.
	_ "github.com/kycgate/kycgate/operators/camara"
	_ "github.com/kycgate/kycgate/operators/local"
	_ "github.com/kycgate/kycgate/store/postgres"
	_ "github.com/kycgate/kycgate/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kycbench:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	settings
	targets     string
	subscribers int
	postgresEnv string
	write       string
	cpuProfile  string
	timeout     time.Duration
	args        []string
}

// allTargets are the -targets names, in table order.
var allTargets = []string{keyBare, keySQLite, keyPostgres, keyProxy}

// parseOptions reads and bounds the flags.
func parseOptions(args []string, stderr io.Writer) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("kycbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.workers, "workers", 16, "closed-loop workers (concurrent requests) for the throughput runs, 1-1024")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "length of each measured run, 100ms-60s")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "closed-loop warm-up per target before measuring, 0-60s")
	fs.IntVar(&o.runs, "runs", 3, "runs per target and phase; the median is reported, 1-10")
	fs.IntVar(&o.maxInFlight, "max-in-flight", 256, "cap on the open loop's outstanding requests, 1-4096")
	fs.StringVar(&o.targets, "targets", strings.Join(allTargets, ","), "comma-separated targets to measure: "+strings.Join(allTargets, ", "))
	fs.IntVar(&o.subscribers, "subscribers", 1000, "synthetic subscribers loaded into each store and called round robin, 1-100000")
	fs.StringVar(&o.postgresEnv, "postgres-env", "KYCGATE_BENCH_POSTGRES_DSN", "environment variable holding the DSN of a throw-away PostgreSQL database")
	fs.StringVar(&o.write, "write", "", "rewrite the kycbench block of this Markdown file (e.g. docs/PERFORMANCE.md)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the server process (the targets, not the load generator) to this file")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "stop the whole run after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, o.validate()
}

// validate keeps every bound of the run finite.
func (o options) validate() error {
	var problems []string
	check := func(ok bool, msg string) {
		if !ok {
			problems = append(problems, msg)
		}
	}
	check(o.workers >= 1 && o.workers <= 1024, "-workers must be 1-1024")
	check(o.duration >= 100*time.Millisecond && o.duration <= time.Minute, "-duration must be 100ms-60s")
	check(o.warmup >= 0 && o.warmup <= time.Minute, "-warmup must be 0-60s")
	check(o.runs >= 1 && o.runs <= 10, "-runs must be 1-10")
	check(o.maxInFlight >= 1 && o.maxInFlight <= 4096, "-max-in-flight must be 1-4096")
	check(o.subscribers >= 1 && o.subscribers <= 100000, "-subscribers must be 1-100000")
	check(o.timeout > 0, "-timeout must be positive")
	check(o.postgresEnv != "", "-postgres-env must name a variable")
	for _, t := range strings.Split(o.targets, ",") {
		check(slices.Contains(allTargets, strings.TrimSpace(t)), fmt.Sprintf("-targets: unknown target %q", t))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// selected returns the chosen targets as a set.
func (o options) selected() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Split(o.targets, ",") {
		m[strings.TrimSpace(t)] = true
	}
	return m
}

// run measures every selected target and prints the table.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if os.Getenv(serveEnv) == serveMode {
		return serve(ctx, o, os.Stdin, stdout)
	}
	m := thisMachine()
	stderr = &syncio.Writer{W: stderr} // the server process's stderr is copied into it too
	servers, err := startServers(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer servers.stop()
	bodies, err := matchBodies(syntheticSubscribers(o.subscribers))
	if err != nil {
		return err
	}
	rows, err := loadRows(servers.rows, bodies, max(o.workers, o.maxInFlight))
	if err != nil {
		return err
	}
	defer closeTargets(rows)
	o.cpu = func() cpuTimes {
		if servers.cpuUnknown { // a total without the servers would mislead: report none
			return cpuTimes{}
		}
		return cpuTimes{generator: processCPU(), server: servers.cpu()}
	}
	measureThroughput(ctx, rows, o.settings, stderr)
	measureLatency(ctx, rows, o.settings, stderr)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("run stopped before the end: %w", err)
	}
	r := report{rows: rows, machine: m, command: o.command(), date: time.Now(), settings: o.settings}
	section := renderSection(r)
	if _, err := io.WriteString(stdout, section); err != nil {
		return err
	}
	reportFailures(stderr, rows)
	if o.write != "" {
		return rewriteFile(o.write, section)
	}
	return nil
}

// closeTargets releases the load generator's connections.
func closeTargets(rows []*row) {
	for _, r := range rows {
		if r.target != nil {
			r.target.close()
		}
	}
}

// startProfile starts a CPU profile into path, when set.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// reportFailures prints the first error of every row that had failed
// requests.
func reportFailures(w io.Writer, rows []*row) {
	for _, r := range rows {
		if r.firstError != nil {
			fmt.Fprintf(w, "%s: %d of %d requests failed; first error: %v\n", r.name, r.failed, r.sent, r.firstError)
		}
	}
}

// command is the command line that reproduces the run, with the DSN
// variable named but not its value.
func (o options) command() string {
	parts := []string{}
	if os.Getenv(o.postgresEnv) != "" && o.selected()[keyPostgres] {
		parts = append(parts, o.postgresEnv+"='<DSN of a throw-away database>'")
	}
	parts = append(parts, "go", "run", "./cmd/kycbench")
	for _, a := range o.args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes a for a POSIX shell when it needs it.
func shellQuote(a string) string {
	if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:") == "" {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// rewriteFile replaces the kycbench block of the Markdown file at path.
func rewriteFile(path, section string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := replaceSection(string(raw), section)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
