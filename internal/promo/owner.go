package promo

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
)

// owner is the one goroutine that decides the grabs of one red envelope. It holds the
// free shares and the grabbers in memory, so a grab is decided without touching the
// database; the decision goes to the group-commit writer, which answers the caller
// once it is durable. Invariant: the owner's memory is a superset of what is committed
// (every committed grab was decided here first), so it can never hand out a share or
// let a viewer grab twice; after a failed commit it reloads from the database to give
// the failed shares back.
type owner struct {
	s         *Service
	id        int64
	tenant    int64
	session   int64
	condition string
	expiresAt int64 // unix ms

	// Owned by the goroutine.
	shares  []int64
	free    []int32 // free share indexes, highest first: the next share is free[len-1]
	grabbed map[int64]int32
	closed  bool // expired: every grab is refused

	// The refusals, built once: a storm refuses thousands of grabs a second.
	errAlready, errEmpty error

	reqs       chan *grabReq
	ctl        chan func()
	quit       chan struct{} // closed by Service.Stop
	exited     chan struct{} // closed when the goroutine has returned
	done       chan struct{} // closed by Service.Stop after the writer drained
	inflight   atomic.Int64  // decided grabs not yet answered by the writer
	needReload atomic.Bool   // a commit failed or conflicted: rebuild from the store
	retired    atomic.Bool   // expired and refunded: the goroutine ends, grabs are refused
	exiting    atomic.Bool   // the goroutine is ending: grabAsync answers by itself
	sending    atomic.Int64  // grabAsync hand-overs under way
}

// grabReq is one grab on its way to the owner. reply is called exactly once, by the
// owner (a refusal) or the writer (after the commit), and must not block: it runs on
// the goroutine that decides or commits every other grab.
type grabReq struct {
	viewer int64
	reply  func(amount int64, err error)
}

type grabResult struct {
	amount int64
	err    error
}

func newOwner(s *Service, st envelopeState) *owner {
	o := &owner{s: s, id: st.row.ID, tenant: st.row.TenantID, session: st.row.SessionID, condition: st.row.Condition,
		expiresAt: st.row.ExpiresAt, reqs: make(chan *grabReq, 1024), ctl: make(chan func(), 4),
		quit: make(chan struct{}), exited: make(chan struct{}), done: make(chan struct{}),
		errAlready: siyu.Errorf("already_grabbed", "you have already grabbed red envelope %d", st.row.ID),
		errEmpty:   siyu.Errorf("empty", "red envelope %d is empty: every share has been taken", st.row.ID)}
	o.apply(st)
	return o
}

// apply (re)builds the in-memory state from a snapshot of the store.
func (o *owner) apply(st envelopeState) {
	o.shares = st.shares
	o.closed = st.row.Status == StatusExpired
	o.grabbed = make(map[int64]int32, len(st.shares)) // sized for every share: no rehash mid-storm
	taken := make([]bool, len(st.shares))
	for _, g := range st.grabs {
		o.grabbed[g.ViewerID] = int32(g.Seq)
		if g.Seq >= 0 && int(g.Seq) < len(taken) {
			taken[g.Seq] = true
		}
	}
	o.free = o.free[:0]
	for i := len(st.shares) - 1; i >= 0; i-- {
		if !taken[i] {
			o.free = append(o.free, int32(i))
		}
	}
	if o.closed {
		o.grabbed, o.free = nil, nil
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
			o.refuseQueued(errUnavailable)
			return
		}
	}
}

func errUnavailable() error {
	return siyu.Errorf(siyu.ECONFLICT, "the server is restarting; grab again in a moment")
}

// decideQueued decides r and every grab already queued behind it (up to a bound) and
// hands the accepted ones to the writer in one message.
func (o *owner) decideQueued(r *grabReq) {
	groupcommit.DecideQueued(o.s.writer, r, o.reqs, &o.needReload, o.reloadIfDue, o.decide)
}

// reloadIfDue reloads after a failed commit once that is useful: when no share is
// free, or when nothing decided is still waiting for its commit (a reload waits).
func (o *owner) reloadIfDue() {
	if len(o.free) == 0 || o.inflight.Load() == 0 {
		o.waitAndReload()
	}
}

// decide answers a grab at once when it must be refused, and otherwise takes the next
// share and returns the grab for the writer, which answers after the commit.
func (o *owner) decide(r *grabReq) *pending {
	switch {
	case o.closed || o.s.now().UnixMilli() >= o.expiresAt:
		r.reply(0, o.expired())
		return nil
	case o.hasGrabbed(r.viewer):
		r.reply(0, o.errAlready)
		return nil
	case len(o.free) == 0:
		r.reply(0, o.errEmpty)
		return nil
	}
	seq := o.free[len(o.free)-1]
	o.free = o.free[:len(o.free)-1]
	o.grabbed[r.viewer] = seq
	o.inflight.Add(1)
	return &pending{o: o, viewer: r.viewer, seq: seq, amount: o.shares[seq], last: len(o.free) == 0, reply: r.reply}
}

func (o *owner) hasGrabbed(viewer int64) bool {
	_, ok := o.grabbed[viewer]
	return ok
}

// waitAndReload waits until the writer has answered every grab decided here, then
// rebuilds the state from the store. Only after a failed commit (rare) or on close.
func (o *owner) waitAndReload() {
	groupcommit.Drain(&o.inflight)
	st, err := loadEnvelope(context.Background(), o.s.store, o.id)
	if err != nil {
		o.s.log.Error("reload red envelope owner", "envelope", o.id, "err", err)
		return // keep the superset state: safe, and the next decision tries again
	}
	o.apply(st)
	o.needReload.Store(false)
}

// grab sends one grab to the owner and waits for the answer.
func (o *owner) grab(ctx context.Context, viewer int64) (int64, error) {
	ch := make(chan grabResult, 1)
	r := &grabReq{viewer: viewer, reply: func(amount int64, err error) { ch <- grabResult{amount, err} }}
	select {
	case o.reqs <- r:
	case <-o.done:
		return 0, o.gone()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	select {
	case res := <-ch:
		return res.amount, res.err
	case <-o.done:
		select {
		case res := <-ch:
			return res.amount, res.err
		default:
			return 0, o.gone()
		}
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// grabAsync hands one grab to the owner without waiting: reply is called exactly once,
// after the commit or with the refusal, from the owner's or the writer's goroutine.
// When the owner's queue is full the hand-over waits on a goroutine of its own, so the
// caller (a WebSocket read loop) never blocks. sending lets an ending owner answer every
// request handed over, however late (see refuseQueued).
func (o *owner) grabAsync(viewer int64, reply func(amount int64, err error)) {
	r := &grabReq{viewer: viewer, reply: reply}
	o.sending.Add(1)
	if o.exiting.Load() {
		o.sending.Add(-1)
		reply(0, o.gone())
		return
	}
	select {
	case o.reqs <- r:
		o.sending.Add(-1)
	default:
		go func() {
			o.reqs <- r // the owner reads until sending is 0, even while it ends
			o.sending.Add(-1)
		}()
	}
}

// refuseQueued is the owner's last act: it refuses what is queued and whatever
// grabAsync is still handing over. A sender either sees exiting (and answers itself)
// or is counted in sending, which this waits out.
func (o *owner) refuseQueued(err func() error) {
	o.exiting.Store(true)
	for {
		counted := o.sending.Load() == 0
		for drained := false; !drained; {
			select {
			case r := <-o.reqs:
				r.reply(0, err())
			default:
				drained = true
			}
		}
		if counted {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// gone is the answer of an owner whose goroutine has ended.
func (o *owner) gone() error {
	if o.retired.Load() {
		return o.expired()
	}
	return errUnavailable()
}

// call runs f on the owner goroutine and waits for it, for expiry and tests.
func (o *owner) call(ctx context.Context, f func() error) error {
	errc := make(chan error, 1)
	select {
	case o.ctl <- func() { errc <- f() }:
	case <-o.done:
		return errUnavailable()
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retire ends the goroutine of an expired owner that Service.Expire already took out
// of the map: what is queued is refused, and done wakes anyone still sending.
func (o *owner) retire() {
	close(o.done)
	o.refuseQueued(o.expired)
}

func (o *owner) expired() error {
	return siyu.Errorf("expired", "red envelope %d has expired", o.id)
}

// Stop makes the goroutine answer what it holds and return (Service.Stop).
func (o *owner) Stop() {
	close(o.quit)
	<-o.exited
}
