// Package crm keeps one customer profile per person across the identities they show up
// with (viewer accounts, phone, WeChat openid/unionid, platform ids): remarks (备注),
// first- and last-touch source channel, behaviour aggregates and the consumption
// preferences computed from them, manual and rule tags, a timeline read from the other
// domains' tables, and the guards on personal data (masking, audited bulk views, erase).
//
// Decisions worth knowing:
//   - A profile is found by any of its identities; creating or identifying with an
//     identity another profile has merges into that profile (the oldest one survives
//     when several match). A merged-away id keeps answering with the survivor.
//   - Events reach the profiles without the other domains knowing the CRM: the rooms
//     tell committed activity (joins, watch time, comments, gifts) through
//     room.ActivityWatcher, queued in memory and coalesced per viewer, so a room's
//     goroutine never waits for the CRM; orders (commerce any-source hooks),
//     reservations, phone verifications and session ends (live.PeopleWatcher) are
//     written to crm_inbox inside the transaction that records them, so none is lost.
//     One worker applies both in batches, one transaction per batch.
//   - Rule tags are re-evaluated for a customer in the transaction that changes their
//     aggregates (never by a periodic rebuild); windowed rules ("spent in 30 days")
//     also get a durable timer when an order will leave the window.
//   - Every write transaction of the package is serialized by one mutex, so observers
//     (the segment index) hear committed changes in commit order.
package crm

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Webhook event types of this domain.
const (
	EventMerged = "customer.merged"
	EventErased = "customer.erased"
)

func init() {
	webhook.RegisterEventType(EventMerged)
	webhook.RegisterEventType(EventErased)
}

// Audit actions this domain records; AuditActions lists them for the console's catalogs.
const (
	AuditList   = "customer.list" // a bulk view of customers (a page of the list)
	AuditUpdate = "customer.update"
	AuditMerge  = "customer.merge"
	AuditErase  = "customer.erase"
	AuditTag    = "tag.create"
)

// AuditActions are all the audit actions of the CRM.
var AuditActions = []string{AuditList, AuditUpdate, AuditMerge, AuditErase, AuditTag}

// EventPublisher queues outbound webhooks in the caller's transaction (webhook.Service).
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now    func() time.Time // injected clock; time.Now when nil
	Queue  *jobs.Queue      // window timers and rule backfills; NewService registers its kinds
	Events EventPublisher   // webhooks; nil sends none
	Logger *slog.Logger
	// BatchMax bounds the inbox events one worker transaction applies [500].
	BatchMax int
	// Poll is how often the worker looks at the inbox without being nudged, for events
	// committed on other nodes [2 s].
	Poll time.Duration
	// RuleCacheTTL is how long a tenant's compiled rules are reused before being read
	// again (changes on this node drop them at once) [5 s].
	RuleCacheTTL time.Duration
}

// Service is the customer domain. It is safe for concurrent use; Start and Stop
// bracket the event worker (without Start, Flush applies queued events).
type Service struct {
	store  *db.DB
	now    func() time.Time
	queue  *jobs.Queue
	events EventPublisher
	log    *slog.Logger
	opt    Options

	obsMu     sync.Mutex
	observers []Observer

	wmu sync.Mutex // serializes write transactions, so observers hear commit order

	rules    *ruleCache
	channels sync.Map // entry link id → channel (immutable)

	inMu     sync.Mutex
	activity map[viewerKey]*activity // room activity not yet applied, coalesced per viewer
	wake     chan struct{}
	quit     chan struct{}
	done     chan struct{}
	started  bool
}

// NewService builds the CRM and registers its job kinds on opt.Queue, so it must be
// called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.BatchMax <= 0 {
		opt.BatchMax = 500
	}
	if opt.Poll <= 0 {
		opt.Poll = 2 * time.Second
	}
	if opt.RuleCacheTTL <= 0 {
		opt.RuleCacheTTL = 5 * time.Second
	}
	s := &Service{store: store, now: opt.Now, queue: opt.Queue, events: opt.Events, opt: opt,
		log: opt.Logger.With("component", "crm"), activity: map[viewerKey]*activity{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	s.rules = newRuleCache(opt.RuleCacheTTL)
	if s.queue != nil {
		s.queue.Register(jobWindow, s.runWindowJob)
		s.queue.Register(jobBackfill, s.runBackfillJob)
	}
	return s
}

// Start runs the event worker until Stop.
func (s *Service) Start(ctx context.Context) {
	s.inMu.Lock()
	if s.started {
		s.inMu.Unlock()
		return
	}
	s.started = true
	s.inMu.Unlock()
	go s.work(context.WithoutCancel(ctx))
}

// Stop applies everything already queued and stops the worker. Call it after the
// rooms stopped (their last activity is queued) and before the store closes.
func (s *Service) Stop() {
	s.inMu.Lock()
	started := s.started
	s.inMu.Unlock()
	if !started {
		return
	}
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
}

// write runs fn in one transaction with an applier and, after commit, tells the
// observers what changed. Every write of the package goes through it.
func (s *Service) write(ctx context.Context, fn func(ap *applier) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var ap *applier
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		ap = newApplier(s, tx)
		if err := fn(ap); err != nil {
			return err
		}
		return ap.finish(ctx)
	})
	if err != nil {
		return err
	}
	s.tell(ap.changes)
	return nil
}

// tell hands committed changes to every observer, in order.
func (s *Service) tell(changes []change) {
	if len(changes) == 0 {
		return
	}
	s.obsMu.Lock()
	obs := append([]Observer(nil), s.observers...)
	s.obsMu.Unlock()
	for _, o := range obs {
		for _, c := range changes {
			if c.facts != nil {
				o.CustomerChanged(c.tenantID, *c.facts)
			}
			if len(c.added) > 0 || len(c.removed) > 0 {
				o.TagsChanged(c.tenantID, c.customerID, c.added, c.removed)
			}
		}
	}
}

// event queues a webhook in the caller's transaction.
func (s *Service) event(ctx context.Context, q db.Querier, tenantID int64, typ string, data any) error {
	if s.events == nil {
		return nil
	}
	return s.events.Publish(ctx, q, tenantID, typ, data)
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
