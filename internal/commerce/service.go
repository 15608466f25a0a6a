// Package commerce holds products with SKUs, the showcase (商品橱窗) of each live
// session with its pinned product ("上链接"), orders and their state machine, and
// payments through a Provider interface with a built-in sandbox provider.
//
// Decisions worth knowing:
//   - Money is integer fen. Stock is the number left to sell; an order reserves it
//     with one guarded UPDATE (stock >= quantity) in the order's transaction, and a
//     CHECK (stock >= 0) makes "never oversold" a database fact on both engines.
//   - Every order transition is a compare-and-set on the status (UPDATE … WHERE
//     status = from), so two racing callers cannot both move an order: exactly one
//     wins and the other gets a conflict naming the current status.
//   - An unpaid order expires through a durable job enqueued in its own transaction
//     (unique key commerce.expire:<id>); expiry and cancellation return stock in the
//     same compare-and-set transaction, so stock comes back exactly once.
//   - Callers that hold their own stock (flash sales, group buys) create orders with
//     CreateOrderTx and StockHeld, and learn about payment and release through
//     OnPaid and OnRelease hooks that run inside the transition's transaction.
//   - Webhooks (order.*) and audit entries are written in the same transaction as
//     the change; room events (product_pinned, product_unpinned, showcase_changed)
//     go through RoomNotifier after commit and never fail the change.
//   - Coupons are kept by the promo domain behind CouponRedeemer: an order with a
//     coupon claim redeems it in the order's transaction (subtotal − discount, never
//     below 1 fen) and a cancelled or expired order gives it back in its own.
//   - Code running inside a commerce transaction (hooks, CreateOrderTx callers) must
//     use the *db.Tx only: on SQLite the store has one writer connection, and on
//     PostgreSQL reads and writes share one pool, so a store call from inside a
//     transaction can wait forever.
package commerce

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Webhook event types of this domain, one per order transition.
const (
	EventOrderCreated   = "order.created"
	EventOrderPaid      = "order.paid"
	EventOrderShipped   = "order.shipped"
	EventOrderCompleted = "order.completed"
	EventOrderCancelled = "order.cancelled"
	EventOrderRefunded  = "order.refunded"
)

func init() {
	for _, e := range []string{EventOrderCreated, EventOrderPaid, EventOrderShipped, EventOrderCompleted,
		EventOrderCancelled, EventOrderRefunded} {
		webhook.RegisterEventType(e)
	}
}

// RoomNotifier delivers a real-time event to every viewer of a session's room, on
// every node. The room engine implements it; commerce only says what happened (a
// JSON-encodable value with a "type" field) and never imports the room package.
type RoomNotifier interface {
	Broadcast(ctx context.Context, sessionID int64, event any) error
}

// EventPublisher queues outbound webhooks in the caller's transaction
// (webhook.Service), so an event exists exactly when its change does.
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// Options are the collaborators of a Service; all are optional in tests.
type Options struct {
	Now       func() time.Time // injected clock; time.Now when nil
	Queue     *jobs.Queue      // durable expiry jobs; NewService registers its kind
	Events    EventPublisher   // webhooks; nil sends none
	Rooms     RoomNotifier     // pin broadcasts; nil broadcasts nothing
	PublicURL string           // base of pay, notify and return links
	Logger    *slog.Logger
	// Providers are payment providers besides the sandbox (WeChat Pay, Alipay).
	Providers []Provider
	// DisableSandbox removes the sandbox provider, for deployments that take real
	// money: anyone holding an order could otherwise "pay" it with a click.
	DisableSandbox bool
}

// Service implements products, showcases, orders and payments. It is safe for
// concurrent use.
type Service struct {
	store     *db.DB
	now       func() time.Time
	queue     *jobs.Queue
	events    EventPublisher
	base      string
	log       *slog.Logger
	providers map[string]Provider
	sandbox   *Sandbox

	mu        sync.RWMutex
	rooms     RoomNotifier
	coupons   CouponRedeemer
	onPaid    map[string][]Hook
	onRelease map[string][]Hook
	onCreated []Hook // every source (analytics_support.go)
}

// NewService builds the commerce service and registers the order-expiry job kind on
// opt.Queue, so it must be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, queue: opt.Queue, events: opt.Events,
		base: strings.TrimRight(opt.PublicURL, "/"), log: opt.Logger.With("component", "commerce"),
		providers: map[string]Provider{}, rooms: opt.Rooms, onPaid: map[string][]Hook{}, onRelease: map[string][]Hook{}}
	if !opt.DisableSandbox {
		s.sandbox = newSandbox(s)
		s.providers[s.sandbox.Name()] = s.sandbox
	}
	for _, p := range opt.Providers {
		s.providers[p.Name()] = p
	}
	if opt.Queue != nil {
		opt.Queue.Register(ExpireJobKind, s.expireJob)
	}
	return s
}

// SetRoomNotifier wires the room engine in after both services are built; nil turns
// broadcasts off.
func (s *Service) SetRoomNotifier(n RoomNotifier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rooms = n
}

// broadcast sends ev to a session's room after tx commits. A failed broadcast is
// logged, never returned: the change is already durable and viewers reload the
// showcase on reconnect.
func (s *Service) broadcast(tx *db.Tx, sessionID int64, ev any) {
	tx.AfterCommit(func() {
		s.mu.RLock()
		n := s.rooms
		s.mu.RUnlock()
		if n == nil {
			return
		}
		if err := n.Broadcast(context.Background(), sessionID, ev); err != nil {
			s.log.Warn("room broadcast", "session", sessionID, "err", err)
		}
	})
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

// settings reads the tenant's rule settings through q, normally the caller's
// transaction: on PostgreSQL reads and writes share one pool, so a read through the
// store from inside a transaction could wait for a connection that every open
// transaction is holding.
func settings(ctx context.Context, q db.Querier, tenantID int64) (org.Settings, error) {
	st := org.DefaultSettings()
	var raw string
	if err := q.GetContext(ctx, &raw, `SELECT settings FROM tenants WHERE id = ?`, tenantID); err != nil {
		return st, fmt.Errorf("commerce: settings of tenant %d: %w", tenantID, err)
	}
	if raw != "" {
		// Stored JSON over the defaults, as org reads it: keys added later keep theirs.
		_ = json.Unmarshal([]byte(raw), &st)
	}
	return st, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
