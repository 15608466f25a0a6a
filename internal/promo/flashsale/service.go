package flashsale

import (
	"context"
	"log/slog"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
	"github.com/siyu-live/siyu/internal/promo/offer"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Source is the commerce order source of flash-sale orders; their release hooks give
// the units back to the sale.
const Source = "flash_sale"

// Webhook event types of this domain.
const (
	EventLaunched = "flash_sale.launched"
	EventSoldOut  = "flash_sale.sold_out"
	EventEnded    = "flash_sale.ended"
)

// Audit actions of this domain.
const (
	AuditLaunch = "promo.flash_sale.launch"
	AuditEnd    = "promo.flash_sale.end"
)

// AuditActions lists the audit actions, for the console's texts.
var AuditActions = []string{AuditLaunch, AuditEnd}

func init() {
	for _, e := range []string{EventLaunched, EventSoldOut, EventEnded} {
		webhook.RegisterEventType(e)
	}
}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now      func() time.Time     // injected clock; time.Now when nil
	Commerce *commerce.Service    // required: orders are created through it
	Queue    *jobs.Queue          // start, end and watch jobs; NewService registers its kinds
	Events   promo.EventPublisher // webhooks; nil sends none
	Notifier promo.RoomNotifier   // room events; nil sends none (SetNotifier wires it later)
	Logger   *slog.Logger
	// MaxBatch bounds the orders one group commit writes [500].
	MaxBatch int
	// BatchLinger is how long the group commit keeps collecting orders once it has
	// one [1 ms]; negative commits at once whatever is queued.
	BatchLinger time.Duration
	// EventEvery is the least time between two stock-change room events of one sale
	// [1 s]; launch, start, sold out and end are sent at once.
	EventEvery time.Duration
	// WatchEvery is how often a sale checks that its session is still live [1 min].
	WatchEvery time.Duration
}

// Service runs flash sales. It is safe for concurrent use; Start and Stop bracket the
// owners and their group-commit writer.
type Service struct {
	store    *db.DB
	now      func() time.Time
	commerce *commerce.Service
	queue    *jobs.Queue
	events   promo.EventPublisher
	room     *offer.Room
	log      *slog.Logger
	watch    time.Duration

	owners groupcommit.Owners[*owner] // by sale id
	writer *groupcommit.Writer[*pending]
	pulses *pulses
}

// NewService builds the flash-sale service: it registers its job kinds on opt.Queue
// and its paid and release hooks on opt.Commerce, so it must be built once per
// commerce service and before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Commerce == nil {
		panic("flashsale: NewService needs the commerce service")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 500
	}
	if opt.BatchLinger == 0 {
		opt.BatchLinger = time.Millisecond
	}
	if opt.EventEvery <= 0 {
		opt.EventEvery = time.Second
	}
	if opt.WatchEvery <= 0 {
		opt.WatchEvery = time.Minute
	}
	s := &Service{store: store, now: opt.Now, commerce: opt.Commerce, queue: opt.Queue, events: opt.Events,
		log: opt.Logger.With("component", "flashsale"), watch: opt.WatchEvery}
	s.writer = newWriter(s, opt.MaxBatch, opt.BatchLinger)
	s.owners.Unavailable = errUnavailable
	s.pulses = newPulses(s, opt.EventEvery)
	s.room = offer.NewRoom(opt.Notifier, s.log)
	if opt.Queue != nil {
		opt.Queue.Register(StartJobKind, s.startJob)
		opt.Queue.Register(EndJobKind, s.endJob)
		opt.Queue.Register(WatchJobKind, s.watchJob)
	}
	opt.Commerce.OnPaid(Source, s.paidHook)
	opt.Commerce.OnRelease(Source, s.releaseHook)
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n promo.RoomNotifier) { s.room.Set(n) }

// Start runs the group-commit writer. Owners are rebuilt from the database lazily, on
// the first purchase (or waitlist join, or end) of each sale after start-up.
func (s *Service) Start(ctx context.Context) { s.writer.Start() }

// Stop refuses new purchases, lets every owner answer what it holds, commits what the
// owners decided and answers those callers, then returns: nothing decided is dropped.
// Call it after the HTTP server has drained. Safe without Start and twice.
func (s *Service) Stop() {
	if s.owners.Shutdown(s.writer, (*owner).closeDone) {
		s.pulses.stop()
	}
}
