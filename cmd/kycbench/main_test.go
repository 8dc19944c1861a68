package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as kycbench's server process: run
// starts this binary again with serveEnv set, as the real command does.
func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == serveMode {
		main()
		return
	}
	os.Exit(m.Run())
}
