package promo

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Webhook event types of this domain.
const (
	EventEnvelopeCreated  = "red_envelope.created"
	EventEnvelopeRefunded = "red_envelope.refunded"
	EventLotteryLaunched  = "lottery.launched"
	EventLotteryDrawn     = "lottery.drawn"
)

func init() {
	for _, e := range []string{EventEnvelopeCreated, EventEnvelopeRefunded, EventLotteryLaunched, EventLotteryDrawn} {
		webhook.RegisterEventType(e)
	}
}

// RoomNotifier pushes promo events into a live room: Broadcast to everyone in the
// session, SendTo one viewer. The room engine implements it (the server wires it with
// SetNotifier); events are JSON objects with a "type". A nil notifier sends nothing,
// and a failed send never fails the change that caused it: the database is the truth
// and clients can always read it back.
type RoomNotifier interface {
	Broadcast(ctx context.Context, sessionID int64, event any) error
	SendTo(ctx context.Context, sessionID, viewerID int64, event any) error
}

// FollowChecker answers "does this viewer follow the session's host?" for the follow
// condition. live.Directory implements it (with its cache and phone-merged identities);
// without one the follows table is read directly.
type FollowChecker interface {
	IsFollower(ctx context.Context, m room.Member) (bool, error)
}

// EventPublisher queues outbound webhooks in the caller's transaction (webhook.Service).
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// Viewer is the audience member acting on a viewer route, as the API authenticated it.
// Viewers belong to one session; promo tools of other sessions are not found for them.
type Viewer struct {
	ID        int64
	TenantID  int64
	SessionID int64
	Nickname  string
}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now      func() time.Time // injected clock; time.Now when nil
	Org      *org.Service     // tenant plan and settings; defaults when nil (tests)
	Queue    *jobs.Queue      // durable expiry and draw jobs; NewService registers its kinds
	Events   EventPublisher   // webhooks; nil sends none
	Follows  FollowChecker    // follow condition; the follows table when nil
	Notifier RoomNotifier     // room events; nil sends none (SetNotifier wires it later)
	Random   io.Reader        // crypto/rand.Reader when nil; money and prizes need it
	Logger   *slog.Logger
	// MaxBatch bounds the grabs one group commit writes [1000].
	MaxBatch int
	// BatchLinger is how long the group commit keeps collecting grabs once it has one
	// [1 ms]; negative commits at once whatever is queued.
	BatchLinger time.Duration
	// PresenceSlack is the watch time the room may not have booked yet: it books
	// connected viewers every 30 s, so up to that much is credited on top of
	// room_presence.watch_ms for "watched ≥ N minutes" [30 s].
	PresenceSlack time.Duration
}

// Service runs red envelopes and lotteries. It is safe for concurrent use; Start and
// Stop bracket the red-envelope owners and their group-commit writer.
type Service struct {
	store    *db.DB
	now      func() time.Time
	org      *org.Service
	queue    *jobs.Queue
	events   EventPublisher
	follows  FollowChecker
	notifier atomic.Pointer[RoomNotifier]
	random   io.Reader
	log      *slog.Logger
	inApp    notify.Channel
	slack    time.Duration
	loc      *time.Location

	owners groupcommit.Owners[*owner] // by envelope id
	writer *groupcommit.Writer[*pending]

	milestones sync.Map // session id → milestone: the lowest pending likes milestone
}

// NewService builds the promo service and registers its job kinds on opt.Queue, so it
// must be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Random == nil {
		opt.Random = rand.Reader
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 1000
	}
	if opt.BatchLinger == 0 {
		opt.BatchLinger = time.Millisecond
	}
	if opt.PresenceSlack <= 0 {
		opt.PresenceSlack = 30 * time.Second
	}
	s := &Service{store: store, now: opt.Now, org: opt.Org, queue: opt.Queue, events: opt.Events,
		follows: opt.Follows, random: opt.Random, log: opt.Logger.With("component", "promo"),
		inApp: notify.InApp{Now: opt.Now}, slack: opt.PresenceSlack,
		// China has no daylight saving time, so a fixed zone is exact and needs no tzdata.
		loc: time.FixedZone("CST", 8*3600)}
	s.writer = newWriter(s, opt.MaxBatch, opt.BatchLinger)
	s.owners.Unavailable = errUnavailable
	if opt.Notifier != nil {
		s.SetNotifier(opt.Notifier)
	}
	if opt.Queue != nil {
		opt.Queue.Register(ExpireJobKind, s.expireJob)
		opt.Queue.Register(DrawJobKind, s.drawJob)
	}
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n RoomNotifier) {
	if n == nil {
		s.notifier.Store(nil)
		return
	}
	s.notifier.Store(&n)
}

// broadcast sends a room event, logging (never returning) failures.
func (s *Service) broadcast(sessionID int64, event any) {
	if n := s.notifier.Load(); n != nil {
		if err := (*n).Broadcast(context.Background(), sessionID, event); err != nil {
			s.log.Warn("broadcast to room", "session", sessionID, "err", err)
		}
	}
}

// sendTo sends one viewer a private room event, logging failures.
func (s *Service) sendTo(sessionID, viewerID int64, event any) {
	if n := s.notifier.Load(); n != nil {
		if err := (*n).SendTo(context.Background(), sessionID, viewerID, event); err != nil {
			s.log.Warn("send to viewer", "session", sessionID, "viewer", viewerID, "err", err)
		}
	}
}

// Start runs the group-commit writer of red-envelope grabs. Owners are rebuilt from
// the database lazily, on the first grab or expiry of each envelope after start-up.
func (s *Service) Start(ctx context.Context) { s.writer.Start() }

// Stop refuses new grabs, lets every owner answer what it holds, commits everything the
// owners decided and answers those callers, then returns: nothing decided is dropped.
// Call it after the HTTP server has drained. Safe without Start and twice.
func (s *Service) Stop() {
	s.owners.Shutdown(s.writer, func(o *owner) { close(o.done) })
}

// event queues a webhook in the caller's transaction.
func (s *Service) event(ctx context.Context, q db.Querier, tenantID int64, typ string, data any) error {
	if s.events == nil {
		return nil
	}
	return s.events.Publish(ctx, q, tenantID, typ, data)
}

// audit records a staff action in the caller's transaction.
func (s *Service) audit(ctx context.Context, q db.Querier, p org.Principal, action, target, detail string) error {
	return audit.Record(ctx, q, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: action, Target: target, Detail: detail})
}

// settings returns the tenant's rule thresholds (defaults without an org service).
func (s *Service) settings(ctx context.Context, tenantID int64) (org.Settings, error) {
	if s.org == nil {
		return org.DefaultSettings(), nil
	}
	return s.org.Settings(ctx, tenantID)
}

func need(p org.Principal, perm org.Permission) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}

// sessionRow is what promo needs to know about a live session.
type sessionRow struct {
	ID       int64  `db:"id"`
	TenantID int64  `db:"tenant_id"`
	HostID   int64  `db:"host_id"`
	Status   string `db:"status"`
}

// liveSession returns the tenant's session, not found for another tenant's, and
// conflict unless it is live: in-room tools run during the show.
func liveSession(ctx context.Context, q db.Querier, tenantID, id int64) (sessionRow, error) {
	var r sessionRow
	err := q.GetContext(ctx, &r, `SELECT id, tenant_id, host_id, status FROM live_sessions WHERE tenant_id = ? AND id = ?`,
		tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("promo: session: %w", err)
	}
	if r.Status != "live" {
		return r, siyu.Errorf("session_not_live", "session %d is %s; start the live before launching red envelopes or lotteries", id, r.Status)
	}
	return r, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
