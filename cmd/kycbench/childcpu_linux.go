package main

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat, fixed at 100
// per second for user space on Linux.
const userHZ = 100

// childCPU returns the CPU time, user and system, process pid has used so
// far, read from /proc, or 0 when it cannot be read.
func childCPU(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields are
	// counted from the state that follows its closing parenthesis.
	end := bytes.LastIndexByte(raw, ')')
	if end < 0 {
		return 0
	}
	fields := bytes.Fields(raw[end+1:])
	const utime, stime = 11, 12 // fields 14 and 15 of proc(5), state being field 3
	if len(fields) <= stime {
		return 0
	}
	u, errU := strconv.ParseInt(string(fields[utime]), 10, 64)
	s, errS := strconv.ParseInt(string(fields[stime]), 10, 64)
	if errU != nil || errS != nil {
		return 0
	}
	return time.Duration(u+s) * time.Second / userHZ
}
