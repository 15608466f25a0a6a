// Package live holds live sessions (直播): their lifecycle and settings, entry links,
// viewers, reservations and reminders, the gift catalog, co-streaming, popularity
// rankings and the host rules (goods permission, new-host credits). The real-time room
// reaches it through Directory (room.Directory), never by importing it.
//
// Decisions worth knowing:
//   - Lifecycle draft → scheduled → live → ended; an interrupted stream stays live and
//     its paused time is excluded from the broadcast's duration (live_ms).
//   - Rules run in the transaction that ends a session, after the room's counters were
//     flushed (StatsFlusher): see evaluateRules. A short first broadcast forfeits the
//     new-host incentive.
//   - Starting a session queues one durable reminder job (unique key live.remind:<id>);
//     each reserver gets exactly one in-app notification (dedupe key).
//   - A tenant's default gift catalog is created on the first read of its gifts.
//   - Every change tells the rooms on every node with room.Control "session_changed".
package live

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Webhook event types of this domain.
const (
	EventStarted  = "live.started"
	EventEnded    = "live.ended"
	EventReserved = "live.reserved"
)

// Audit actions this domain records (audit.Entry.Action). AuditActions lists them so
// the console's message catalogs are tested to name every one.
const (
	AuditSessionCreate      = "session.create"
	AuditSessionBannedWords = "session.banned_words"
	AuditSessionStart       = "session.start"
	AuditSessionEnd         = "session.end"
	AuditGiftCreate         = "gift.create"
	AuditGiftUpdate         = "gift.update"
)

// AuditActions are all the audit actions of the live domain.
var AuditActions = []string{AuditSessionCreate, AuditSessionBannedWords, AuditSessionStart, AuditSessionEnd,
	AuditGiftCreate, AuditGiftUpdate}

func init() {
	webhook.RegisterEventType(EventStarted)
	webhook.RegisterEventType(EventEnded)
	webhook.RegisterEventType(EventReserved)
}

// Publisher is the part of the bus the live domain needs: a core publish to tell the
// room hubs on every node that a session changed. bus.Bus satisfies it; tests pass a
// recorder.
type Publisher interface {
	Publish(ctx context.Context, subject string, data []byte) error
}

// subscriber is the optional part of the bus used to drop cached SessionInfo when
// another node changes a session.
type subscriber interface {
	Subscribe(subject string, h bus.Handler) (bus.Subscription, error)
}

// EventPublisher queues outbound webhooks in the caller's transaction (webhook.Service).
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// StatsFlusher writes a room's latest in-memory counters (viewers, peak, likes, …) into
// live_sessions, so the rules evaluated when a session ends see them. The room engine
// implements it; nil means there is nothing to flush.
type StatsFlusher interface {
	Flush(ctx context.Context, sessionID int64) error
}

// OnlineCounter tells how many viewers are in a room right now. The room engine
// implements it (room.Service.Online); the live domain asks it for the live rooms of
// rankings and discovery, through this interface because room must not import live.
// nil means nobody is counted online.
type OnlineCounter interface {
	Online(sessionID int64) int
}

// Options are the collaborators of a Service; only Org is required in production.
type Options struct {
	Now       func() time.Time // injected clock; time.Now when nil
	Org       *org.Service     // staff authentication and tenant settings
	Queue     *jobs.Queue      // durable reminder jobs; NewService registers its kind
	Bus       Publisher        // room control messages; nil publishes nothing
	Events    EventPublisher   // webhooks; nil sends none
	Stats     StatsFlusher     // room counters flushed before the end-of-session rules
	Online    OnlineCounter    // viewers online per live room, for rankings and discovery
	PublicURL string           // base of entry and preview links, e.g. https://live.brand.cn
	Random    io.Reader        // crypto/rand.Reader when nil; tests force collisions
	Location  *time.Location   // week boundaries of the weekly ranking; China time when nil
	Logger    *slog.Logger
}

// Service implements the live-session rules. It is safe for concurrent use.
type Service struct {
	store    *db.DB
	now      func() time.Time
	org      *org.Service
	queue    *jobs.Queue
	bus      Publisher
	events   EventPublisher
	stats    StatsFlusher
	online   OnlineCounter
	base     string
	random   io.Reader
	loc      *time.Location
	log      *slog.Logger
	inApp    notify.Channel
	sms      notify.Channel
	viewers  *ttlCache[string, Viewer]
	sessions *ttlCache[int64, room.SessionInfo]
	gifts    *ttlCache[int64, []Gift]
	follows  *ttlCache[[2]int64, bool]
	seeded   *ttlCache[int64, bool]
	people   PeopleWatcher // the CRM (SetPeopleWatcher); nil tells nobody
}

// NewService builds the live service and registers the reminder job kind on opt.Queue,
// so it must be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Random == nil {
		opt.Random = rand.Reader
	}
	if opt.Location == nil {
		// China has no daylight saving time, so a fixed zone is exact and needs no tzdata.
		opt.Location = time.FixedZone("CST", 8*3600)
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{
		store: store, now: opt.Now, org: opt.Org, queue: opt.Queue, bus: opt.Bus, events: opt.Events,
		stats: opt.Stats, online: opt.Online, base: trimSlash(opt.PublicURL), random: opt.Random, loc: opt.Location,
		log:      opt.Logger.With("component", "live"),
		inApp:    notify.InApp{Now: opt.Now},
		sms:      notify.SandboxSMS{Now: opt.Now},
		viewers:  newTTLCache[string, Viewer](100_000, time.Minute, opt.Now),
		sessions: newTTLCache[int64, room.SessionInfo](10_000, time.Second, opt.Now),
		gifts:    newTTLCache[int64, []Gift](10_000, 5*time.Second, opt.Now),
		follows:  newTTLCache[[2]int64, bool](200_000, 10*time.Minute, opt.Now),
		seeded:   newTTLCache[int64, bool](100_000, time.Hour, opt.Now),
	}
	if opt.Queue != nil {
		opt.Queue.Register(RemindJobKind, s.remindJob)
	}
	if sub, ok := opt.Bus.(subscriber); ok {
		// Another node changed a session: forget our cached copy so the room hub here,
		// reloading on the same message, reads the new settings.
		_, err := sub.Subscribe("siyu.room.*.control", func(m bus.Msg) {
			var c room.Control
			if json.Unmarshal(m.Data, &c) == nil && c.Type == "session_changed" {
				s.sessions.Delete(c.SessionID)
			}
		})
		if err != nil {
			s.log.Warn("subscribe to room control messages", "err", err)
		}
	}
	return s
}

// SetStatsFlusher wires the room engine in after both services are built.
func (s *Service) SetStatsFlusher(f StatsFlusher) { s.stats = f }

// SetOnlineCounter wires the room engine's online counts in after both services are
// built.
func (s *Service) SetOnlineCounter(c OnlineCounter) { s.online = c }

// control tells every node serving the session's room about c, after the transaction
// commits so no node reloads before the change is visible. It is a core (best-effort)
// publish: the message only says "reload", the database holds the truth.
func (s *Service) control(tx *db.Tx, c room.Control) {
	s.sessions.Delete(c.SessionID)
	tx.AfterCommit(func() { s.sendControl(c) })
}

func (s *Service) sendControl(c room.Control) {
	s.sessions.Delete(c.SessionID)
	if s.bus == nil {
		return
	}
	data, _ := json.Marshal(c)
	if err := s.bus.Publish(context.Background(), room.ControlSubject(c.SessionID), data); err != nil {
		s.log.Warn("publish room control", "session", c.SessionID, "type", c.Type, "err", err)
	}
}

func (s *Service) changed(tx *db.Tx, sessionIDs ...int64) {
	for _, id := range sessionIDs {
		s.control(tx, room.Control{Type: "session_changed", SessionID: id})
	}
}

// event queues a webhook in the caller's transaction.
func (s *Service) event(ctx context.Context, q db.Querier, tenantID int64, typ string, data any) error {
	if s.events == nil {
		return nil
	}
	return s.events.Publish(ctx, q, tenantID, typ, data)
}

// audit records a staff action in the caller's transaction, so the console and the API
// leave the same trail.
func (s *Service) audit(ctx context.Context, q db.Querier, p org.Principal, action string, id int64, detail string) error {
	return audit.Record(ctx, q, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: action, Target: fmt.Sprintf("%s:%d", strings.SplitN(action, ".", 2)[0], id), Detail: detail})
}

// settings returns the tenant's rule thresholds (defaults without an org service).
func (s *Service) settings(ctx context.Context, tenantID int64) (org.Settings, error) {
	if s.org == nil {
		return org.DefaultSettings(), nil
	}
	return s.org.Settings(ctx, tenantID)
}

func trimSlash(u string) string {
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
