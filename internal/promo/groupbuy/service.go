package groupbuy

import (
	"context"
	"log/slog"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Options are the collaborators of a Service. Commerce is required: group buys sell
// through its orders.
type Options struct {
	Now      func() time.Time     // injected clock; time.Now when nil
	Commerce *commerce.Service    // orders, hooks, refunds
	Org      *org.Service         // tenant settings (unpaid-order expiry); defaults when nil
	Queue    *jobs.Queue          // deadline and refund jobs; NewService registers their kinds
	Events   promo.EventPublisher // webhooks; nil sends none
	Notifier promo.RoomNotifier   // room events; nil sends none (SetNotifier wires it later)
	Logger   *slog.Logger
}

// Service runs group buys. It keeps no goroutines of its own (deadlines and refunds
// are durable jobs), so it needs no Start or Stop; it is safe for concurrent use.
type Service struct {
	store    *db.DB
	now      func() time.Time
	commerce *commerce.Service
	org      *org.Service
	queue    *jobs.Queue
	events   promo.EventPublisher
	room     *offer.Room
	deps     offer.Deps // for the shared priced-offer code
	log      *slog.Logger
}

// NewService builds the group-buy service, registers its job kinds on opt.Queue (so it
// must be called before the queue starts) and its paid and release hooks for source
// group_buy on opt.Commerce (so before serving).
func NewService(store *db.DB, opt Options) *Service {
	if opt.Commerce == nil {
		panic("groupbuy: NewService needs the commerce service")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, commerce: opt.Commerce, org: opt.Org, queue: opt.Queue, events: opt.Events,
		log: opt.Logger.With("component", "groupbuy")}
	s.room = offer.NewRoom(opt.Notifier, s.log)
	s.deps = offer.Deps{Store: store, Commerce: opt.Commerce, Now: opt.Now, Room: s.room}
	if opt.Queue != nil {
		opt.Queue.Register(DeadlineJobKind, s.deadlineJob)
		opt.Queue.Register(RefundJobKind, s.refundJob)
	}
	opt.Commerce.OnPaid(Source, s.onPaid)
	opt.Commerce.OnRelease(Source, s.onRelease)
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n promo.RoomNotifier) { s.room.Set(n) }

// tellGroup sends the group's new state to its members (and to extra viewers, such as
// one who just left) once tx commits.
func (s *Service) tellGroup(tx *db.Tx, sessionID int64, g Group, extra ...int64) {
	tx.AfterCommit(func() { s.sendGroup(sessionID, g, extra...) })
}

func (s *Service) sendGroup(sessionID int64, g Group, extra ...int64) {
	ev := GroupEvent{Type: "group_buy_group", Group: g}
	to := append([]int64(nil), extra...)
	for _, m := range g.Members {
		to = append(to, m.ViewerID)
	}
	seen := map[int64]bool{}
	for _, v := range to {
		if seen[v] {
			continue
		}
		seen[v] = true
		s.room.SendTo(sessionID, v, ev)
	}
}

// orderExpiry is how long a member's unpaid order holds its seat: the tenant's
// unpaid-order expiry, but never past the group's deadline, so the payment provider
// is told to stop taking money when the group can no longer succeed.
func (s *Service) orderExpiry(ctx context.Context, tenantID int64, deadline time.Time) (time.Duration, error) {
	set := org.DefaultSettings()
	if s.org != nil {
		var err error
		if set, err = s.org.Settings(ctx, tenantID); err != nil {
			return 0, err
		}
	}
	d := time.Duration(set.OrderExpiryMinutes) * time.Minute
	if left := deadline.Sub(s.now()); left < d {
		d = left
	}
	return max(d, time.Second), nil
}
