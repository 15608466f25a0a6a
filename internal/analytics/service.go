// Package analytics is the live dashboard, the post-live report and channel
// attribution (SPEC §10). It records every viewer, room and commerce event of a session
// in the event log (eventlog), keeps per-session figures in memory for the dashboard
// (dashboard) and computes the report when a session ends (report).
//
// Decisions worth knowing (docs/analytics.md has the rest):
//   - Events reach it without the other domains knowing analytics: the rooms tell
//     committed activity (room.ActivityWatcher), live tells reservations and session
//     ends in their transactions (live.PeopleWatcher), commerce runs its any-source
//     hooks in order transactions, and the viewer page posts product views and
//     checkouts. Hooks only buffer (after commit); the log's writer persists.
//   - Figures that must reconcile are never taken from the log: orders and GMV from the
//     orders table, viewers and watch time from room_presence, peak and likes and
//     comments from the session's counters. The log adds what nothing else records.
//   - A session's end queues a durable job (in the end's transaction) that computes
//     and stores the report once the rooms and the other nodes have flushed; a stored
//     report is recomputed when the log or the session's orders moved on since.
package analytics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// SettingsSource gives a tenant's rule settings (org.Service).
type SettingsSource interface {
	Settings(ctx context.Context, tenantID int64) (org.Settings, error)
}

// Tagger puts manual tags on a customer (crm.Service).
type Tagger interface {
	AddTags(ctx context.Context, p org.Principal, id int64, in crm.TagsInput) (crm.Customer, error)
}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now      func() time.Time // injected clock [time.Now]
	Logger   *slog.Logger
	Bus      bus.Bus             // nil: one node, nothing exchanged
	NodeID   string              // this node's name on the bus (the room engine's)
	Rooms    dashboard.RoomStats // online, peak and the room counters
	Settings SettingsSource      // alert thresholds; defaults when nil
	Queue    *jobs.Queue         // the report job; NewService registers its kind
	Tagger   Tagger              // tagging a report's customers; nil refuses
	Log      eventlog.Options    // the event log's tunables
	// CacheTTL is how long one dashboard answer is reused per session, so any number
	// of studios polling every second costs one build per second [1 s].
	CacheTTL time.Duration
	// Settle is how long after a session's end its report is first computed, so every
	// node's last events are in the log [10 s].
	Settle     time.Duration
	AlertEvery time.Duration  // how often live sessions are checked for drops [10 s]
	Location   *time.Location // times in the Excel export [China time]
}

// Service is the analytics domain; safe for concurrent use. Start and Stop bracket the
// writer and the cluster loop.
type Service struct {
	store  *db.DB
	opt    Options
	now    func() time.Time
	log    *slog.Logger
	events *eventlog.Log
	aggs   *dashboard.Aggregates

	cacheMu sync.Mutex
	cache   map[int64]cachedDashboard
	prices  sync.Map // productKey → productInfo, for viewer events

	lockMu  sync.Mutex
	reports map[int64]*sync.Mutex // one report computation per session at a time
	builds  map[int64]*sync.Mutex // one dashboard build per session at a time

	sub  bus.Subscription
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

type cachedDashboard struct {
	tenant int64
	at     time.Time
	d      dashboard.Dashboard
}

// NewService builds the service and registers the report job on opt.Queue, so it must
// be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.CacheTTL <= 0 {
		opt.CacheTTL = time.Second
	}
	if opt.Settle <= 0 {
		opt.Settle = 10 * time.Second
	}
	if opt.AlertEvery <= 0 {
		opt.AlertEvery = 10 * time.Second
	}
	if opt.Location == nil {
		opt.Location = time.FixedZone("CST", 8*3600)
	}
	if opt.NodeID == "" {
		opt.NodeID = "analytics"
	}
	if opt.Log.Logger == nil {
		opt.Log.Logger = opt.Logger
	}
	s := &Service{store: store, opt: opt, now: opt.Now, log: opt.Logger.With("component", "analytics"),
		events: eventlog.New(store, opt.Log), aggs: dashboard.New(opt.Now), cache: map[int64]cachedDashboard{},
		reports: map[int64]*sync.Mutex{}, builds: map[int64]*sync.Mutex{}, quit: make(chan struct{}), done: make(chan struct{})}
	if opt.Queue != nil {
		opt.Queue.Register(ReportJobKind, s.runReportJob)
	}
	return s
}

// Events is the event log (for benchmarks and tests).
func (s *Service) Events() *eventlog.Log { return s.events }

// Record adds events to the log and the live figures; it never blocks on I/O.
func (s *Service) Record(evs ...eventlog.Event) {
	if len(evs) == 0 {
		return
	}
	s.events.Add(evs...)
	for _, sess := range s.aggs.Observe(evs) {
		go s.seedLater(sess)
	}
}

// Start starts the event-log writer, joins the other nodes on the bus and runs the
// loop that publishes this node's figures and checks for alerts.
func (s *Service) Start(ctx context.Context) error {
	s.events.Start()
	if s.opt.Bus != nil {
		sub, err := s.opt.Bus.Subscribe(dashboard.Subject, s.onBus)
		if err != nil {
			return err
		}
		s.sub = sub
	}
	go s.loop(context.WithoutCancel(ctx))
	return nil
}

// Stop publishes the last figures and writes every buffered event. Call it after the
// rooms and the HTTP server stopped and before the store closes.
func (s *Service) Stop() {
	s.once.Do(func() {
		close(s.quit)
	})
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
	if s.sub != nil {
		_ = s.sub.Unsubscribe()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.events.Stop(ctx); err != nil {
		s.log.Error("analytics events left unwritten at stop", "err", err)
	}
}

// Flush makes every event recorded on this node before the call durable.
func (s *Service) Flush(ctx context.Context) error { return s.events.Flush(ctx) }
