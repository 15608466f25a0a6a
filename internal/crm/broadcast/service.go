// Package broadcast is one-click reach (一键触达): the day before a live, each segment
// or community gets its own talk-track (话术) and poster through the notify channels,
// each customer with a tracked link that brings them into the room attributed to the
// broadcast (SPEC §6).
//
// Decisions worth knowing:
//   - Recipients are expanded when the broadcast is sent, not when it is saved: a
//     segment is always current. A customer in several audiences gets one message,
//     from the first audience listed. Each recipient is a row with its own link token.
//   - Sending is a durable job (internal/jobs). A run sends for a bounded time and
//     hands over to a continuation job, so a send of any size never outlives a job
//     lease. A crash mid-send resumes with the recipients not yet recorded as handed
//     over; in-app messages carry a dedupe key written in the same transaction, so
//     they are never sent twice; webhook messages carry the same dedupe key on every
//     hand-over, so a receiver drops the one repeat a crash between POST and record
//     can cause (at-least-once, like webhook deliveries).
//   - Messages go out throttled by the brand's setting (reach_throttle_per_minute), a
//     broadcast may ask for less. Each recipient gets the first of the broadcast's
//     channels that reaches them (in-app needs a viewer account, webhook a phone or a
//     WeChat/platform id); nobody reachable is recorded as unreachable with the reason.
//   - The tracked link /r/{token} records the click and enters the room through one
//     live entry link (channel "broadcast") per broadcast, so the live's attribution
//     counts the viewers it brought; the viewer the link brought in is kept on the
//     recipient, and "came" is that viewer's presence in the room (room_presence), read
//     when asked, so no join is ever missed. "Opened" is the in-app message read
//     (notifications.read_at) or the poster fetched.
package broadcast

import (
	"context"
	"image"
	"log/slog"
	"net/http"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/poster"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

func init() { webhook.RegisterEventType(EventMessage) }

// Audit actions of broadcasts; AuditActions lists them for the console's catalogs.
const (
	AuditCreate   = "broadcast.create"
	AuditUpdate   = "broadcast.update"
	AuditDelete   = "broadcast.delete"
	AuditSchedule = "broadcast.schedule"
	AuditSend     = "broadcast.send"
	AuditCancel   = "broadcast.cancel"
)

// AuditActions are all the audit actions of broadcasts.
var AuditActions = []string{AuditCreate, AuditUpdate, AuditDelete, AuditSchedule, AuditSend, AuditCancel}

// JobSend is the jobs kind that sends (a slice of) a broadcast.
const JobSend = "broadcast.send"

// Segments lists a segment rule's customers (segment.Service).
type Segments interface {
	Members(ctx context.Context, tenantID int64, rule string, before int64, limit int) ([]int64, error)
}

// Communities lists a community's member customers (community.Service, see
// notes/shared-contracts.md); ENOTFOUND when the community is not the tenant's.
type Communities interface {
	MemberCustomerIDs(ctx context.Context, tenantID, communityID int64) ([]int64, error)
}

// Posters renders a poster (poster.Renderer).
type Posters interface {
	PNG(in poster.Input) ([]byte, error)
}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now    func() time.Time
	Logger *slog.Logger
	Queue  *jobs.Queue   // required: sends are jobs; NewService registers JobSend
	Live   *live.Service // sessions, the broadcast's entry link, viewers the link brings
	Org    *org.Service  // the brand's name and throttle setting
	// Segments resolves segment audiences; Communities community audiences (nil: a
	// broadcast naming a community is invalid, "communities: not available").
	Segments    Segments
	Communities Communities
	// Customers links the viewer account a recipient's first click creates to the
	// recipient's customer profile (nil: the room sees a new guest).
	Customers interface {
		LinkViewer(ctx context.Context, q db.Querier, tenantID, customerID, viewerID int64) error
	}
	// HTTPClient posts webhook-channel messages and fetches session covers for posters
	// (webhook.NewClient: private addresses refused unless the server allows them).
	HTTPClient *http.Client
	PublicURL  string // base of tracked links and poster URLs
	// Posters renders posters; nil means posters are unavailable and PosterErr says why.
	Posters   Posters
	PosterErr error
	// Covers loads a session cover for a poster (nil image: the brand gradient). The
	// default fetches http(s) URLs with HTTPClient, bounded and cached.
	Covers   func(ctx context.Context, url string) image.Image
	Location *time.Location // how {live_time} is written [China Standard Time]
	// Batch is how many recipients one delivery round reads [500]; WebhookBatch how
	// many messages one webhook POST carries [100], WebhookParallel how many POSTs are
	// in flight at once [4].
	Batch           int
	WebhookBatch    int
	WebhookParallel int
	// Slice bounds how long one job run sends before handing over [2 min, or half the
	// job's remaining lease].
	Slice time.Duration
}

// Service is broadcasts: CRUD, scheduling, the send job, tracked links and posters.
type Service struct {
	opt   Options
	store *db.DB
	log   *slog.Logger
	now   func() time.Time
	cover *coverCache
}

// NewService builds the service and registers its job kind on opt.Queue, so it must
// be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Location == nil {
		opt.Location = time.FixedZone("CST", 8*3600)
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = webhook.NewClient(false)
	}
	if opt.Batch <= 0 {
		opt.Batch = 500
	}
	if opt.WebhookBatch <= 0 {
		opt.WebhookBatch = 100
	}
	if opt.WebhookParallel <= 0 {
		opt.WebhookParallel = 4
	}
	if opt.Slice <= 0 {
		opt.Slice = 2 * time.Minute
	}
	s := &Service{opt: opt, store: store, log: opt.Logger.With("component", "broadcast"), now: opt.Now}
	s.cover = newCoverCache(opt.HTTPClient, opt.PublicURL)
	if opt.Covers == nil {
		s.opt.Covers = s.cover.get
	}
	opt.Queue.Register(JobSend, s.runSend)
	return s
}

func need(p org.Principal) error {
	if !p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", org.PermCustomersManage)
	}
	return nil
}

// system is the principal the service acts as for work a permitted operator started
// (the broadcast's entry link, read access to the session it promotes).
func system(tenantID int64) org.Principal {
	return org.Principal{TenantID: tenantID, Role: org.RoleAdmin, Email: "broadcast"}
}
