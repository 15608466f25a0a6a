package main

import "github.com/siyu-live/siyu/internal/loadgen"

// benchBroadcastCmd is `siyu bench broadcast`; the work is loadgen.BroadcastBench so the
// command stays a thin shell like the other benches.
type benchBroadcastCmd struct {
	loadgen.BroadcastBench `embed:""`
}

// Run runs the benchmark.
func (c *benchBroadcastCmd) Run() error { return c.BroadcastBench.Run() }
