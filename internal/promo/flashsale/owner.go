package flashsale

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// owner is the one goroutine that decides the purchases of one flash sale. It holds
// the units left and every viewer's units in memory, so a purchase is decided without
// touching the database; an accepted one goes to the group-commit writer, which
// answers the caller once the order is durable.
//
// Invariant: the owner never believes in more units, or fewer bought units, than the
// database holds, except for changes it decided itself and that are still being
// committed. Its own decisions only take units; units come back only through
// release transactions (hooks.go), which bump the row's version and tell the owner
// after they commit (a delta). A delta the owner's last load already saw is skipped
// by its version, so each change is counted exactly once. The database backs the
// owner up anyway: sold ≤ stock and the per-viewer limit are CHECK constraints, and a
// batch they refuse is retried one order at a time, after which the owner reloads.
type owner struct {
	s        *Service
	id       int64
	tenant   int64
	session  int64
	product  int64
	sku      int64
	price    int64
	limit    int64
	startsAt int64 // unix ms
	endsAt   int64 // unix ms; 0 = none

	// Owned by the goroutine.
	left    int64
	bought  map[int64]int64
	ended   bool
	version int64 // the row version the state was loaded at

	reqs       chan *buyReq
	ctl        chan func()
	quit       chan struct{} // closed by Service.Stop
	exited     chan struct{} // closed when the goroutine has returned
	done       chan struct{} // closed once nothing will answer anymore
	doneOnce   sync.Once
	inflight   atomic.Int64 // accepted purchases not yet answered by the writer
	needReload atomic.Bool  // a commit failed: rebuild from the store
	retired    atomic.Bool  // ended: the goroutine ends, purchases are refused
}

type buyReq struct {
	viewer int64
	qty    int64
	reply  chan buyResult
}

type buyResult struct {
	orderID int64
	err     error
}

// delta is a change committed outside the owner: units back in the pool and viewers'
// units up or down, produced by the release transaction of the given row version.
type delta struct {
	version int64
	free    int64
	bought  map[int64]int64
}

func newOwner(s *Service, st saleState) *owner {
	r := st.row
	o := &owner{s: s, id: r.ID, tenant: r.TenantID, session: r.SessionID, product: r.ProductID, sku: r.SKUID, price: r.Price,
		limit: r.PerUserLimit, startsAt: r.StartsAt,
		endsAt: r.EndsAt, reqs: make(chan *buyReq, 1024), ctl: make(chan func(), 64), quit: make(chan struct{}),
		exited: make(chan struct{}), done: make(chan struct{})}
	o.load(st)
	return o
}

// load (re)builds the in-memory state from a consistent snapshot of the store.
func (o *owner) load(st saleState) {
	o.left = st.row.Stock - st.row.Sold
	o.bought = st.bought
	o.ended = st.row.EndedAt > 0
	o.version = st.row.Version
}

// apply counts a delta once: one the last load already included is skipped.
func (o *owner) apply(d delta) {
	if d.version <= o.version || o.ended {
		return
	}
	o.left += d.free
	for v, q := range d.bought {
		if n := o.bought[v] + q; n > 0 {
			o.bought[v] = n
		} else {
			delete(o.bought, v)
		}
	}
}

// Run is the owner's goroutine.
func (o *owner) Run() {
	defer close(o.exited)
	for {
		select {
		case r := <-o.reqs:
			o.decideQueued(r)
		case f := <-o.ctl:
			f()
			if o.retired.Load() {
				o.retire()
				return
			}
		case <-o.quit:
			for {
				select {
				case r := <-o.reqs:
					r.reply <- buyResult{err: errUnavailable()}
				default:
					return
				}
			}
		}
	}
}

func errUnavailable() error {
	return siyu.Errorf(siyu.ECONFLICT, "the server is restarting; try again in a moment")
}

// decideQueued decides r and every purchase already queued behind it (up to a bound)
// and hands the accepted ones to the writer in one message.
func (o *owner) decideQueued(r *buyReq) {
	groupcommit.DecideQueued(o.s.writer, r, o.reqs, &o.needReload, o.waitAndReload, o.decide)
}

// decide answers a purchase at once when it must be refused, and otherwise takes the
// units and returns the purchase for the writer, which answers after the commit.
func (o *owner) decide(r *buyReq) *pending {
	if err := o.refusal(r.viewer, r.qty); err != nil {
		r.reply <- buyResult{err: err}
		return nil
	}
	o.left -= r.qty
	o.bought[r.viewer] += r.qty
	o.inflight.Add(1)
	return &pending{o: o, viewer: r.viewer, qty: r.qty, reply: r.reply}
}

// refusal is why a viewer may not buy qty units now, or nil.
func (o *owner) refusal(viewer, qty int64) error {
	now := o.s.now().UnixMilli()
	have := o.bought[viewer]
	switch {
	case o.ended || (o.endsAt > 0 && now >= o.endsAt):
		return errEnded(o.id)
	case now < o.startsAt:
		return siyu.Errorf(ErrNotStarted, "flash sale %d starts at %s", o.id, offer.Time(o.startsAt).Format(time.RFC3339))
	case have+qty > o.limit && have > 0:
		return siyu.Errorf(ErrLimitReached, "you hold %d of the %d units one viewer may buy in flash sale %d", have, o.limit, o.id)
	case have+qty > o.limit:
		return siyu.Errorf(ErrLimitReached, "one viewer may buy at most %d units in flash sale %d", o.limit, o.id)
	case o.left <= 0:
		return siyu.Errorf(ErrSoldOut, "flash sale %d is sold out; join the waitlist for returned units", o.id)
	case o.left < qty:
		return siyu.Errorf(ErrSoldOut, "only %d units of flash sale %d are left", o.left, o.id)
	}
	return nil
}

func errEnded(id int64) error { return siyu.Errorf(ErrSaleEnded, "flash sale %d has ended", id) }

// waitAndReload waits until the writer has answered every purchase decided here,
// then rebuilds the state from the store. Only after a failed commit (rare).
func (o *owner) waitAndReload() {
	groupcommit.Drain(&o.inflight)
	st, err := loadState(context.Background(), o.s.store, o.id)
	if err != nil {
		o.s.log.Error("reload flash sale owner", "sale", o.id, "err", err)
		return // keep the conservative state; the next decision tries again
	}
	o.load(st)
	o.needReload.Store(false)
}

// buy sends one purchase to the owner and waits for the answer.
func (o *owner) buy(ctx context.Context, viewer, qty int64) (int64, error) {
	r := &buyReq{viewer: viewer, qty: qty, reply: make(chan buyResult, 1)}
	select {
	case o.reqs <- r:
	case <-o.done:
		return 0, o.gone()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	// Once queued, the purchase is answered even if the caller leaves: an accepted
	// one is committed either way, so waiting is what keeps the answer truthful.
	select {
	case res := <-r.reply:
		return res.orderID, res.err
	case <-o.done:
		select {
		case res := <-r.reply:
			return res.orderID, res.err
		default:
			return 0, o.gone()
		}
	}
}

// gone is the answer of an owner whose goroutine has ended.
func (o *owner) gone() error {
	if o.retired.Load() {
		return errEnded(o.id)
	}
	return errUnavailable()
}

// call runs f on the owner goroutine and waits for it.
func (o *owner) call(ctx context.Context, f func() error) error {
	errc := make(chan error, 1)
	select {
	case o.ctl <- func() { errc <- f() }:
	case <-o.done:
		return o.gone()
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-o.exited:
		select {
		case err := <-errc:
			return err
		default:
			return o.gone()
		}
	}
}

// post hands f to the goroutine without blocking the caller (a committing
// transaction's after-commit step); dropped once the goroutine has ended, because a
// rebuilt owner reads the change from the store.
func (o *owner) post(f func()) {
	select {
	case o.ctl <- f:
	default:
		go func() {
			select {
			case o.ctl <- f:
			case <-o.exited:
			}
		}()
	}
}

// retire ends the goroutine of an ended owner that Service.End already took out of
// the map: what is queued is refused, and done wakes anyone still sending.
func (o *owner) retire() {
	o.closeDone()
	for {
		select {
		case r := <-o.reqs:
			r.reply <- buyResult{err: errEnded(o.id)}
		default:
			return
		}
	}
}

func (o *owner) closeDone() { o.doneOnce.Do(func() { close(o.done) }) }

// Stop makes the goroutine answer what it holds and return (Service.Stop).
func (o *owner) Stop() {
	close(o.quit)
	<-o.exited
}
