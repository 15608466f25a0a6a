package room

import (
	"context"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// counters are increments not yet in live_sessions (and live_popularity).
type counters struct {
	Likes, Comments, Hidden, Shares, Follows, GiftValue int64
	HourViewers                                         int64 // distinct viewers new in this hour
}

func (c counters) zero() bool { return c == counters{} }

func (c *counters) add(d counters) {
	c.Likes += d.Likes
	c.Comments += d.Comments
	c.Hidden += d.Hidden
	c.Shares += d.Shares
	c.Follows += d.Follows
	c.GiftValue += d.GiftValue
	c.HourViewers += d.HourViewers
}

// totals are a session's stored aggregates.
type totals struct {
	Peak                                                 int   `db:"peak_online"`
	Viewers, Likes, Comments, Shares, Follows, GiftValue int64 `db:"-"`
	Hidden                                               int64 `db:"-"`
}

// job is what one hub hands the batched writer at one tick: the events to insert
// (ids are assigned by the store, so an id a client sees is always persisted), the
// presence to book and, every StatsEvery or on a flush, the counters.
type job struct {
	h       *hub
	tenant  int64
	session int64
	events  []*event
	pres    []presenceUpd
	stats   bool
	delta   counters
	peak    int
	hour    int64
	now     int64
	waiters []chan error
	// set by the writer, applied by the hub after commit
	ids    []int64
	newIDs map[int64]bool
	totals *totals
}

type jobResult struct {
	job *job
	err error
}

// persist hands the next job to the writer unless one is in flight (one per hub at a
// time, so the counters read back are never ahead of or behind what the hub holds).
// Counters are written every StatsEvery, at once when viewers joined (the distinct
// count) and whenever the room is closing, empty or being flushed.
func (h *hub) persist(statsDue bool) {
	if h.busy {
		return
	}
	if len(h.waiters) > 0 {
		// A Flush (the session ending) must write every like the room has taken, not
		// only those the last tick collected.
		h.unsent.Likes += h.likes.Swap(0)
		h.accrueAll()
	}
	hasJoin := false
	for _, e := range h.pending {
		if e.Kind == KindJoin {
			hasJoin = true
			break
		}
	}
	dirty := !h.unsent.zero() || hasJoin || h.peak > h.peakSaved
	closing := h.stopping != nil || h.ending || len(h.conns) == 0
	// With other nodes in the room, a stats tick also reads back the totals their
	// increments changed, even with nothing to add here.
	stats := (dirty && (statsDue || closing || hasJoin)) || (statsDue && len(h.remoteOn) > 0) || len(h.waiters) > 0
	if len(h.pending) == 0 && len(h.presence) == 0 && !stats {
		return
	}
	now := h.svc.now()
	j := &job{h: h, tenant: h.tenant, session: h.id, events: h.pending, stats: stats, peak: h.peak,
		hour: now.Unix() / 3600, now: now.UnixMilli(), waiters: h.waiters}
	for _, p := range h.presence {
		j.pres = append(j.pres, *p)
	}
	if stats {
		j.delta, h.inflight, h.unsent = h.unsent, h.unsent, counters{}
	}
	h.pending, h.waiters = nil, nil
	clear(h.presence)
	h.busy = true
	h.svc.persister.jobs <- j
}

// onResult applies a committed job: ids, new viewers, the counters read back. The
// events are then published to the other nodes and broadcast here at once, so a
// comment reaches the room one commit after the tick that took it.
func (h *hub) onResult(r *jobResult) {
	h.busy = false
	j := r.job
	if r.err != nil {
		h.retries++
		h.unsent.add(h.inflight)
		h.inflight = counters{}
		if h.retries > 3 {
			h.svc.log.Error("room: dropping events the store refused", "session", h.id, "events", len(j.events), "err", r.err)
			for _, w := range j.waiters {
				w <- r.err
			}
			h.retries = 0
			return
		}
		h.svc.log.Warn("room: persist failed; retrying", "session", h.id, "err", r.err)
		h.pending = append(j.events, h.pending...)
		for _, p := range j.pres {
			h.mergePresence(p)
		}
		h.waiters = append(j.waiters, h.waiters...)
		return
	}
	h.retries = 0
	for i, e := range j.events {
		e.ID = j.ids[i]
		if e.Kind == KindJoin {
			e.New = j.newIDs[e.ViewerID]
			if confirmed, ok := h.seen[e.ViewerID]; ok && !confirmed {
				h.seen[e.ViewerID] = true
				h.unconfirmed--
			}
		}
	}
	if j.totals != nil {
		hidden := h.base.Hidden + j.delta.Hidden
		h.base = *j.totals
		h.base.Hidden = hidden
		h.peakSaved = max(h.peakSaved, j.peak)
		if w := h.svc.opt.Likes; w != nil {
			// Off the hub goroutine: a milestone writes and broadcasts.
			go w.OnLikes(context.Background(), h.id, h.base.Likes)
		}
	}
	h.inflight = counters{}
	h.publishEvents(j.events)
	h.watchComments(j.events)
	h.watchActivity(j)
	h.out = append(h.out, j.events...)
	h.broadcast(h.statsOwed)
	h.statsOwed = false
	if len(h.waiters) > 0 {
		h.persist(false) // a flush is waiting; what came meanwhile waits for the next tick
	}
}

func (h *hub) mergePresence(p presenceUpd) {
	q := h.presence[p.ViewerID]
	if q == nil {
		h.presence[p.ViewerID] = &p
		return
	}
	q.WatchMs += p.WatchMs
	q.Likes += p.Likes
	q.LastSeen = max(q.LastSeen, p.LastSeen)
}

// persister is the batched writer shared by every hub of the node: it commits all the
// jobs waiting at once in one transaction (SQLite has a single writer anyway).
type persister struct {
	store *db.DB
	svc   *Service
	jobs  chan *job
	quit  chan struct{} // closed by Stop once the hubs are done
	done  chan struct{}
}

func (p *persister) run() {
	defer close(p.done)
	for {
		var j *job
		select {
		case j = <-p.jobs:
		case <-p.quit:
			select {
			case j = <-p.jobs: // finish what was queued before stopping
			default:
				return
			}
		}
		batch := []*job{j}
	more:
		for len(batch) < 256 {
			select {
			case j2 := <-p.jobs:
				batch = append(batch, j2)
			default:
				break more
			}
		}
		p.commit(batch)
	}
}

func (p *persister) commit(batch []*job) {
	err := p.tx(batch)
	if err != nil && len(batch) > 1 {
		// One bad job must not hold back the others: retry each alone.
		for _, j := range batch {
			p.deliver(j, p.tx([]*job{j}))
		}
		return
	}
	for _, j := range batch {
		p.deliver(j, err)
	}
}

func (p *persister) tx(batch []*job) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.store.Tx(ctx, func(tx *db.Tx) error {
		for _, j := range batch {
			if err := writeJob(ctx, tx, j); err != nil {
				return err
			}
		}
		return nil
	})
}

func (p *persister) deliver(j *job, err error) {
	if err == nil {
		for _, w := range j.waiters {
			w <- nil
		}
	}
	j.h.results <- &jobResult{job: j, err: err}
}
