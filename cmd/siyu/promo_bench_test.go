package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var answersRow = regexp.MustCompile(`\| answers: amount / empty / already_grabbed / other / no answer \| (\d+) / (\d+) / (\d+) / (\d+) / (\d+) \|`)

// TestBenchRedEnvelopeRuns runs `siyu bench redenvelope` small, over the room WebSocket
// and over HTTP, with more viewers than shares so every outcome occurs: it must finish
// with the invariants holding (the command fails otherwise).
func TestBenchRedEnvelopeRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and a client process")
	}
	for _, via := range []string{"ws", "http"} {
		t.Run(via, func(t *testing.T) {
			p := startSiyu(t, "bench", "redenvelope", "--via", via, "--viewers", "60", "--envelopes", "2", "--total", "1000",
				"--shares", "50", "--dup-every", "7", "--conns", "8", "--report", "")
			select {
			case err := <-p.done:
				out := p.logs.String()
				if err != nil {
					t.Fatalf("bench failed: %v\n%s", err, out)
				}
				if strings.Contains(out, "DATA RACE") {
					t.Fatalf("the viewer process raced:\n%s", out)
				}
				if !strings.Contains(out, "| invariants | hold |") {
					t.Fatalf("invariants do not hold:\n%s", out)
				}
				// 120 grabs of 100 shares and 9 doubles: 100 amounts, 29 refusals (empty or
				// already_grabbed, as the race goes), nothing else.
				m := answersRow.FindStringSubmatch(out)
				var ok, empty, already, other, none int
				if m != nil {
					fmt.Sscan(strings.Join(m[1:], " "), &ok, &empty, &already, &other, &none)
				}
				if m == nil || ok != 100 || empty+already != 29 || other != 0 || none != 0 {
					t.Fatalf("unexpected answers:\n%s", out)
				}
			case <-time.After(3 * time.Minute):
				t.Fatalf("bench did not finish:\n%s", p.logs.String())
			}
		})
	}
}
