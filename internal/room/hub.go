package room

import (
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

// hub is the owner of one session's room on this node. Its goroutine (run) is the
// only one that touches the fields below the channels, so the room's rules need no
// locks: it admits joins, decides on every message, applies moderation, builds one
// frame per tick and fans it out.
type hub struct {
	svc    *Service
	id     int64
	tenant int64
	info   atomic.Pointer[SessionInfo] // read by the read goroutines
	stats  atomic.Pointer[Stats]       // last computed stats, for Service.Stats
	likes  atomic.Int64                // likes not yet taken by a tick
	refs   atomic.Int32                // joins handed out by Service.hubFor, not yet processed

	joins   chan *conn
	leaves  chan *conn
	inbox   chan *event
	ctl     chan Control
	remote  chan *nodeMsg
	results chan *jobResult
	calls   chan func()
	done    chan struct{} // closed when run returns
	subs    []bus.Subscription

	filter      *wordfilter.Filter
	partner     *partnerOut
	conns       []*conn
	sched       []*conn // scratch for fanout
	staffN      int     // staff connections here
	byViewer    map[int64][]*conn
	seen        map[int64]bool // viewers who joined: true once persisted
	unconfirmed int64          // seen but not yet persisted
	hourSeen    map[int64]bool
	hour        int64
	mutes       map[int64]int64 // viewer → until (unix ms)
	bans        map[int64]bool
	lastComment map[int64]int64 // slow mode: viewer → unix ms of last accepted comment
	micPending  map[int64]bool
	remoteOn    map[string]remoteCount

	pending    []*event // accepted, waiting to be persisted
	out        []*event // persisted here or received from other nodes, to broadcast
	extra      [][]byte // encoded events for everyone (deletions, session changes)
	staffExtra [][]byte // encoded events for hosts and moderators only
	presence   map[int64]*presenceUpd
	base       totals   // as last read back from live_sessions
	inflight   counters // in the job being persisted
	unsent     counters // not yet in any job
	peak       int
	busy       bool // a persistence job is in flight
	peakSaved  int
	waiters    []chan error
	retries    int

	nextStats, nextPresence time.Time
	big                     bool // sampled: rounds every BigTick
	statsOwed               bool // stats are due in the next broadcast
	emptySince              time.Time
	ending                  bool // the session ended: close once everything is flushed
	reloadSoon              bool
	stopping                chan error
}

type remoteCount struct {
	online  int
	expires int64 // unix ms
}

type partnerOut struct {
	SessionID int64  `json:"session_id"`
	Title     string `json:"title"`
	HostName  string `json:"host_name"`
	VideoURL  string `json:"video_url"`
	Status    string `json:"status"`
}

func newHub(s *Service, info SessionInfo) *hub {
	h := &hub{svc: s, id: info.ID, tenant: info.TenantID,
		joins: make(chan *conn, 1024), leaves: make(chan *conn, 1024), inbox: make(chan *event, 4096),
		ctl: make(chan Control, 256), remote: make(chan *nodeMsg, 1024), results: make(chan *jobResult, 4),
		calls: make(chan func(), 64), done: make(chan struct{}),
		byViewer: map[int64][]*conn{}, seen: map[int64]bool{}, hourSeen: map[int64]bool{}, mutes: map[int64]int64{},
		bans: map[int64]bool{}, lastComment: map[int64]int64{}, micPending: map[int64]bool{},
		remoteOn: map[string]remoteCount{}, presence: map[int64]*presenceUpd{}}
	h.info.Store(&info)
	h.filter = buildFilter(info.BannedWords)
	h.stats.Store(&Stats{})
	return h
}

// run is the hub's goroutine.
func (h *hub) run() {
	defer close(h.done)
	if err := h.load(); err != nil {
		h.svc.log.Error("room: load room state", "session", h.id, "err", err)
	}
	h.subscribe()
	defer h.unsubscribe()
	if p := h.info.Load().CoStream; p != 0 {
		h.lookupPartner(p)
	}
	t := time.NewTicker(h.svc.opt.Tick)
	defer t.Stop()
	now := time.Now()
	h.nextStats, h.nextPresence, h.emptySince = now, now.Add(h.svc.opt.PresenceEvery), now
	for {
		select {
		case c := <-h.joins:
			h.refs.Add(-1)
			h.onJoin(c)
		case c := <-h.leaves:
			h.onLeave(c)
		case ev := <-h.inbox:
			h.onEvent(ev)
		case c := <-h.ctl:
			h.onControl(c)
		case m := <-h.remote:
			h.onRemote(m)
		case r := <-h.results:
			h.onResult(r)
		case f := <-h.calls:
			f()
		case <-t.C:
			if big := h.online() > h.svc.opt.SampleAbove; big != h.big {
				h.big = big
				t.Reset(map[bool]time.Duration{false: h.svc.opt.Tick, true: h.svc.opt.BigTick}[big])
			}
			h.onTick()
			if h.maybeClose() {
				return
			}
		}
	}
}

// onTick takes the likes, sends due stats and persistence, and fans out what waits.
// A sampled (big) room ticks every BigTick instead: fewer frames for every socket and
// browser, for a little more latency. A round sends at most one frame per connection:
// when a persistence job is in flight, its result's broadcast carries the stats too.
func (h *hub) onTick() {
	now := time.Now()
	n := h.likes.Swap(0)
	h.unsent.Likes += n
	if !now.Before(h.nextStats) {
		h.nextStats = now.Add(h.svc.opt.StatsEvery)
		h.statsOwed = true
		h.publishPresence()
	}
	if !now.Before(h.nextPresence) {
		h.nextPresence = now.Add(h.svc.opt.PresenceEvery)
		h.accrueAll()
	}
	h.persist(h.statsOwed)
	if !h.busy {
		h.broadcast(h.statsOwed)
		h.statsOwed = false
	}
}

// maybeClose ends the hub when nobody has been in the room for IdleClose (at once if
// the session ended) and nothing is left to persist. Service.mu makes the check and
// the removal atomic with respect to hubFor, so no join is handed to a closing hub.
func (h *hub) maybeClose() bool {
	if h.stopping != nil {
		if len(h.conns) == 0 && h.clean() {
			h.stopping <- nil
			return true
		}
		return false
	}
	if len(h.conns) > 0 || !h.clean() {
		h.emptySince = time.Now()
		return false
	}
	if !h.ending && time.Since(h.emptySince) < h.svc.opt.IdleClose {
		return false
	}
	s := h.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.refs.Load() != 0 || len(h.joins) != 0 {
		return false
	}
	if s.hubs[h.id] == h {
		delete(s.hubs, h.id)
	}
	return true
}

// clean reports that nothing accepted is waiting to be persisted.
func (h *hub) clean() bool {
	return !h.busy && len(h.pending) == 0 && len(h.presence) == 0 && h.unsent.zero() && h.likes.Load() == 0 &&
		len(h.waiters) == 0
}

func buildFilter(words []string) *wordfilter.Filter {
	f, err := wordfilter.New(words)
	if err == nil {
		return f
	}
	// The live domain validates words; if an invalid one slipped through, keep the rest.
	var ok []string
	for _, w := range words {
		if _, err := wordfilter.New([]string{w}); err == nil {
			ok = append(ok, w)
		}
	}
	f, _ = wordfilter.New(ok)
	return f
}
