package promo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// pending is a grab an owner decided, waiting for its commit.
type pending struct {
	o      *owner
	viewer int64
	seq    int32
	amount int64
	last   bool // took the envelope's last free share
	reply  func(amount int64, err error)
	err    error // set by the writer when this grab did not commit
}

// writer is the group commit of red-envelope grabs: one goroutine takes every grab
// the owners decided since its last commit (up to max) and writes them in one
// transaction, then answers their callers. While a commit is on disk the next grabs
// queue up, and once it has one grab the writer keeps collecting for up to linger, so
// a storm is written in a few large transactions (a commit costs about as much as a
// few hundred rows) and a lone grab waits at most linger.
type writer struct {
	s      *Service
	in     chan []*pending // each message: the grabs one owner decided in one wake-up
	done   chan struct{}
	max    int
	linger time.Duration
}

func newWriter(s *Service, max int, linger time.Duration) *writer {
	return &writer{s: s, in: make(chan []*pending, 4096), done: make(chan struct{}), max: max, linger: linger}
}

func (w *writer) submit(ps []*pending) { w.in <- ps }

// close stops the writer after it has committed and answered everything submitted.
func (w *writer) close() {
	close(w.in)
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*pending, 0, w.max)
	for {
		ps, ok := <-w.in
		if !ok {
			return
		}
		batch = w.fill(append(batch[:0], ps...))
		w.commit(batch)
	}
}

// fill adds what is queued to batch, lingering for more while under max.
func (w *writer) fill(batch []*pending) []*pending {
	var deadline <-chan time.Time
	for len(batch) < w.max {
		select {
		case ps, ok := <-w.in:
			if !ok {
				return batch
			}
			batch = append(batch, ps...)
			continue
		default:
		}
		if w.linger <= 0 {
			return batch
		}
		if deadline == nil {
			t := time.NewTimer(w.linger)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case ps, ok := <-w.in:
			if !ok {
				return batch
			}
			batch = append(batch, ps...)
		case <-deadline:
			return batch
		}
	}
	return batch
}

// group is one envelope's grabs within a batch.
type group struct {
	o     *owner
	items []*pending
	open  bool // the envelope row was open and booked
}

func (w *writer) commit(batch []*pending) {
	var groups []*group
	for _, p := range batch {
		i := slices.IndexFunc(groups, func(g *group) bool { return g.o == p.o })
		if i < 0 {
			i = len(groups)
			groups = append(groups, &group{o: p.o})
		}
		groups[i].items = append(groups[i].items, p)
	}
	// A fixed lock order across nodes: no deadlock between two writers on PostgreSQL.
	slices.SortFunc(groups, func(a, b *group) int { return cmp.Compare(a.o.id, b.o.id) })
	now := w.s.now().UnixMilli()
	err := w.s.store.Tx(context.Background(), func(tx *db.Tx) error {
		for _, p := range batch {
			p.err = nil
		}
		return writeBatch(context.Background(), tx, groups, now)
	})
	if err != nil {
		w.s.log.Error("commit red envelope grabs", "grabs", len(batch), "err", err)
	}
	for _, g := range groups {
		emptied, failed := false, err != nil
		for _, p := range g.items {
			switch {
			case err != nil:
				p.reply(0, fmt.Errorf("promo: grab: %w", err))
			case p.err != nil:
				failed = true
				p.reply(0, p.err)
			default:
				p.reply(p.amount, nil)
				emptied = emptied || p.last
			}
		}
		if failed {
			g.o.needReload.Store(true)
		}
		g.o.inflight.Add(-int64(len(g.items)))
		if emptied {
			go w.s.broadcast(g.o.session, EnvelopeEmptyEvent{Type: "red_envelope_empty", ID: g.o.id})
		}
	}
}
