package flashsale

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
)

// pending is a purchase an owner accepted, waiting for its commit.
type pending struct {
	o       *owner
	viewer  int64
	qty     int64
	reply   chan buyResult
	orderID int64
	err     error // set when this purchase did not commit
}

func (p *pending) order() commerce.NewOrder {
	return commerce.NewOrder{TenantID: p.o.tenant, SessionID: p.o.session, ViewerID: p.viewer, Source: Source, SourceID: p.o.id,
		StockHeld: true, Lines: []commerce.NewLine{{ProductID: p.o.product, SKUID: p.o.sku, Quantity: p.qty, Price: p.o.price}}}
}

// writer is the group commit of flash-sale orders: one goroutine takes every purchase
// the owners accepted since its last commit (up to max) and writes them in one
// transaction — the sales' sold counters, the buyers' units and the orders through
// commerce.CreateHeldOrdersTx — then answers their callers. While a commit is on disk the
// next purchases queue up, so a storm is written in a few large transactions. When a
// batch fails (a CHECK refused it, a product was archived meanwhile), each purchase
// is retried in its own transaction so one bad purchase fails alone.
type writer struct {
	s      *Service
	in     chan []*pending // each message: the purchases one owner accepted in one wake-up
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

// group is one sale's purchases within a batch.
type group struct {
	o       *owner
	items   []*pending
	soldOut bool // this commit sold the last unit
}

// errRefused makes a batch fall back to one transaction per purchase.
var errRefused = errors.New("flashsale: batch refused by a guard")

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
	ctx := context.Background()
	err := w.s.store.Tx(ctx, func(tx *db.Tx) error {
		for _, g := range groups {
			g.soldOut = false
		}
		return w.s.writeBatch(ctx, tx, groups)
	})
	if err != nil {
		if !errors.Is(err, errRefused) {
			w.s.log.Warn("flash sale batch failed; committing one by one", "orders", len(batch), "err", err)
		}
		for _, g := range groups {
			g.soldOut = false
			for _, p := range g.items {
				sold, err := w.s.commitOne(ctx, p)
				p.err = err
				g.soldOut = g.soldOut || sold
			}
			g.o.needReload.Store(true)
		}
	}
	for _, g := range groups {
		for _, p := range g.items {
			if p.err != nil {
				p.reply <- buyResult{err: p.err}
			} else {
				p.reply <- buyResult{orderID: p.orderID}
			}
		}
		g.o.inflight.Add(-int64(len(g.items)))
		w.s.pulses.changed(g.o.id, g.soldOut)
	}
}
