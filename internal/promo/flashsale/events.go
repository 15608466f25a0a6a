package flashsale

import (
	"context"
	"sync"
	"time"
)

// pulses paces the flash_sale room events of each sale. Launch, start, sold out and
// end go out at once; stock changes (orders committed or released, the waitlist
// moving) at most once per interval, the last one after the interval so the room
// always ends up with the final numbers. Each event carries the sale as the database
// has it when it is sent, and sends of one sale are serialised, so a room never sees
// an older state after a newer one. The interval is wall time: it paces traffic, it
// decides nothing.
type pulses struct {
	s      *Service
	every  time.Duration
	mu     sync.Mutex
	m      map[int64]*pulse
	closed bool
}

type pulse struct {
	last  time.Time
	timer *time.Timer
	send  sync.Mutex // one send of this sale at a time
}

func newPulses(s *Service, every time.Duration) *pulses {
	return &pulses{s: s, every: every, m: map[int64]*pulse{}}
}

// changed notes a change of sale id; urgent sends at once.
func (ps *pulses) changed(id int64, urgent bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return
	}
	p := ps.m[id]
	if p == nil {
		p = &pulse{}
		ps.m[id] = p
	}
	now := time.Now()
	if urgent || now.Sub(p.last) >= ps.every {
		if p.timer != nil {
			p.timer.Stop()
			p.timer = nil
		}
		p.last = now
		go ps.send(id, p)
		return
	}
	if p.timer == nil {
		p.timer = time.AfterFunc(p.last.Add(ps.every).Sub(now), func() {
			ps.mu.Lock()
			p.timer = nil
			p.last = time.Now()
			closed := ps.closed
			ps.mu.Unlock()
			if !closed {
				ps.send(id, p)
			}
		})
	}
}

// send broadcasts the sale as stored now.
func (ps *pulses) send(id int64, p *pulse) {
	p.send.Lock()
	defer p.send.Unlock()
	ps.mu.Lock()
	closed := ps.closed
	ps.mu.Unlock()
	if closed {
		return // stopping: the store may be closing
	}
	r, err := getSale(context.Background(), ps.s.store, 0, id)
	if err != nil {
		ps.s.log.Warn("read flash sale for the room", "sale", id, "err", err)
		return
	}
	ps.s.room.Broadcast(r.SessionID, SaleEvent{Type: "flash_sale", Sale: r.sale(ps.s.now().UnixMilli())})
}

// stop cancels pending sends (Service.Stop).
func (ps *pulses) stop() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.closed = true
	for _, p := range ps.m {
		if p.timer != nil {
			p.timer.Stop()
			p.timer = nil
		}
	}
}
