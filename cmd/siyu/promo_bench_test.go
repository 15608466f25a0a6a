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

var flashAnswersRow = regexp.MustCompile(`\| answers: 201 / sold_out / limit_reached / other / errors \| (\d+) / (\d+) / (\d+) / (\d+) / (\d+) \|`)

// TestBenchFlashSaleRuns runs `siyu bench flashsale` small over two rounds, with more
// buyers than units and concurrent double taps: every round must sell exactly the
// stock, answer the rest sold out or over the limit, and hold the invariants.
func TestBenchFlashSaleRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and a client process")
	}
	p := startSiyu(t, "bench", "flashsale", "--buyers", "80", "--stock", "30", "--conns", "8", "--dup-every", "9",
		"--rounds", "2", "--report", "")
	select {
	case err := <-p.done:
		out := p.logs.String()
		if err != nil {
			t.Fatalf("bench failed: %v\n%s", err, out)
		}
		if !strings.Contains(out, "| invariants | hold |") || !strings.Contains(out, "round 2 of 2") {
			t.Fatalf("invariants do not hold or a round is missing:\n%s", out)
		}
		// 89 purchases (80 buyers, 9 double taps) of 30 units: 30 orders, 59 refusals.
		m := flashAnswersRow.FindStringSubmatch(out)
		var created, soldOut, limit, other, errs int
		if m != nil {
			fmt.Sscan(strings.Join(m[1:], " "), &created, &soldOut, &limit, &other, &errs)
		}
		if m == nil || created != 30 || soldOut+limit != 59 || other != 0 || errs != 0 {
			t.Fatalf("unexpected answers:\n%s", out)
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("bench did not finish:\n%s", p.logs.String())
	}
}
