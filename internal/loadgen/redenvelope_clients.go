package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Transports of `siyu bench redenvelope --via`.
const (
	ViaWS   = "ws"   // grab messages on each viewer's room WebSocket (how a viewer in the room grabs)
	ViaHTTP = "http" // POST /api/v1/red-envelopes/{id}/grab with the viewer's token
)

// EnvelopeClientOptions drive the viewer process of `siyu bench redenvelope`.
type EnvelopeClientOptions struct {
	URL       string
	SessionID int64
	Viewers   int
	Via       string // ViaWS or ViaHTTP
	Conns     int    // HTTP: keep-alive connections grabbing in parallel (WS: one per viewer)
	DupEvery  int    // every DupEvery-th viewer also grabs its first envelope a second time, at once (0: never)
}

// GrabPhase is one storm as the clients saw it.
type GrabPhase struct {
	Requests  int     `json:"requests"`
	OK        int     `json:"ok"`
	Empty     int     `json:"empty"`
	Already   int     `json:"already_grabbed"`
	Other     int     `json:"other"`
	Errors    int     `json:"errors"` // no answer: a failed request, a dropped socket, a timeout
	Stray     int     `json:"stray"`  // WS: answers to grabs this connection did not send (must be 0)
	Seconds   float64 `json:"seconds"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	FirstBad  string  `json:"first_bad,omitempty"`
	DoubleAck int     `json:"double_ack"` // a viewer answered with an amount twice for one envelope (must be 0)
	// Acked maps envelope id → viewer id → acknowledged amount (phase 1 only).
	Acked map[int64]map[int64]int64 `json:"acked,omitempty"`
}

// grab is one grab of the plan: viewer index and envelope index.
type grab struct{ viewer, envelope int }

// plan is who grabs what: every viewer grabs every envelope once, starting with
// envelope viewer mod E so that the storm hits every envelope's owner at once; with
// dup, every DupEvery-th viewer grabs its first envelope twice at once.
func plan(viewers, envelopes, dupEvery int, dup bool) [][]grab {
	out := make([][]grab, viewers)
	for v := range out {
		for k := range envelopes {
			out[v] = append(out[v], grab{v, (v + k) % envelopes})
		}
	}
	if dup && dupEvery > 0 {
		for v := 0; v < viewers; v += dupEvery {
			out[v] = slices.Insert(out[v], 1, out[v][0])
		}
	}
	return out
}

// tally counts the answers one worker saw; tallies are merged when the storm ends.
type tally struct {
	GrabPhase
	lat   []float64
	acked []ack
}

type ack struct {
	envelope, viewer, amount int64
}

// answer records one answer: code "" is a grab with its amount, otherwise the error code.
func (t *tally) answer(envelope, viewer int64, code string, amount int64, ms float64, raw []byte) {
	t.Requests++
	t.lat = append(t.lat, ms)
	switch code {
	case "":
		t.OK++
		t.acked = append(t.acked, ack{envelope, viewer, amount})
	case "empty":
		t.Empty++
	case "already_grabbed":
		t.Already++
	default:
		t.Other++
		if t.FirstBad == "" {
			t.FirstBad = string(raw)
		}
	}
}

// failed records a grab that got no answer.
func (t *tally) failed(err error) {
	t.Requests++
	t.Errors++
	if t.FirstBad == "" && err != nil {
		t.FirstBad = err.Error()
	}
}

// merge adds up the workers' tallies into one phase.
func merge(ts []*tally, seconds float64, keep bool) GrabPhase {
	res := GrabPhase{Seconds: seconds}
	var lat []float64
	acked := map[int64]map[int64]int64{}
	for _, t := range ts {
		res.Requests += t.Requests
		res.OK += t.OK
		res.Empty += t.Empty
		res.Already += t.Already
		res.Other += t.Other
		res.Errors += t.Errors
		res.Stray += t.Stray
		if res.FirstBad == "" {
			res.FirstBad = t.FirstBad
		}
		lat = append(lat, t.lat...)
		for _, a := range t.acked {
			m := acked[a.envelope]
			if m == nil {
				m = map[int64]int64{}
				acked[a.envelope] = m
			}
			if _, dup := m[a.viewer]; dup {
				res.DoubleAck++
			}
			m[a.viewer] = a.amount
		}
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		res.P50ms, res.P99ms, res.MaxMs = lat[n/2], lat[n*99/100], lat[n-1]
	}
	if keep {
		res.Acked = acked
	}
	return res
}

// RunEnvelopeClients is the viewer side of the red-envelope benchmark, in its own
// process. Protocol with the parent over stdin/stdout: "ready N F" (viewers created and,
// over WS, N connected with F failures) → waits "go <ids>" → "phase1 {json}" → waits
// "again" → "phase2 {json}". Phase 1 is the storm; in phase 2 every viewer grabs every
// envelope again, which the server refuses from memory (already_grabbed): the same
// transport and owners without a commit, as a baseline.
func RunEnvelopeClients(ctx context.Context, opt EnvelopeClientOptions, in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	tokens, ids, err := createViewers(RoomClientOptions{URL: opt.URL, SessionID: opt.SessionID, Viewers: opt.Viewers}, hc)
	if err != nil {
		return err
	}
	var storm func(envelopes []int64, grabs [][]grab, keep bool) GrabPhase
	switch opt.Via {
	case ViaHTTP:
		fmt.Fprintf(out, "ready %d 0\n", len(tokens))
		storm = func(envelopes []int64, grabs [][]grab, keep bool) GrabPhase {
			return httpStorm(ctx, opt, envelopes, tokens, ids, grabs, keep)
		}
	case ViaWS:
		viewers, failed := connectGrabbers(ctx, opt, tokens, ids)
		defer func() {
			for _, v := range viewers {
				v.closeSocket()
			}
		}()
		fmt.Fprintf(out, "ready %d %d\n", len(viewers), failed)
		storm = func(envelopes []int64, grabs [][]grab, keep bool) GrabPhase {
			return wsStorm(viewers, envelopes, grabs, keep)
		}
	default:
		return fmt.Errorf("bench clients: --via must be %q or %q, got %q", ViaWS, ViaHTTP, opt.Via)
	}
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
	p1 := storm(envelopes, plan(len(tokens), len(envelopes), opt.DupEvery, true), true)
	raw, _ := json.Marshal(p1)
	fmt.Fprintf(out, "phase1 %s\n", raw)
	if !lines.Scan() || lines.Text() != "again" {
		return fmt.Errorf("bench clients: expected \"again\" from the parent")
	}
	p2 := storm(envelopes, plan(len(tokens), len(envelopes), 0, false), false)
	raw, _ = json.Marshal(p2)
	fmt.Fprintf(out, "phase2 %s\n", raw)
	return nil
}

// jsonInt reads the integer after key in a small JSON body, without a decoder (-1
// when absent).
func jsonInt(body []byte, key string) int64 {
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return -1
	}
	rest := body[i+len(key):]
	neg := len(rest) > 0 && rest[0] == '-'
	if neg {
		rest = rest[1:]
	}
	var n int64
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// jsonString reads the string after key in a small JSON body ("" when absent); the
// bench's strings (codes, refs) hold no escapes.
func jsonString(body []byte, key string) string {
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	if len(rest) == 0 || rest[0] != '"' {
		return ""
	}
	rest = rest[1:]
	if j := bytes.IndexByte(rest, '"'); j >= 0 {
		return string(rest[:j])
	}
	return ""
}
