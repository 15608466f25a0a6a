// Package loadgen holds the load generators behind `siyu bench …`. Each benchmark starts
// a real siyu server process, drives it from a separate process over loopback as clients
// would, prints a table and appends it with the machine and command to
// docs/benchmarks.md. Nothing here is asserted by tests: numbers are reported, not gated.
package loadgen

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes where a benchmark ran, so a figure is never quoted without it.
func Machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if kb := procStatusKB("/proc/meminfo", "MemTotal"); kb > 0 {
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/1024/1024)
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s, %s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// procStatusKB reads a "Key:   123 kB" line of a /proc file.
func procStatusKB(path, key string) int64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}

// RSS returns the resident memory of a process in bytes.
func RSS(pid int) int64 {
	return procStatusKB(fmt.Sprintf("/proc/%d/status", pid), "VmRSS") * 1024
}

// AppendReport appends a benchmark section to file (docs/benchmarks.md), creating it with
// a header when missing.
func AppendReport(file, title, command, body string) error {
	if _, err := os.Stat(file); os.IsNotExist(err) {
		head := "# Benchmarks\n\nEvery figure here was measured by a `siyu bench …` command on the machine named with it.\n" +
			"Sections are appended newest last; older runs stay for comparison.\n"
		if err := os.WriteFile(file, []byte(head), 0o644); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "\n## %s — %s\n\n- Machine: %s\n- Command: `%s`\n\n%s\n", title,
		time.Now().UTC().Format("2006-01-02 15:04 MST"), Machine(), command, body)
	return err
}
