//go:build !linux

package main

import "time"

// childCPU is not measured on this platform.
func childCPU(pid int) time.Duration { return 0 }
