package room

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	sendQueueLen = 16              // frames queued per connection before it counts as slow
	writeTimeout = 2 * time.Second // a write that takes longer drops the viewer
)

// conn is one WebSocket connection in a room. Its read goroutine decodes client
// frames and hands them to the hub; its sends go through a small ring of shared frames
// that the writer pool drains. No timer, no second goroutine, no per-connection write
// buffer: an idle viewer is a goroutine parked in read, a 512-byte read buffer and
// this struct.
type conn struct {
	hub   *hub
	ws    *websocket.Conn
	nc    net.Conn // ws.NetConn(): data frames are written here directly
	m     Member
	staff bool

	mu         sync.Mutex
	q          [sendQueueLen]*frame
	head, n    int
	queued     bool // in the writer pool's run queue
	closeAfter bool // close once the queue is written (kicked, banned, ended)
	closed     bool

	closeOnce sync.Once
	likes     atomic.Int64 // likes not yet added to room_presence

	// Owned by the hub goroutine.
	idx       int   // position in hub.conns
	since     int64 // unix ms from which watch time is not yet persisted
	firstSeen bool

	// Owned by whichever writer holds the connection (one at a time).
	deadline int64 // unix nano of the socket's write deadline

	// Owned by the read goroutine.
	msgs, comments bucket
	follower       bool
}

// enqueue queues f and reports whether the connection must be scheduled on the
// writer pool. A full queue means the viewer does not keep up: it is dropped rather
// than allowed to hold frames (and memory) for the room.
func (c *conn) enqueue(f *frame) (schedule bool) {
	return c.push(f, false)
}

// push queues f; last marks it as the final frame (the connection closes once it is
// written and accepts nothing more).
func (c *conn) push(f *frame, last bool) (schedule bool) {
	c.mu.Lock()
	if c.closed || c.closeAfter {
		c.mu.Unlock()
		return false
	}
	if c.n == sendQueueLen {
		c.mu.Unlock()
		c.hub.svc.metrics.slowDrops.Add(1)
		c.shutdown()
		return false
	}
	c.q[(c.head+c.n)%sendQueueLen] = f
	c.n++
	c.closeAfter = last
	schedule = !c.queued
	c.queued = true
	c.mu.Unlock()
	return schedule
}

// send queues a private frame (welcome, errors, own comment) and schedules the write.
func (c *conn) send(f *frame) {
	if c.enqueue(f) {
		c.hub.svc.writers.push(c)
	}
}

// sendJSON encodes v and sends it to this connection alone.
func (c *conn) sendJSON(v any) { c.send(newFrame(mustJSON(v))) }

// sendAndClose sends v as the last frame, then closes the connection once it is written.
func (c *conn) sendAndClose(v any) { c.sendLast(newFrame(mustJSON(v))) }

func (c *conn) sendLast(f *frame) {
	if c.push(f, true) {
		c.hub.svc.writers.push(c)
	}
}

// flush writes every queued frame; it runs on a writer pool goroutine, one at a time
// per connection.
func (c *conn) flush() {
	for {
		c.mu.Lock()
		if c.n == 0 || c.closed {
			c.queued = false
			closeNow := c.closeAfter
			c.mu.Unlock()
			if closeNow {
				c.closeWith(websocket.CloseNormalClosure, "")
			}
			return
		}
		f := c.q[c.head]
		c.q[c.head] = nil
		c.head = (c.head + 1) % sendQueueLen
		c.n--
		c.mu.Unlock()
		// The frame goes straight to the socket in one Write, which the kernel
		// serialises with gorilla's own control-frame writes (pong, close), so
		// frames never interleave. The deadline is refreshed at most every half
		// writeTimeout rather than per write: a stalled write still fails within
		// writeTimeout, and most writes touch no timer.
		if now := time.Now().UnixNano(); now > c.deadline-int64(writeTimeout/2) {
			c.deadline = now + int64(writeTimeout)
			_ = c.nc.SetWriteDeadline(time.Unix(0, c.deadline))
		}
		if _, err := c.nc.Write(f.data); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				c.hub.svc.metrics.slowDrops.Add(1) // the viewer stopped reading
			}
			c.shutdown()
		}
	}
}

// closeWith sends a close frame (best effort) and closes the connection.
func (c *conn) closeWith(code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.shutdown()
}

// shutdown closes the socket; the read goroutine then ends and tells the hub.
func (c *conn) shutdown() {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		clear(c.q[:])
		c.n = 0
		c.mu.Unlock()
		_ = c.ws.Close()
	})
}

var readBufs = sync.Pool{New: func() any { b := make([]byte, MaxMessageBytes+1); return &b }}

// readLoop reads client frames until the connection closes, then leaves the room.
func (c *conn) readLoop() {
	defer func() {
		c.shutdown()
		c.hub.leave(c)
	}()
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		bp := readBufs.Get().(*[]byte)
		n, err := io.ReadFull(r, *bp)
		if err != io.ErrUnexpectedEOF && err != io.EOF {
			readBufs.Put(bp)
			return // larger than the read limit, or a broken connection
		}
		c.handle((*bp)[:n])
		readBufs.Put(bp)
	}
}

// bucket is a token bucket owned by one goroutine; no timer, refilled on use.
type bucket struct {
	tokens float64
	last   int64 // unix nano
}

func (b *bucket) allow(now int64, perSec, burst float64) bool {
	if b.last == 0 {
		b.tokens = burst
	} else {
		b.tokens = min(burst, b.tokens+float64(now-b.last)/1e9*perSec)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
