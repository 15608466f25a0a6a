package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// wsStormTimeout bounds one storm over WebSockets: grabs unanswered by then count as
// errors rather than hanging the benchmark.
const wsStormTimeout = 2 * time.Minute

var grabResultPrefix = []byte(`{"type":"grab_result"`)

// wsViewer is one viewer in the room during the red-envelope benchmark: its own room
// WebSocket, read by an epoll loop (Linux) or a goroutine of its own, which on each
// grab_result records it and sends the viewer's next grab — a viewer clicking envelope
// after envelope as fast as the answers come.
type wsViewer struct {
	conn *wsConn
	id   int64
	fd   int    // the socket read by an epoll loop (Linux), or -1: conn and a goroutine
	in   []byte // bytes read but not yet parsed (epoll)

	mu       sync.Mutex
	dead     error     // the socket failed: every later grab is an error
	grabs    []grab    // this phase's plan (nil between phases)
	sent     []int64   // unix nano each grab was sent, 0 if not yet
	answered []bool    // per grab
	next     int       // the next grab to send
	left     int       // grabs not yet answered
	envs     []int64   // envelope ids by index
	t        *tally    // this viewer's answers this phase
	done     func()    // called once when every grab is answered or failed
	buf      []byte    // the grab frame being built
	lat      []float64 // reused across phases
}

// connectGrabbers opens every viewer's room WebSocket, 64 at a time, and hands each to
// its reader.
func connectGrabbers(ctx context.Context, opt EnvelopeClientOptions, tokens []string, ids []int64) ([]*wsViewer, int) {
	wsURL := "ws" + opt.URL[len("http"):] + "/api/v1/sessions/" + strconv.FormatInt(opt.SessionID, 10) + "/ws?token="
	viewers := make([]*wsViewer, len(tokens))
	var failed, next atomic.Int64
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
				v := &wsViewer{conn: conn, id: ids[i], fd: -1}
				if err := v.attach(); err != nil {
					conn.close()
					failed.Add(1)
					continue
				}
				viewers[i] = v
			}
		}()
	}
	wg.Wait()
	return slices.DeleteFunc(viewers, func(v *wsViewer) bool { return v == nil }), int(failed.Load())
}

// wsStorm runs one phase: each viewer sends its first grab (and its double), then the
// next as each answer comes, until every grab is answered.
func wsStorm(viewers []*wsViewer, envelopes []int64, grabs [][]grab, keep bool) GrabPhase {
	var wg sync.WaitGroup
	tallies := make([]*tally, len(viewers))
	for i, v := range viewers {
		tallies[i] = &tally{}
		v.mu.Lock()
		v.grabs, v.envs, v.t = grabs[i], envelopes, tallies[i]
		v.sent, v.answered = make([]int64, len(v.grabs)), make([]bool, len(v.grabs))
		v.next, v.left = 0, len(v.grabs)
		v.t.lat = v.lat[:0]
		wg.Add(1)
		v.done = sync.OnceFunc(wg.Done)
		v.mu.Unlock()
	}
	start := time.Now()
	var kick sync.WaitGroup
	const kickers = 8
	for k := range kickers {
		kick.Add(1)
		go func() {
			defer kick.Done()
			for i := k; i < len(viewers); i += kickers {
				v := viewers[i]
				v.mu.Lock()
				first := 1
				if len(v.grabs) > 1 && v.grabs[1] == v.grabs[0] {
					first = 2 // the double grab goes out together with the first
				}
				for range first {
					v.sendNext()
				}
				v.finishIfDone()
				v.mu.Unlock()
			}
		}()
	}
	kick.Wait()
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(wsStormTimeout):
	}
	seconds := time.Since(start).Seconds()
	for _, v := range viewers {
		v.mu.Lock()
		v.failRest(fmt.Errorf("no answer within %s", wsStormTimeout))
		v.lat = v.t.lat
		v.grabs = nil
		v.mu.Unlock()
	}
	return merge(tallies, seconds, keep)
}

// sendNext sends the next grab of the plan; the caller holds mu.
func (v *wsViewer) sendNext() {
	if v.next >= len(v.grabs) {
		return
	}
	i := v.next
	v.next++
	if v.dead != nil {
		v.answered[i] = true
		v.left--
		v.t.failed(v.dead)
		return
	}
	// A masked text frame (payload < 126 bytes, zero mask) built in place: no
	// allocation per grab.
	v.buf = append(v.buf[:0], 0x81, 0x80, 0, 0, 0, 0)
	v.buf = append(v.buf, `{"type":"grab","envelope_id":`...)
	v.buf = strconv.AppendInt(v.buf, v.envs[v.grabs[i].envelope], 10)
	v.buf = append(v.buf, `,"ref":"`...)
	v.buf = strconv.AppendInt(v.buf, int64(i), 10)
	v.buf = append(v.buf, `"}`...)
	v.buf[1] |= byte(len(v.buf) - 6)
	v.sent[i] = time.Now().UnixNano()
	if err := v.write(v.buf); err != nil {
		v.dead = err
		v.answered[i] = true
		v.left--
		v.t.failed(err)
	}
}

// finishIfDone reports the viewer done once nothing is left; the caller holds mu.
func (v *wsViewer) finishIfDone() {
	if v.left == 0 && v.done != nil {
		v.done()
	}
}

// failRest counts every grab not answered yet as failed; the caller holds mu.
func (v *wsViewer) failRest(err error) {
	if v.grabs == nil {
		return
	}
	for i := range v.grabs {
		if !v.answered[i] {
			v.answered[i] = true
			v.left--
			v.t.failed(err)
		}
	}
	v.next = len(v.grabs)
	v.finishIfDone()
}

// read handles the viewer's socket until it closes, where no epoll loop does.
func (v *wsViewer) read() {
	for {
		data, err := v.conn.readMessage()
		if err != nil {
			v.fail(fmt.Errorf("room socket: %w", err))
			return
		}
		v.message(data)
	}
}

// message handles one message from the room: grab_result answers are recorded and
// trigger the next grab; everything else the room sends is skipped.
func (v *wsViewer) message(data []byte) {
	if !bytes.HasPrefix(data, grabResultPrefix) {
		return
	}
	now := time.Now().UnixNano()
	v.mu.Lock()
	v.onResult(data, now)
	v.mu.Unlock()
}

// fail ends the viewer's socket: its unanswered grabs, now and later, are errors.
func (v *wsViewer) fail(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dead == nil {
		v.dead = err
	}
	v.failRest(v.dead)
}

// write sends one frame; the caller holds mu (or owns the viewer).
func (v *wsViewer) write(b []byte) error {
	if v.fd >= 0 {
		return v.writeFD(b)
	}
	v.conn.wmu.Lock()
	defer v.conn.wmu.Unlock()
	_, err := v.conn.conn.Write(b)
	return err
}

// closeSocket says goodbye and releases the viewer's socket.
func (v *wsViewer) closeSocket() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fd < 0 {
		v.conn.close()
		return
	}
	_ = v.writeFD([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8})
	v.closeFD()
}

// onResult records one grab_result; the caller holds mu.
func (v *wsViewer) onResult(data []byte, now int64) {
	if v.grabs == nil {
		return // a late answer after a timed-out phase
	}
	i, err := strconv.Atoi(jsonString(data, `"ref":`))
	if err != nil || i < 0 || i >= len(v.grabs) || v.sent[i] == 0 || v.answered[i] ||
		jsonInt(data, `"envelope_id":`) != v.envs[v.grabs[i].envelope] {
		v.t.Stray++
		if v.t.FirstBad == "" {
			v.t.FirstBad = "stray answer: " + string(data)
		}
		return
	}
	v.answered[i] = true
	v.left--
	ms := float64(now-v.sent[i]) / 1e6
	code := jsonString(data, `"code":`)
	amount := int64(0)
	if code == "" {
		amount = jsonInt(data, `"amount":`)
	}
	v.t.answer(v.envs[v.grabs[i].envelope], v.id, code, amount, ms, data)
	v.sendNext()
	v.finishIfDone()
}
