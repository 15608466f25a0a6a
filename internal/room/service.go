package room

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/db"
)

// Options configure the room engine. Zero values take the defaults in brackets.
type Options struct {
	Store     *db.DB
	Bus       bus.Bus // nil: single node, moderation applied locally
	Directory Directory
	Now       func() time.Time // injected clock for mutes, slow mode, stored times [time.Now]
	Logger    *slog.Logger
	NodeID    string // distinguishes this node's events on the bus [random]

	Likes    LikeWatcher    // told each room's total likes after every stats flush [none]
	Comments CommentWatcher // told each stored viewer comment (comment-to-buy) [none]
	// Activity is told what each committed batch changed per viewer (the CRM) [none].
	Activity ActivityWatcher

	Tick time.Duration // batch and fan-out period [100 ms]
	// BigTick is the period in a sampled room (above SampleAbove): fewer, fuller frames
	// per viewer, so 10,000 sockets and phones keep up [1.5×Tick]. Measured with
	// `siyu bench room` (10,000 viewers, 2 cores shared with the viewer process, lean
	// load-generator client): 100 ms gave p99 224 ms at 1.98M deliveries/s, 150 ms p99
	// 160 ms at 1.33M/s, 250 ms p99 257 ms (fan-out time then adds to a longer wait).
	BigTick       time.Duration
	StatsEvery    time.Duration // stats push and counter persistence [1 s]
	PresenceEvery time.Duration // watch time booked for connected viewers [30 s]
	IdleClose     time.Duration // an empty room's hub closes after this [1 min]
	// SampleAbove is the room size (online viewers, all nodes) above which ordinary
	// comments are sampled for viewers [2,000].
	SampleAbove int
	// MaxCommentsPerTick is how many ordinary items a sampled room shows viewers per
	// tick [20, i.e. 200 a second at the default tick].
	MaxCommentsPerTick int
	// Writers is the number of writer goroutines shared by all rooms [16×GOMAXPROCS,
	// ≥32]. A writer blocked on a stalled viewer waits at most until that viewer's
	// queue overflows or its write deadline passes; the others carry on.
	Writers int
	// SocketSendBuffer, when set, caps each connection's kernel send buffer (bytes),
	// bounding kernel memory per viewer and how much a stalled viewer can absorb
	// before its queue overflows [kernel default, auto-tuned].
	SocketSendBuffer int
}

// Service runs the hubs of every room served by this node.
type Service struct {
	opt       Options
	store     *db.DB
	bus       bus.Bus
	dir       Directory
	now       func() time.Time
	log       *slog.Logger
	upgrader  websocket.Upgrader
	writers   *writerPool
	persister *persister
	metrics   Metrics

	mu       sync.Mutex
	hubs     map[int64]*hub
	started  bool
	stopping bool
}

// Metrics are counters of the engine's protective actions, for /metrics and tests.
type Metrics struct {
	slowDrops atomic.Int64 // viewers dropped because they did not keep up
	busy      atomic.Int64 // messages refused because a room's inbox was full
	sampled   atomic.Int64 // ordinary comments not shown to viewers of a big room
}

// SlowDrops is the number of viewers dropped for not reading fast enough.
func (m *Metrics) SlowDrops() int64 { return m.slowDrops.Load() }

// Sampled is the number of ordinary comments sampled away for viewers.
func (m *Metrics) Sampled() int64 { return m.sampled.Load() }

// New builds the service; call Start before serving WebSockets.
func New(opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.NodeID == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		opt.NodeID = "node-" + hex.EncodeToString(b[:])
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opt.Tick, 100*time.Millisecond)
	def(&opt.BigTick, opt.Tick*3/2)
	def(&opt.StatsEvery, time.Second)
	def(&opt.PresenceEvery, 30*time.Second)
	def(&opt.IdleClose, time.Minute)
	if opt.SampleAbove <= 0 {
		opt.SampleAbove = 2000
	}
	if opt.MaxCommentsPerTick <= 0 {
		opt.MaxCommentsPerTick = 20
	}
	if opt.Writers <= 0 {
		opt.Writers = max(32, 16*runtime.GOMAXPROCS(0))
	}
	s := &Service{opt: opt, store: opt.Store, bus: opt.Bus, dir: opt.Directory, now: opt.Now, log: opt.Logger,
		hubs: map[int64]*hub{}}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:   512,
		WriteBufferPool:  &sync.Pool{},
		HandshakeTimeout: 10 * time.Second,
		// Auth is the token in the URL, never a cookie, so a page on another origin
		// gains nothing by opening the socket (no cross-site WebSocket hijacking).
		CheckOrigin: func(*http.Request) bool { return true },
	}
	return s
}

// Metrics returns the engine's counters.
func (s *Service) Metrics() *Metrics { return &s.metrics }

// NodeID is this node's name on the bus.
func (s *Service) NodeID() string { return s.opt.NodeID }

// Start starts the writer pool and the batched writer.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("room: already started")
	}
	if s.store == nil || s.dir == nil {
		return errors.New("room: Store and Directory are required")
	}
	s.started = true
	s.writers = newWriterPool(s.opt.Writers)
	s.persister = &persister{store: s.store, svc: s, jobs: make(chan *job, 1024), quit: make(chan struct{}), done: make(chan struct{})}
	go s.persister.run()
	return nil
}

// Stop closes every room on this node gracefully: viewers get a going-away close,
// everything accepted (events, presence, counters) is persisted, then the writers
// stop. Call it before the store and bus close.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	if !s.started || s.stopping {
		s.mu.Unlock()
		return nil
	}
	s.stopping = true
	hubs := make([]*hub, 0, len(s.hubs))
	for _, h := range s.hubs {
		hubs = append(hubs, h)
	}
	s.mu.Unlock()
	var errs []error
	for _, h := range hubs {
		done := make(chan error, 1)
		if !h.call(func() { h.stop(done) }) {
			continue
		}
		select {
		case err := <-done:
			errs = append(errs, err)
		case <-ctx.Done():
			errs = append(errs, ctx.Err())
		}
	}
	// Never close jobs: a hub that did not stop in time may still send one (it then
	// waits forever for an answer instead of panicking the process).
	close(s.persister.quit)
	select {
	case <-s.persister.done:
	case <-ctx.Done():
		errs = append(errs, ctx.Err())
	}
	s.writers.stop()
	return errors.Join(errs...)
}

// stop begins the hub's shutdown: close every connection, persist everything; run
// reports on done once the room is empty and clean.
func (h *hub) stop(done chan error) {
	h.stopping = done
	h.accrueAll()
	for _, c := range h.conns {
		go c.closeWith(websocket.CloseGoingAway, "server restarting")
	}
	h.persist(true)
}

// Stats returns the last stats of a room served by this node (zero if none).
func (s *Service) Stats(sessionID int64) Stats {
	s.mu.Lock()
	h := s.hubs[sessionID]
	s.mu.Unlock()
	if h == nil {
		return Stats{}
	}
	return h.snapshot(context.Background())
}

// Online is the number of viewers online in a room as of its last stats push (all
// nodes counted), 0 when this node does not serve the room. It never waits on the
// hub, so lists of many rooms (discovery, rankings) can ask for each one.
func (s *Service) Online(sessionID int64) int {
	s.mu.Lock()
	h := s.hubs[sessionID]
	s.mu.Unlock()
	if h == nil {
		return 0
	}
	return h.stats.Load().Online
}

// snapshot computes the stats on the hub goroutine (the last pushed ones if the hub
// is gone or does not answer within a second).
func (h *hub) snapshot(ctx context.Context) Stats {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	ch := make(chan Stats, 1)
	select {
	case h.calls <- func() { ch <- h.currentStats() }:
		select {
		case st := <-ch:
			return st
		case <-ctx.Done():
		}
	case <-h.done:
	case <-ctx.Done():
	}
	return *h.stats.Load()
}

// Flush persists a room's pending events, presence and counters now and returns
// once they are committed: the live domain calls it (StatsFlusher) before it reads
// a session's aggregates, e.g. when the session ends. A room not served here has
// nothing pending on this node.
func (s *Service) Flush(ctx context.Context, sessionID int64) error {
	s.mu.Lock()
	h := s.hubs[sessionID]
	s.mu.Unlock()
	if h == nil {
		return nil
	}
	w := make(chan error, 1)
	if !h.call(func() {
		h.waiters = append(h.waiters, w)
		h.persist(true)
	}) {
		return nil
	}
	select {
	case err := <-w:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hubFor returns the session's hub, starting it on first use, with a join reserved
// so the hub cannot close before the join arrives.
func (s *Service) hubFor(info SessionInfo) (*hub, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.stopping {
		return nil, errors.New("room: not serving")
	}
	h := s.hubs[info.ID]
	if h == nil {
		h = newHub(s, info)
		s.hubs[info.ID] = h
		go h.run()
	}
	h.refs.Add(1)
	return h, nil
}

// leave tells the hub a connection is gone (from its read goroutine).
func (h *hub) leave(c *conn) {
	select {
	case h.leaves <- c:
	case <-h.done:
	}
}
