package room

import (
	"sync"
)

// frame is one encoded server message, shared by every connection it is queued to:
// the hub encodes a batch once, frames it once (a server's text frame is a 2–10 byte
// header and the unmasked payload) and queues the same bytes to ten thousand viewers.
type frame struct {
	data []byte
}

func newFrame(payload []byte) *frame {
	n := len(payload)
	var hdr []byte
	switch {
	case n <= 125:
		hdr = []byte{0x81, byte(n)}
	case n <= 0xFFFF:
		hdr = []byte{0x81, 126, byte(n >> 8), byte(n)}
	default:
		hdr = []byte{0x81, 127, 0, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return &frame{data: append(hdr, payload...)}
}

// writerPool is a small, fixed set of goroutines that write queued frames to the
// connections that have any. A connection is in the run queue at most once (conn.queued),
// so the queue never holds more entries than there are connections, and an idle
// connection costs no goroutine and no timer.
type writerPool struct {
	mu     sync.Mutex
	cond   *sync.Cond
	q      []*conn
	head   int
	closed bool
	wg     sync.WaitGroup
}

func newWriterPool(n int) *writerPool {
	p := &writerPool{}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Add(n)
	for range n {
		go p.run()
	}
	return p
}

// push schedules connections; the hub pushes all connections of one tick at once.
func (p *writerPool) push(cs ...*conn) {
	if len(cs) == 0 {
		return
	}
	p.mu.Lock()
	p.q = append(p.q, cs...)
	p.mu.Unlock()
	if len(cs) == 1 {
		p.cond.Signal()
	} else {
		p.cond.Broadcast()
	}
}

// take pops up to len(buf) connections, blocking while there are none.
func (p *writerPool) take(buf []*conn) []*conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.head == len(p.q) && !p.closed {
		p.cond.Wait()
	}
	if p.head == len(p.q) {
		return buf[:0]
	}
	n := copy(buf, p.q[p.head:])
	clear(p.q[p.head : p.head+n])
	p.head += n
	if p.head == len(p.q) {
		p.q, p.head = p.q[:0], 0
	}
	return buf[:n]
}

func (p *writerPool) run() {
	defer p.wg.Done()
	var buf [1]*conn // one at a time: a stalled write must not delay other connections
	for {
		cs := p.take(buf[:])
		if len(cs) == 0 {
			return
		}
		for _, c := range cs {
			c.flush()
		}
	}
}

// stop lets the writers finish the queue and exit.
func (p *writerPool) stop() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cond.Broadcast()
	p.wg.Wait()
}
