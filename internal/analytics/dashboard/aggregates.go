package dashboard

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
)

// keepSlots bounds the history of a session held in memory (24 hours); older slots are
// dropped (the report reads them from the log).
const keepSlots = 24 * 3600 * 1000 / SlotMs

// Session holds one session's slots on this node. Slots from `from` on are counted as
// events arrive (here or from other nodes); earlier ones are read from the event log
// once (Seed), so a node that starts in the middle of a show still has the whole of it
// and no event is counted twice: live counting ignores slots before `from`, seeding
// ignores the others.
type Session struct {
	Tenant, ID int64

	mu       sync.Mutex
	from     int64
	seeded   bool
	slots    map[int64]*Counts
	products map[int64]*ProductCounts
	totals   Counts
	touched  atomic.Int64 // unix ms of the last event or read, for eviction
}

func newSession(tenant, id, from int64) *Session {
	return &Session{Tenant: tenant, ID: id, from: from, slots: map[int64]*Counts{}, products: map[int64]*ProductCounts{}}
}

// add counts c at slot (the caller holds s.mu).
func (s *Session) add(slot int64, c Counts) {
	b := s.slots[slot]
	if b == nil {
		b = &Counts{}
		s.slots[slot] = b
		if len(s.slots) > keepSlots {
			s.prune(slot - keepSlots)
		}
	}
	b.Add(c)
	s.totals.Add(c)
}

func (s *Session) addProduct(id int64, c ProductCounts) {
	p := s.products[id]
	if p == nil {
		p = &ProductCounts{}
		s.products[id] = p
	}
	p.Views += c.Views
	p.Checkouts += c.Checkouts
}

func (s *Session) prune(before int64) {
	for k := range s.slots {
		if k < before {
			delete(s.slots, k)
		}
	}
}

// Aggregates are the sessions this node keeps figures for, and the slots it counted
// itself and has not yet told the other nodes.
type Aggregates struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[int64]*Session
	out      map[int64]*Delta // this node's news per session, published by the cluster loop
}

// New builds empty aggregates on the given clock.
func New(now func() time.Time) *Aggregates {
	if now == nil {
		now = time.Now
	}
	return &Aggregates{now: now, sessions: map[int64]*Session{}, out: map[int64]*Delta{}}
}

// Session returns the session's aggregates, creating them (unseeded, counting from the
// current slot) when new; created says so, so the caller can seed them.
func (a *Aggregates) Session(tenant, id int64) (s *Session, created bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sessionLocked(tenant, id)
}

func (a *Aggregates) sessionLocked(tenant, id int64) (*Session, bool) {
	s := a.sessions[id]
	created := s == nil
	if created {
		s = newSession(tenant, id, Slot(a.now().UnixMilli()))
		a.sessions[id] = s
	}
	s.touched.Store(a.now().UnixMilli())
	return s, created
}

// Observe counts events recorded on this node; it returns the sessions it saw for the
// first time (to be seeded). It runs on the callers' goroutines and never blocks on
// I/O.
func (a *Aggregates) Observe(evs []eventlog.Event) (created []*Session) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range evs {
		e := &evs[i]
		s, isNew := a.sessionLocked(e.TenantID, e.SessionID)
		if isNew {
			created = append(created, s)
		}
		slot := Slot(e.At)
		var c Counts
		c.Observe(e)
		pid, pc, isProduct := observeProduct(e)
		s.mu.Lock()
		if slot >= s.from {
			s.add(slot, c)
			if isProduct {
				s.addProduct(pid, pc)
			}
		}
		s.mu.Unlock()
		d := a.out[e.SessionID]
		if d == nil {
			d = &Delta{Tenant: e.TenantID, Session: e.SessionID}
			a.out[e.SessionID] = d
		}
		d.add(slot, c, pid, pc, isProduct)
	}
	return created
}

// Merge adds another node's news; it returns the session when it was new here.
func (a *Aggregates) Merge(d Delta) (created *Session) {
	a.mu.Lock()
	s, isNew := a.sessionLocked(d.Tenant, d.Session)
	a.mu.Unlock()
	s.mu.Lock()
	for _, sc := range d.Slots {
		if sc.Slot >= s.from {
			s.add(sc.Slot, sc.Counts)
		}
	}
	for _, p := range d.Products {
		if p.Slot >= s.from {
			s.addProduct(p.Product, p.ProductCounts)
		}
	}
	s.mu.Unlock()
	if isNew {
		return s
	}
	return nil
}

// Seed counts the history before the session's first live slot: scan must call its
// argument with every event of the session in the log (in any order).
func (a *Aggregates) Seed(s *Session, scan func(fn func(evs []eventlog.Event)) error) error {
	s.mu.Lock()
	from := s.from
	s.mu.Unlock()
	hist := newSession(s.Tenant, s.ID, from)
	err := scan(func(evs []eventlog.Event) {
		for i := range evs {
			e := &evs[i]
			slot := Slot(e.At)
			if slot >= from {
				continue
			}
			var c Counts
			c.Observe(e)
			hist.add(slot, c)
			if pid, pc, ok := observeProduct(e); ok {
				hist.addProduct(pid, pc)
			}
		}
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range hist.slots {
		s.add(k, *c)
	}
	for id, p := range hist.products {
		s.addProduct(id, *p)
	}
	s.seeded = true
	return nil
}

// Get returns the session's aggregates, nil when this node keeps none.
func (a *Aggregates) Get(id int64) *Session {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[id]
	if s != nil {
		s.touched.Store(a.now().UnixMilli())
	}
	return s
}

// Live lists the sessions touched within d (those whose alerts are worth checking).
func (a *Aggregates) Live(d time.Duration) []*Session {
	cut := a.now().Add(-d).UnixMilli()
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*Session
	for _, s := range a.sessions {
		if s.touched.Load() >= cut {
			out = append(out, s)
		}
	}
	return out
}

// Evict forgets sessions untouched for idle; they are rebuilt from the log if asked
// again.
func (a *Aggregates) Evict(idle time.Duration) int {
	cut := a.now().Add(-idle).UnixMilli()
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for id, s := range a.sessions {
		if s.touched.Load() < cut {
			delete(a.sessions, id)
			n++
		}
	}
	return n
}

// Take hands over this node's news since the last call, for publishing.
func (a *Aggregates) Take() []Delta {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.out) == 0 {
		return nil
	}
	out := make([]Delta, 0, len(a.out))
	for _, d := range a.out {
		out = append(out, *d)
	}
	a.out = map[int64]*Delta{}
	return out
}
