// Package segment answers "which customers, and how many" for boolean rules over tags
// and behaviour (docs/segments.md), fast on a large base: segments with a live count
// and a preview list, and the member lists broadcasts read.
//
// Decisions worth knowing:
//   - Counts come from an in-memory index per tenant (a dense bitset per tag over the
//     tenant's customers, compact arrays of the behaviour numbers), never from SQL on a
//     request: a three-term rule over a million customers is a few thousand word
//     operations. CountSQL computes the same thing in SQL; tests and the bench use it
//     to prove the two agree.
//   - A tenant is loaded from the customers, tags and customer_tags tables in pages
//     (on first use, or by Warm at start) and then kept current by crm.Observer: the
//     CRM tells every committed change after commit, in commit order, and the index
//     applies it at once, so a count read after an API call that tagged someone
//     already includes them. Changes heard while a tenant loads are replayed after.
//   - Only live customers count: merged-away and erased profiles are not members.
//   - Several nodes: the observer hears only this node's commits. Each node publishes
//     the ids it saw change on the bus (core NATS, subject siyu.crm.segment.changed),
//     and the other nodes reload those customers from the tables. The gap: a message
//     lost while the bus is down leaves another node's index stale for those
//     customers until their next change or a restart (Drop reloads a tenant by hand).
//     A single node, the default install, has no such gap.
//   - The rule is stored as written; its meaning is evaluated when read, so a segment
//     is always current and a tag created later starts matching at once.
package segment

import (
	"context"
	"log/slog"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Audit actions of segments; AuditActions lists them for the console's catalogs. Bulk
// views of a segment's customers are recorded as crm.AuditList, like customer lists.
const (
	AuditCreate = "segment.create"
	AuditUpdate = "segment.update"
	AuditDelete = "segment.delete"
)

// AuditActions are all the audit actions of segments.
var AuditActions = []string{AuditCreate, AuditUpdate, AuditDelete}

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now    func() time.Time // injected clock ("seen<7d"); time.Now when nil
	Logger *slog.Logger
	// Bus tells other nodes which customers changed here; nil for a single node.
	Bus bus.Bus
	// PageSize is how many rows one query reads while loading a tenant [20000].
	PageSize int
}

// Service is segments and the index behind them. It implements crm.Observer (register
// it with crm.Service.AddObserver before the CRM starts writing).
type Service struct {
	store *db.DB
	now   func() time.Time
	log   *slog.Logger
	ix    *Index
	sync  *syncer
}

var _ crm.Observer = (*Service)(nil)

// NewService builds the service; Start subscribes to other nodes' changes.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 20000
	}
	log := opt.Logger.With("component", "segment")
	s := &Service{store: store, now: opt.Now, log: log, ix: newIndex(store, log, opt.PageSize)}
	if opt.Bus != nil {
		s.sync = newSyncer(opt.Bus, s.ix, store, log)
		s.ix.changed = s.sync.changed
	}
	return s
}

// Index is the in-memory index, for the bench and tests (Drop, Warm, Loaded).
func (s *Service) Index() *Index { return s.ix }

// TagsChanged implements crm.Observer.
func (s *Service) TagsChanged(tenantID, customerID int64, added, removed []int64) {
	s.ix.TagsChanged(tenantID, customerID, added, removed)
}

// CustomerChanged implements crm.Observer.
func (s *Service) CustomerChanged(tenantID int64, f crm.Facts) { s.ix.CustomerChanged(tenantID, f) }

// Start listens for other nodes' changes and warms the index in the background, so
// the first count after a restart rarely waits for a load.
func (s *Service) Start(ctx context.Context) error {
	if s.sync != nil {
		if err := s.sync.start(); err != nil {
			return err
		}
	}
	go func() {
		if err := s.ix.Warm(context.WithoutCancel(ctx)); err != nil {
			s.log.Warn("segment index warm-up failed; tenants load on first use", "err", err)
		}
	}()
	return nil
}

// Stop stops listening to other nodes and publishing this node's changes.
func (s *Service) Stop() {
	if s.sync != nil {
		s.sync.stop()
	}
}

// Result is what a rule holds for now.
type Result struct {
	Count       int64    `json:"count"`
	UnknownTags []string `json:"unknown_tags,omitempty"`
}

// Count evaluates a rule for a tenant from the index: the number of live customers it
// holds for, and the tag names it mentions that do not exist.
func (s *Service) Count(ctx context.Context, tenantID int64, rule string) (Result, error) {
	e, err := Parse(rule)
	if err != nil {
		return Result{}, err
	}
	return s.count(ctx, tenantID, e)
}

func (s *Service) count(ctx context.Context, tenantID int64, e *Expr) (Result, error) {
	tags, unknown, err := s.resolve(ctx, tenantID, e)
	if err != nil {
		return Result{}, err
	}
	now := s.now().UnixMilli()
	var n int
	err = s.ix.read(ctx, tenantID, func(t *tenantIndex) error {
		n = newEvaluator(t, tags, now).count(e)
		return nil
	})
	return Result{Count: int64(n), UnknownTags: unknown}, err
}

// Members returns the ids of the live customers a rule holds for, below before (0 for
// all), highest first, at most limit (0 for all): the recipients of a broadcast, or a
// page of a preview.
func (s *Service) Members(ctx context.Context, tenantID int64, rule string, before int64, limit int) ([]int64, error) {
	e, err := Parse(rule)
	if err != nil {
		return nil, err
	}
	return s.members(ctx, tenantID, e, before, limit)
}

func (s *Service) members(ctx context.Context, tenantID int64, e *Expr, before int64, limit int) ([]int64, error) {
	tags, _, err := s.resolve(ctx, tenantID, e)
	if err != nil {
		return nil, err
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	now := s.now().UnixMilli()
	var ids []int64
	err = s.ix.read(ctx, tenantID, func(t *tenantIndex) error {
		set := newEvaluator(t, tags, now).members(e)
		if limit <= 0 {
			limit = set.count()
		}
		ids = t.idsDown(set, before, limit)
		return nil
	})
	return ids, err
}

// resolve finds the tag ids a rule names; unknown names are listed for the caller.
func (s *Service) resolve(ctx context.Context, tenantID int64, e *Expr) (map[string]int64, []string, error) {
	names := e.TagNames()
	tags, err := resolveTags(ctx, s.store, tenantID, names)
	if err != nil {
		return nil, nil, err
	}
	var unknown []string
	for _, n := range names {
		if _, ok := tags[n]; !ok {
			unknown = append(unknown, n)
		}
	}
	return tags, unknown, nil
}

func need(p org.Principal, perm org.Permission) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}
