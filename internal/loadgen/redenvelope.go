package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// EnvelopeOptions are the knobs of `siyu bench redenvelope`.
type EnvelopeOptions struct {
	Exe     string // the siyu binary (os.Executable)
	Report  string // file to append results to ("" = print only)
	Command string // the command line, recorded with the results
	// Envelopes is how many envelopes of Total fen in Shares shares are sent at once
	// (an envelope holds at most 10,000 shares); every viewer grabs every one.
	Envelopes int
	Total     int64
	Shares    int64
	EnvelopeClientOptions
}

// EnvelopeResult is the benchmark's outcome and its invariant checks.
type EnvelopeResult struct {
	Storm, Again                GrabPhase
	Connected, ConnectFailed    int     // viewers with a room WebSocket (--via ws)
	StormCPU, AgainCPU          float64 // server CPU seconds per wall second
	ClientCPU                   float64 // the viewer process during the storm
	StoredCount                 int
	StoredSum                   int64
	Remaining                   int64
	DuplicateViewers            int
	AckedMissing                int // acknowledged grabs not in the store (must be 0)
	StoredUnacked               int // stored grabs nobody was told about (0 without errors)
	AmountMismatch              int
	SharesBelowOneFen           int
	InvariantsOK                bool
	GrabsPerSec, NoCommitPerSec float64
}

// RunEnvelopeBench starts a server, creates N viewers from a separate process (over WS,
// each connected to the room), sends the envelopes and has every viewer grab every one
// as fast as the answers come; then checks the store against what was acknowledged.
func RunEnvelopeBench(ctx context.Context, opt EnvelopeOptions, out io.Writer) (EnvelopeResult, error) {
	var res EnvelopeResult
	srv, err := StartServer(ctx, opt.Exe)
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	owner, err := Signup(srv.URL, "Bench Envelope Co")
	if err != nil {
		return res, err
	}
	var sess struct {
		ID int64 `json:"id"`
	}
	if err := owner.Do("POST", "/api/v1/sessions", map[string]any{"title": "红包压测"}, &sess, 201); err != nil {
		return res, err
	}
	if err := owner.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/start", sess.ID), nil, nil, 200); err != nil {
		return res, err
	}
	opt.URL, opt.SessionID = srv.URL, sess.ID
	child, err := startClients(ctx, opt.Exe, "bench", "redenvelope-clients", "--url", opt.URL,
		"--session", strconv.FormatInt(opt.SessionID, 10), "--viewers", strconv.Itoa(opt.Viewers), "--via", opt.Via,
		"--conns", strconv.Itoa(opt.Conns), "--dup-every", strconv.Itoa(opt.DupEvery))
	if err != nil {
		return res, err
	}
	defer child.wait()
	read, stdin := child.read, child.stdin
	if opt.Via == ViaWS {
		fmt.Fprintf(out, "creating %d viewers and connecting each to the room…\n", opt.Viewers)
	} else {
		fmt.Fprintf(out, "creating %d viewers…\n", opt.Viewers)
	}
	ready, err := read("ready")
	if err != nil {
		return res, err
	}
	if _, err := fmt.Sscan(ready, &res.Connected, &res.ConnectFailed); err != nil {
		return res, fmt.Errorf("bench clients: ready %q: %w", ready, err)
	}
	var ids []string
	var envelopes []int64
	for range max(opt.Envelopes, 1) {
		var env struct {
			ID int64 `json:"id"`
		}
		if err := owner.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/red-envelopes", sess.ID), map[string]any{"total": opt.Total,
			"count": opt.Shares, "mode": "random", "message": "压测红包"}, &env, 201); err != nil {
			return res, err
		}
		envelopes, ids = append(envelopes, env.ID), append(ids, strconv.FormatInt(env.ID, 10))
	}
	fmt.Fprintf(out, "%d envelopes of %d fen in %d shares; %d viewers grab each over %s…\n", len(envelopes), opt.Total,
		opt.Shares, opt.Viewers, transport(opt))
	cpu0, ccpu0, t0 := cpuSeconds(srv.PID()), cpuSeconds(child.PID()), time.Now()
	fmt.Fprintf(stdin, "go %s\n", strings.Join(ids, ","))
	raw, err := read("phase1")
	if err != nil {
		return res, err
	}
	wall := time.Since(t0).Seconds()
	res.StormCPU, res.ClientCPU = (cpuSeconds(srv.PID())-cpu0)/wall, (cpuSeconds(child.PID())-ccpu0)/wall
	if err := json.Unmarshal([]byte(raw), &res.Storm); err != nil {
		return res, err
	}
	cpu0, t0 = cpuSeconds(srv.PID()), time.Now()
	fmt.Fprintln(stdin, "again")
	if raw, err = read("phase2"); err != nil {
		return res, err
	}
	res.AgainCPU = (cpuSeconds(srv.PID()) - cpu0) / time.Since(t0).Seconds()
	if err := json.Unmarshal([]byte(raw), &res.Again); err != nil {
		return res, err
	}
	if err := res.check(owner, envelopes, opt.Total*int64(len(envelopes))); err != nil {
		return res, err
	}
	table := res.table(opt)
	fmt.Fprintln(out, table)
	if opt.Report != "" {
		if err := AppendReport(opt.Report, "Red envelope: grab storm", opt.Command, envelopeNotes+table); err != nil {
			return res, err
		}
		fmt.Fprintf(out, "appended to %s\n", opt.Report)
	}
	if !res.InvariantsOK {
		return res, fmt.Errorf("red envelope invariants violated (see the table)")
	}
	return res, nil
}

// check reads the envelopes back through the API and compares them with what the
// clients were told.
func (r *EnvelopeResult) check(owner *Client, ids []int64, total int64) error {
	for _, id := range ids {
		var env struct {
			Remaining int64 `json:"remaining"`
			Grabs     []struct {
				ViewerID int64 `json:"viewer_id"`
				Amount   int64 `json:"amount"`
			} `json:"grabs"`
		}
		if err := owner.Do("GET", fmt.Sprintf("/api/v1/red-envelopes/%d", id), nil, &env, 200); err != nil {
			return err
		}
		stored := map[int64]int64{}
		for _, g := range env.Grabs {
			if _, dup := stored[g.ViewerID]; dup {
				r.DuplicateViewers++
			}
			stored[g.ViewerID] = g.Amount
			r.StoredSum += g.Amount
			if g.Amount < 1 {
				r.SharesBelowOneFen++
			}
		}
		r.StoredCount += len(env.Grabs)
		r.Remaining += env.Remaining
		acked := r.Storm.Acked[id]
		for v, a := range acked {
			s, ok := stored[v]
			if !ok {
				r.AckedMissing++
			} else if s != a {
				r.AmountMismatch++
			}
		}
		for v := range stored {
			if _, ok := acked[v]; !ok {
				r.StoredUnacked++
			}
		}
	}
	ackedSum, ackedN := sumAcked(r.Storm.Acked)
	r.InvariantsOK = r.DuplicateViewers == 0 && r.AckedMissing == 0 && r.AmountMismatch == 0 && r.SharesBelowOneFen == 0 &&
		r.Storm.DoubleAck == 0 && r.Storm.Stray == 0 && r.Again.Stray == 0 && r.Storm.OK == ackedN &&
		r.StoredSum+r.Remaining == total && (r.Storm.Errors > 0 || (r.StoredUnacked == 0 && ackedSum == r.StoredSum)) &&
		r.Again.OK == 0
	if r.Storm.Seconds > 0 {
		r.GrabsPerSec = float64(r.Storm.OK) / r.Storm.Seconds
	}
	if r.Again.Seconds > 0 {
		r.NoCommitPerSec = float64(r.Again.Requests) / r.Again.Seconds
	}
	return nil
}

// transport says how the viewers grab, for the output.
func transport(opt EnvelopeOptions) string {
	if opt.Via == ViaHTTP {
		return fmt.Sprintf("HTTP (%d keep-alive connections, POST /api/v1/red-envelopes/{id}/grab)", opt.Conns)
	}
	return "their room WebSocket (one per viewer, grab messages)"
}

func (r EnvelopeResult) table(opt EnvelopeOptions) string {
	s, a := r.Storm, r.Again
	okName := "grab_result with amount"
	if opt.Via == ViaHTTP {
		okName = "200"
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "| measure | value | goal |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| envelopes | %d × %d fen in %d shares (%d fen in %d shares), %d viewers each grabbing each | |\n", opt.Envelopes,
		opt.Total, opt.Shares, opt.Total*int64(opt.Envelopes), opt.Shares*int64(opt.Envelopes), opt.Viewers)
	fmt.Fprintf(w, "| transport | %s | |\n", transport(opt))
	if opt.Via == ViaWS {
		fmt.Fprintf(w, "| viewers connected to the room (failed) | %d (%d) | all |\n", r.Connected, r.ConnectFailed)
	}
	fmt.Fprintf(w, "| grabs sent (of which concurrent doubles) | %d (%d) in %.2f s | |\n", s.Requests, doubles(opt), s.Seconds)
	fmt.Fprintf(w, "| **grabs/s** (%s, each committed before the answer) | **%.0f** | ≥ 50,000 |\n", okName, r.GrabsPerSec)
	fmt.Fprintf(w, "| all answers/s during the storm | %.0f | |\n", float64(s.Requests)/max(s.Seconds, 1e-9))
	fmt.Fprintf(w, "| grab latency p50 / p99 / max | %.1f / %.1f / %.1f ms | |\n", s.P50ms, s.P99ms, s.MaxMs)
	fmt.Fprintf(w, "| answers: amount / empty / already_grabbed / other / no answer | %d / %d / %d / %d / %d | |\n", s.OK, s.Empty, s.Already, s.Other, s.Errors)
	fmt.Fprintf(w, "| the same grabs again, refused from memory (no commit), answers/s | %.0f (p50 %.1f ms, p99 %.1f ms) | baseline |\n", r.NoCommitPerSec, a.P50ms, a.P99ms)
	ackedSum, _ := sumAcked(s.Acked)
	fmt.Fprintf(w, "| Σ acknowledged = Σ stored = total − remaining | %d = %d = %d − %d | exact |\n", ackedSum, r.StoredSum, r.StoredSum+r.Remaining, r.Remaining)
	fmt.Fprintf(w, "| acknowledged = stored grabs; viewers stored twice; acknowledged twice | %d = %d; %d; %d | equal; 0; 0 |\n", s.OK, r.StoredCount, r.DuplicateViewers, s.DoubleAck)
	fmt.Fprintf(w, "| acknowledged but missing / amount differs / shares < 1 fen | %d / %d / %d | 0 / 0 / 0 |\n", r.AckedMissing, r.AmountMismatch, r.SharesBelowOneFen)
	if opt.Via == ViaWS {
		fmt.Fprintf(w, "| answers for grabs the connection did not send | %d | 0 |\n", s.Stray+a.Stray)
	}
	fmt.Fprintf(w, "| second grabs answered with an amount | %d | 0 |\n", a.OK)
	fmt.Fprintf(w, "| invariants | %s | hold |\n", map[bool]string{true: "hold", false: "**VIOLATED**"}[r.InvariantsOK])
	fmt.Fprintf(w, "| CPU: server during storm / during baseline / client process | %.2f / %.2f / %.2f cores | of %d, shared |\n", r.StormCPU, r.AgainCPU, r.ClientCPU, runtime.NumCPU())
	if s.FirstBad != "" {
		fmt.Fprintf(w, "| first unexpected answer | %.200s | |\n", strings.ReplaceAll(s.FirstBad, "|", "/"))
	}
	w.Flush()
	return b.String()
}

// doubles is how many double grabs the storm plan holds.
func doubles(opt EnvelopeOptions) int {
	if opt.DupEvery <= 0 {
		return 0
	}
	return (opt.Viewers + opt.DupEvery - 1) / opt.DupEvery
}

func sumAcked(m map[int64]map[int64]int64) (sum int64, n int) {
	for _, byViewer := range m {
		for _, a := range byViewer {
			sum += a
			n++
		}
	}
	return sum, n
}

// envelopeNotes explains the table in docs/benchmarks.md.
const envelopeNotes = `A real server process; the viewers in a second process on the same cores. With --via ws
(the default) each viewer holds its own room WebSocket (a lean client: on Linux a few epoll
loops read all the sockets) and grabs by sending {"type":"grab","envelope_id":N,"ref":"…"}; the server answers that connection
alone with grab_result once the grab is committed. With --via http the viewers grab with
POST /api/v1/red-envelopes/{id}/grab over keep-alive connections (a lean client that writes raw
requests). One envelope holds at most 10,000 shares, so the storm runs on several envelopes of
one live session at once and every viewer grabs every envelope, one after another as the
answers come (every 100th also grabs its first envelope twice at once). An amount is answered
only after the grab's group commit (one SQLite transaction per batch). Then every viewer grabs
every envelope again over the same transport, refused from memory with no commit: the
baseline of what the transport and the owners cost on this machine. With 10,000 viewers
clicking at once, latency is mostly the queue: p50 ≈ viewers ÷ grabs/s. The invariants are
read back through the API.

`
