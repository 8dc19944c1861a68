package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// serveEnv, set to serveMode in the environment of a kycbench process,
// makes it the server process: it starts the targets, prints where they
// listen and serves until its standard input is closed.
const (
	serveEnv  = "KYCBENCH_PROCESS"
	serveMode = "servers"
)

// servedRow is one target as the server process describes it.
type servedRow struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	URL      string `json:"url,omitempty"`
	Token    string `json:"token,omitempty"`
	Skipped  string `json:"skipped,omitempty"`
	RateFrom string `json:"rateFrom,omitempty"`
}

// serverArgs are the flags the server process needs.
func (o options) serverArgs() []string {
	return []string{
		"-targets", o.targets, "-subscribers", strconv.Itoa(o.subscribers), "-postgres-env", o.postgresEnv,
		"-workers", strconv.Itoa(o.workers), "-max-in-flight", strconv.Itoa(o.maxInFlight),
		"-cpuprofile", o.cpuProfile, "-timeout", o.timeout.String(),
	}
}

// serve is the server process: it starts every selected target, writes
// their descriptions as one JSON line to stdout, and keeps serving until
// stdin reaches its end (the load generator is done or gone) or ctx ends.
// A -cpuprofile profiles the servers alone, over the whole run.
func serve(ctx context.Context, o options, stdin io.Reader, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "kycbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := setUp(ctx, setupOptions{
		selected: o.selected(), subscribers: o.subscribers, postgresEnv: o.postgresEnv,
		conns: max(o.workers, o.maxInFlight), dir: dir,
	})
	defer b.close()
	if err != nil {
		return err
	}
	stopProfile, err := startProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	if err := json.NewEncoder(stdout).Encode(describe(b.rows)); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, stdin); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// describe turns the server process's rows into their descriptions.
func describe(rows []*row) []servedRow {
	out := make([]servedRow, 0, len(rows))
	for _, r := range rows {
		s := servedRow{Key: r.key, Name: r.name, Skipped: r.skipped}
		if r.target != nil {
			s.URL, s.Token = r.target.url, r.target.token
		}
		if r.rateFrom != nil {
			s.RateFrom = r.rateFrom.key
		}
		out = append(out, s)
	}
	return out
}

// serverProcess is the running server process, seen from the load
// generator.
type serverProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	rows  []servedRow
	// cpuUnknown is set when the process's CPU time cannot be read.
	cpuUnknown bool
}

// startServers runs this program again as the server process and reads
// its description of the targets.
func startServers(ctx context.Context, o options, stderr io.Writer) (*serverProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, o.serverArgs()...)
	cmd.Env = append(os.Environ(), serveEnv+"="+serveMode)
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &serverProcess{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("the server process did not describe its targets: %w", err)
	}
	if err := json.Unmarshal(line, &p.rows); err != nil {
		p.stop()
		return nil, fmt.Errorf("the server process's description: %w", err)
	}
	if p.cpu() == 0 {
		fmt.Fprintln(stderr, "kycbench: the server process's CPU time cannot be read (Linux /proc only); the CPU columns are left empty")
		p.cpuUnknown = true
	}
	return p, nil
}

// stop closes the server process's input, which ends it, and waits a
// while for it to exit.
func (p *serverProcess) stop() {
	_ = p.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-exited
	}
}

// cpu returns the CPU time the server process has used so far, or 0 when
// it cannot be read.
func (p *serverProcess) cpu() time.Duration { return childCPU(p.cmd.Process.Pid) }

// loadRows builds the load generator's rows from the server process's
// description: the same bodies, its URLs and tokens, a connection pool of
// the generator's own.
func loadRows(served []servedRow, bodies [][]byte, conns int) ([]*row, error) {
	byKey := map[string]*row{}
	rows := make([]*row, 0, len(served))
	for _, s := range served {
		r := &row{key: s.Key, name: s.Name, skipped: s.Skipped}
		if s.URL != "" {
			r.target = newTarget(s.URL, s.Token, bodies, conns)
		}
		if s.RateFrom != "" {
			r.rateFrom = byKey[s.RateFrom]
			if r.rateFrom == nil {
				return nil, errors.New("the server process's description names an unknown row")
			}
		}
		byKey[s.Key] = r
		rows = append(rows, r)
	}
	return rows, nil
}
