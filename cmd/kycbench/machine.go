package main

import (
	"bufio"
	"io"
	"os"
	"runtime"
	"strings"
)

// machine describes where the numbers were measured.
type machine struct {
	CPUs       int
	GOMAXPROCS int
	CPUModel   string
	GoVersion  string
	// LoadAverage is the 1-minute load average before the run, a hint of
	// other work sharing the machine; empty when unknown.
	LoadAverage string
}

// thisMachine reads the CPU count, model, Go version and load average.
func thisMachine() machine {
	m := machine{
		CPUs:       runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		CPUModel:   "unknown CPU",
		GoVersion:  runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		if model := cpuModel(f); model != "" {
			m.CPUModel = model
		}
		_ = f.Close()
	}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		if fields := strings.Fields(string(raw)); len(fields) > 0 {
			m.LoadAverage = fields[0]
		}
	}
	return m
}

// cpuModel returns the first "model name" of a /proc/cpuinfo listing.
func cpuModel(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}
