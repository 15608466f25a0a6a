package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// EnvelopeClientOptions drive the viewer process of `siyu bench redenvelope`.
type EnvelopeClientOptions struct {
	URL       string
	SessionID int64
	Viewers   int
	Conns     int // keep-alive connections grabbing in parallel
	DupEvery  int // every DupEvery-th viewer also grabs a second time, concurrently (0: never)
}

// GrabPhase is one storm as the clients saw it.
type GrabPhase struct {
	Requests  int     `json:"requests"`
	OK        int     `json:"ok"`
	Empty     int     `json:"empty"`
	Already   int     `json:"already_grabbed"`
	Other     int     `json:"other"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	FirstBad  string  `json:"first_bad,omitempty"`
	DoubleAck int     `json:"double_ack"` // viewers answered 200 twice (must be 0)
	// Acked maps viewer id → acknowledged amount (phase 1 only).
	Acked map[int64]int64 `json:"acked,omitempty"`
}

// RunEnvelopeClients is the viewer side of the red-envelope benchmark, in its own
// process. Protocol with the parent over stdin/stdout: "created N" → waits "go <id>" →
// "phase1 {json}" → waits "again" → "phase2 {json}". Phase 1 is the storm; in phase 2
// every viewer grabs again, which the server refuses from memory (already_grabbed or
// empty): the same route and authentication without a commit, as a baseline.
func RunEnvelopeClients(ctx context.Context, opt EnvelopeClientOptions, in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	tokens, ids, err := createViewers(RoomClientOptions{URL: opt.URL, SessionID: opt.SessionID, Viewers: opt.Viewers}, hc)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %d\n", len(tokens))
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "go ") {
		return fmt.Errorf("bench clients: expected \"go <envelope ids>\" from the parent")
	}
	var envelopes []int64
	for _, f := range strings.Split(strings.TrimPrefix(lines.Text(), "go "), ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return fmt.Errorf("bench clients: envelope id %q: %w", f, err)
		}
		envelopes = append(envelopes, id)
	}
	jobs := make([]int, 0, len(tokens)+len(tokens)/max(opt.DupEvery, 1))
	for i := range tokens {
		jobs = append(jobs, i)
		if opt.DupEvery > 0 && i%opt.DupEvery == 0 {
			jobs = append(jobs, i) // taken by the next free connection: a concurrent double grab
		}
	}
	p1 := storm(ctx, opt, envelopes, tokens, ids, jobs, true)
	raw, _ := json.Marshal(p1)
	fmt.Fprintf(out, "phase1 %s\n", raw)
	if !lines.Scan() || lines.Text() != "again" {
		return fmt.Errorf("bench clients: expected \"again\" from the parent")
	}
	all := make([]int, len(tokens))
	for i := range all {
		all[i] = i
	}
	p2 := storm(ctx, opt, envelopes, tokens, ids, all, false)
	raw, _ = json.Marshal(p2)
	fmt.Fprintf(out, "phase2 %s\n", raw)
	return nil
}

// storm runs the grabs of jobs (viewer indexes; viewer i grabs envelope i mod E) over
// opt.Conns lean keep-alive connections, each sending one request at a time.
func storm(ctx context.Context, opt EnvelopeClientOptions, envelopes []int64, tokens []string, ids []int64, jobs []int, keep bool) GrabPhase {
	var res GrabPhase
	var mu sync.Mutex
	acked := map[int64]int64{}
	lat := make([][]float64, opt.Conns)
	paths := make([]string, len(envelopes))
	for i, id := range envelopes {
		paths[i] = "/api/v1/red-envelopes/" + strconv.FormatInt(id, 10) + "/grab"
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range opt.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := dialHTTP(ctx, opt.URL)
			if err != nil {
				mu.Lock()
				res.Errors++
				res.FirstBad = err.Error()
				mu.Unlock()
				return
			}
			defer cl.close()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(jobs) {
					break
				}
				v := jobs[j]
				t0 := time.Now()
				status, body, err := cl.post(paths[v%len(paths)], tokens[v])
				lat[c] = append(lat[c], float64(time.Since(t0).Microseconds())/1000)
				mu.Lock()
				classify(&res, acked, ids[v], status, body, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	var all []float64
	for _, l := range lat {
		all = append(all, l...)
		res.Requests += len(l)
	}
	slices.Sort(all)
	if n := len(all); n > 0 {
		res.P50ms, res.P99ms, res.MaxMs = all[n/2], all[n*99/100], all[n-1]
	}
	if keep {
		res.Acked = acked
	}
	return res
}

// classify counts one answer; called under the storm's lock.
func classify(res *GrabPhase, acked map[int64]int64, viewerID int64, status int, body []byte, err error) {
	switch {
	case err != nil:
		res.Errors++
		if res.FirstBad == "" {
			res.FirstBad = err.Error()
		}
	case status == 200:
		res.OK++
		amount := jsonInt(body, `"amount":`)
		if _, dup := acked[viewerID]; dup {
			res.DoubleAck++
		}
		acked[viewerID] = amount
	case status == 409 && strings.Contains(string(body), `"code":"empty"`):
		res.Empty++
	case status == 409 && strings.Contains(string(body), `"code":"already_grabbed"`):
		res.Already++
	default:
		res.Other++
		if res.FirstBad == "" {
			res.FirstBad = fmt.Sprintf("%d %s", status, body)
		}
	}
}

// jsonInt reads the integer after key in a small JSON body, without a decoder.
func jsonInt(body []byte, key string) int64 {
	s := string(body)
	i := strings.Index(s, key)
	if i < 0 {
		return -1
	}
	s = s[i+len(key):]
	j := 0
	for j < len(s) && (s[j] == '-' || (s[j] >= '0' && s[j] <= '9')) {
		j++
	}
	n, _ := strconv.ParseInt(s[:j], 10, 64)
	return n
}
