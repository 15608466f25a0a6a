package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RoomClientOptions drive the viewer process of `siyu bench room`.
type RoomClientOptions struct {
	URL            string
	SessionID      int64
	Viewers        int
	Senders        int
	Likers         int
	CommentsPerSec int
	LikesPerSec    int
	Duration       time.Duration
	Sample         int // viewers that record every comment latency
}

// RoomClientResult is what the viewer process reports back as one JSON line.
type RoomClientResult struct {
	Connected    int     `json:"connected"`
	Failed       int     `json:"failed"`
	Seconds      float64 `json:"seconds"`
	CommentsSent int64   `json:"comments_sent"`
	LikesSent    int64   `json:"likes_sent"`
	Deliveries   int64   `json:"deliveries"`
	Frames       int64   `json:"frames"`
	P50ms        float64 `json:"p50_ms"`
	P99ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	Samples      int     `json:"samples"`
	OwnSent      int64   `json:"own_sent"`
	OwnSeen      int64   `json:"own_seen"`
	Dropped      int64   `json:"dropped"`
	// Error frames the room sent back, by who got them: senders send only comments and
	// likers only likes, so each is a refused comment or like; Unattributed are errors
	// a viewer that sends both (or neither) got (must be 0).
	CommentsRefused int64 `json:"comments_refused"`
	LikesRefused    int64 `json:"likes_refused"`
	Unattributed    int64 `json:"unattributed"`
}

type benchViewer struct {
	conn      *wsConn
	id        int64
	sample    bool
	sender    bool
	liker     bool
	latencies []float64
	ownSeen   int64
	sentMu    sync.Mutex
	sent      map[int64]struct{} // send times of this viewer's own comments not yet seen
}

var (
	likeMsg       = []byte(`{"type":"like","count":1}`)
	commentMarker = []byte(`"type":"comment"`)
	errorMarker   = []byte(`"type":"error"`)
	benchPrefix   = []byte(`"text":"b:`)
)

// RunRoomClients is the viewer side of the room benchmark, run in its own process so the
// server's memory and CPU are measured alone. It talks to the parent over stdin/stdout:
// "created N" → waits "connect" → "connected N F" → waits "go" → "result {json}".
func RunRoomClients(ctx context.Context, opt RoomClientOptions, in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	expect := func(word string) error {
		if !lines.Scan() || lines.Text() != word {
			return fmt.Errorf("bench clients: expected %q from the parent", word)
		}
		return nil
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	tokens, ids, err := createViewers(opt, hc)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %d\n", len(tokens))
	if err := expect("connect"); err != nil {
		return err
	}
	viewers, failed := connectViewers(ctx, opt, tokens, ids)
	fmt.Fprintf(out, "connected %d %d\n", len(viewers), failed)
	if err := expect("go"); err != nil {
		return err
	}
	res := driveRoom(ctx, opt, viewers)
	res.Connected, res.Failed = len(viewers), failed
	raw, _ := json.Marshal(res)
	fmt.Fprintf(out, "result %s\n", raw)
	for _, v := range viewers {
		v.conn.close()
	}
	return nil
}

func createViewers(opt RoomClientOptions, hc *http.Client) ([]string, []int64, error) {
	tokens := make([]string, opt.Viewers)
	ids := make([]int64, opt.Viewers)
	c := &Client{Base: opt.URL, HTTP: hc}
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= opt.Viewers {
					return
				}
				var res struct {
					ViewerID int64  `json:"viewer_id"`
					Token    string `json:"token"`
				}
				err := c.Do("POST", "/api/v1/sessions/"+strconv.FormatInt(opt.SessionID, 10)+"/viewers",
					map[string]any{"nickname": "观众" + strconv.Itoa(i)}, &res, 201)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				tokens[i], ids[i] = res.Token, res.ViewerID
			}
		}()
	}
	wg.Wait()
	return tokens, ids, firstErr
}

func connectViewers(ctx context.Context, opt RoomClientOptions, tokens []string, ids []int64) ([]*benchViewer, int) {
	wsURL := "ws" + opt.URL[len("http"):] + "/api/v1/sessions/" + strconv.FormatInt(opt.SessionID, 10) + "/ws?token="
	viewers := make([]*benchViewer, len(tokens))
	var failed atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(tokens) {
					return
				}
				dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				conn, err := dialWS(dctx, wsURL+tokens[i])
				cancel()
				if err != nil {
					failed.Add(1)
					continue
				}
				viewers[i] = &benchViewer{conn: conn, id: ids[i], sample: i < opt.Sample, sender: i < opt.Senders}
			}
		}()
	}
	wg.Wait()
	out := slices.DeleteFunc(viewers, func(v *benchViewer) bool { return v == nil })
	return out, int(failed.Load())
}

// driveRoom sends comments and likes at the requested rates while every viewer reads,
// and measures delivery counts and comment latency (the send time travels in the text).
func driveRoom(ctx context.Context, opt RoomClientOptions, viewers []*benchViewer) RoomClientResult {
	var t readTally
	readCtx, stopReading := context.WithCancel(ctx)
	var readers sync.WaitGroup
	nSenders, nLikers := min(opt.Senders, len(viewers)), min(opt.Likers, len(viewers))
	for i, v := range viewers {
		// The viewers that send below, named before anyone reads, so a refusal is
		// counted against what its viewer sends.
		v.sender, v.liker = i < nSenders, i >= len(viewers)-nLikers
		readers.Add(1)
		go func() {
			defer readers.Done()
			v.read(readCtx, &t)
		}()
	}
	start := time.Now()
	var commentsSent, likesSent, ownSent atomic.Int64
	runCtx, stop := context.WithTimeout(ctx, opt.Duration)
	defer stop()
	var senders sync.WaitGroup
	senders.Add(2)
	go func() {
		defer senders.Done()
		pace(runCtx, opt.CommentsPerSec, func(n int64) {
			v := viewers[int(n)%nSenders]
			at := time.Now().UnixNano()
			v.sentMu.Lock()
			if v.sent == nil {
				v.sent = map[int64]struct{}{}
			}
			v.sent[at] = struct{}{}
			v.sentMu.Unlock()
			msg := []byte(`{"type":"comment","text":"b:` + strconv.FormatInt(at, 10) + `"}`)
			if v.conn.writeText(msg) == nil {
				commentsSent.Add(1)
				ownSent.Add(1)
			}
		})
	}()
	go func() {
		defer senders.Done()
		pace(runCtx, opt.LikesPerSec, func(n int64) {
			v := viewers[len(viewers)-1-int(n)%nLikers]
			if v.conn.writeText(likeMsg) == nil {
				likesSent.Add(1)
			}
		})
	}()
	senders.Wait()
	elapsed := time.Since(start)
	time.Sleep(time.Second) // let the last ticks arrive
	stopReading()
	for _, v := range viewers {
		v.conn.conn.Close()
	}
	readers.Wait()

	var all []float64
	var ownSeen int64
	for _, v := range viewers {
		all = append(all, v.latencies...)
		ownSeen += v.ownSeen
	}
	slices.Sort(all)
	res := RoomClientResult{Seconds: elapsed.Seconds(), CommentsSent: commentsSent.Load(), LikesSent: likesSent.Load(),
		Deliveries: t.deliveries.Load(), Frames: t.frames.Load(), Samples: len(all), OwnSent: ownSent.Load(),
		OwnSeen: ownSeen, Dropped: t.dropped.Load(), CommentsRefused: t.commentsRefused.Load(), LikesRefused: t.likesRefused.Load(),
		Unattributed: t.unattributed.Load()}
	if len(all) > 0 {
		res.P50ms = all[len(all)/2]
		res.P99ms = all[len(all)*99/100]
		res.MaxMs = all[len(all)-1]
	}
	return res
}

// pace calls send at rate per second until ctx ends. It sends whatever the elapsed time
// calls for at each millisecond tick, so a slow send or a late tick is caught up rather
// than silently lowering the rate.
func pace(ctx context.Context, rate int, send func(n int64)) {
	if rate <= 0 {
		return
	}
	start := time.Now()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	var n int64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			due := int64(now.Sub(start).Seconds() * float64(rate))
			for ; n < due && ctx.Err() == nil; n++ {
				send(n)
			}
		}
	}
}

// readTally is what every viewer's reader adds to.
type readTally struct {
	deliveries, frames, dropped                 atomic.Int64
	commentsRefused, likesRefused, unattributed atomic.Int64
}

func (v *benchViewer) read(ctx context.Context, t *readTally) {
	for {
		data, err := v.conn.readMessage()
		if err != nil {
			if ctx.Err() == nil {
				t.dropped.Add(1)
			}
			return
		}
		t.frames.Add(1)
		if e := int64(bytes.Count(data, errorMarker)); e > 0 {
			switch {
			case v.sender && !v.liker:
				t.commentsRefused.Add(e)
			case v.liker && !v.sender:
				t.likesRefused.Add(e)
			default:
				t.unattributed.Add(e)
			}
		}
		n := bytes.Count(data, commentMarker)
		t.deliveries.Add(int64(n))
		if n == 0 || (!v.sample && !v.sender) {
			continue
		}
		now := time.Now().UnixNano()
		rest := data
		for {
			i := bytes.Index(rest, benchPrefix)
			if i < 0 {
				break
			}
			rest = rest[i+len(benchPrefix):]
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				break
			}
			sent, err := strconv.ParseInt(string(rest[:j]), 10, 64)
			if err != nil {
				continue
			}
			if v.sample {
				v.latencies = append(v.latencies, float64(now-sent)/1e6)
			}
			if v.sender {
				v.sentMu.Lock()
				if _, mine := v.sent[sent]; mine {
					delete(v.sent, sent)
					v.ownSeen++
				}
				v.sentMu.Unlock()
			}
		}
	}
}

// Stdio is os.Stdin/os.Stdout, named for the command wiring.
var Stdio = struct {
	In  io.Reader
	Out io.Writer
}{os.Stdin, os.Stdout}
