package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runBench runs `siyu bench …` small and returns its output once it finished with
// its invariants holding: the command failing, a race in a client process or a
// missing "| invariants | hold |" row fails the test.
func runBench(t *testing.T, args ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a server and a client process")
	}
	p := startSiyu(t, append([]string{"bench"}, args...)...)
	select {
	case err := <-p.done:
		out := p.logs.String()
		if err != nil {
			t.Fatalf("bench failed: %v\n%s", err, out)
		}
		if strings.Contains(out, "DATA RACE") {
			t.Fatalf("a client process raced:\n%s", out)
		}
		if !strings.Contains(out, "| invariants | hold |") {
			t.Fatalf("invariants do not hold:\n%s", out)
		}
		return out
	case <-time.After(3 * time.Minute):
		t.Fatalf("bench did not finish:\n%s", p.logs.String())
	}
	return ""
}

// ints reads the numbers a results-table row's pattern captured (nil when the row is missing).
func ints(re *regexp.Regexp, out string) []int64 {
	m := re.FindStringSubmatch(out)
	if m == nil {
		return nil
	}
	ns := make([]int64, len(m)-1)
	for i, s := range m[1:] {
		fmt.Sscan(s, &ns[i])
	}
	return ns
}

var answersRow = regexp.MustCompile(`\| answers: amount / empty / already_grabbed / other / no answer \| (\d+) / (\d+) / (\d+) / (\d+) / (\d+) \|`)

// TestBenchRedEnvelopeRuns runs `siyu bench redenvelope` small, over the room WebSocket
// and over HTTP, with more viewers than shares so every outcome occurs: it must finish
// with the invariants holding (the command fails otherwise).
func TestBenchRedEnvelopeRuns(t *testing.T) {
	for _, via := range []string{"ws", "http"} {
		t.Run(via, func(t *testing.T) {
			out := runBench(t, "redenvelope", "--via", via, "--viewers", "60", "--envelopes", "2", "--total", "1000",
				"--shares", "50", "--dup-every", "7", "--conns", "8", "--report", "")
			// 120 grabs of 100 shares and 9 doubles: 100 amounts, 29 refusals (empty or
			// already_grabbed, as the race goes), nothing else.
			if a := ints(answersRow, out); a == nil || a[0] != 100 || a[1]+a[2] != 29 || a[3] != 0 || a[4] != 0 {
				t.Fatalf("unexpected answers %v:\n%s", a, out)
			}
		})
	}
}

var (
	flashAnswersRow = regexp.MustCompile(`\| answers: 201 / sold_out / limit_reached / other / errors \| (\d+) / (\d+) / (\d+) / (\d+) / (\d+) \|`)
	flashOrdersRow  = regexp.MustCompile(`\| report orders = every order of the session in the orders table, any status \(下单\) \| (\d+) = (\d+) \|`)
	flashPaidRow    = regexp.MustCompile(`\| report paid_orders / paid_amount = orders now paid / their sum = orders the bench paid \| (\d+) / (\d+) = (\d+) / (\d+) = (\d+) \|`)
	flashViewersRow = regexp.MustCompile(`\| report viewers = funnel entered = buyers who joined the room \(room presence\) \| (\d+) = (\d+) = (\d+) \|`)
	flashFunnelRow  = regexp.MustCompile(`\| funnel checkout / paid = buyers who joined and hold an order / a paid order \| (\d+) / (\d+) = (\d+) / (\d+) \|`)
)

// TestBenchFlashSaleRuns runs `siyu bench flashsale` small over two rounds, with more
// buyers than units and concurrent double taps: every round must sell exactly the
// stock, answer the rest sold out or over the limit, and hold the invariants. The
// session is then a show that ended: 20 of the buyers watched, 10 orders were paid,
// and its post-live report must equal the orders table and the room presence (issue 6).
func TestBenchFlashSaleRuns(t *testing.T) {
	out := runBench(t, "flashsale", "--buyers", "80", "--stock", "30", "--conns", "8", "--dup-every", "9",
		"--rounds", "2", "--report", "")
	if !strings.Contains(out, "round 2 of 2") {
		t.Fatalf("a round is missing:\n%s", out)
	}
	// 89 purchases (80 buyers, 9 double taps) of 30 units: 30 orders, 59 refusals.
	if a := ints(flashAnswersRow, out); a == nil || a[0] != 30 || a[1]+a[2] != 59 || a[3] != 0 || a[4] != 0 {
		t.Fatalf("unexpected answers %v:\n%s", a, out)
	}
	if !strings.Contains(out, "| post-live report reconciles with the orders and the room | hold |") {
		t.Fatalf("the report does not reconcile:\n%s", out)
	}
	// Two rounds of 30 orders; the bench paid 10 at 990 fen; a quarter of the 80 buyers
	// watched, and some of those paid (the funnel's last stage).
	orders, paid, viewers, funnel := ints(flashOrdersRow, out), ints(flashPaidRow, out), ints(flashViewersRow, out), ints(flashFunnelRow, out)
	if fmt.Sprint(orders) != "[60 60]" || fmt.Sprint(paid) != "[10 9900 10 9900 10]" || fmt.Sprint(viewers) != "[20 20 20]" ||
		funnel == nil || funnel[0] != funnel[2] || funnel[1] != funnel[3] || funnel[1] == 0 || funnel[0] < funnel[1] {
		t.Fatalf("report rows: orders %v, paid %v, viewers %v, funnel %v:\n%s", orders, paid, viewers, funnel, out)
	}
}
