package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// Job kinds of the CRM.
const (
	jobWindow   = "crm.window"   // an order leaves a rule's window: re-evaluate its buyer
	jobBackfill = "crm.backfill" // a rule tag was created or changed: evaluate every customer
)

const day = int64(24 * time.Hour / time.Millisecond)

// ruleTag is one compiled rule tag of a tenant.
type ruleTag struct {
	id   int64
	rule Rule
}

type tenantRules struct {
	loaded  time.Time
	tags    []ruleTag
	windows []int
}

// ruleCache keeps each tenant's compiled rule tags for a few seconds: they are read on
// every event, and change rarely (this node drops them at once when it changes them).
type ruleCache struct {
	mu  sync.Mutex
	ttl time.Duration // wall time: a cache age, not business time
	m   map[int64]*tenantRules
}

func newRuleCache(ttl time.Duration) *ruleCache {
	return &ruleCache{ttl: ttl, m: map[int64]*tenantRules{}}
}

func (c *ruleCache) drop(tenantID int64) {
	c.mu.Lock()
	delete(c.m, tenantID)
	c.mu.Unlock()
}

func (c *ruleCache) get(ctx context.Context, q db.Querier, tenantID int64) (*tenantRules, error) {
	c.mu.Lock()
	t := c.m[tenantID]
	c.mu.Unlock()
	if t != nil && time.Since(t.loaded) < c.ttl {
		return t, nil
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Rule string `db:"rule"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT id, rule FROM tags WHERE tenant_id = ? AND kind = ? ORDER BY id`,
		tenantID, TagRule); err != nil {
		return nil, fmt.Errorf("crm: rule tags: %w", err)
	}
	t = &tenantRules{loaded: time.Now()}
	for _, r := range rows {
		rule, err := ParseRule(r.Rule)
		if err != nil {
			continue // stored rules were checked when saved
		}
		t.tags = append(t.tags, ruleTag{id: r.ID, rule: rule})
		for _, w := range rule.Windows() {
			if !containsInt(t.windows, w) {
				t.windows = append(t.windows, w)
			}
		}
	}
	c.mu.Lock()
	c.m[tenantID] = t
	c.mu.Unlock()
	return t, nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// evaluate puts on and takes off r's rule tags so they match its aggregates now.
func (ap *applier) evaluate(ctx context.Context, r *custRow) error {
	rules, err := ap.s.rules.get(ctx, ap.tx, r.TenantID)
	if err != nil || len(rules.tags) == 0 {
		return err
	}
	if err := ap.ensureRuleData(ctx, r.TenantID, []int64{r.ID}, rules.windows); err != nil {
		return err
	}
	writes := ap.decide(r, rules)
	ap.markWritten(writes)
	return ap.writeTags(ctx, writes, nil)
}

// decide compares r's rule tags with what its aggregates (and the rule data read
// before, see ensureRuleData) call for, records the difference for the observers and
// returns the writes that make them match.
func (ap *applier) decide(r *custRow, rules *tenantRules) []tagWrite {
	e := ap.evalData()
	m := r.metrics()
	if len(rules.windows) > 0 {
		m.SpentIn, m.OrdersIn = map[int]int64{}, map[int]int64{}
		for _, w := range rules.windows {
			sum := e.sums[r.ID][w]
			m.SpentIn[w], m.OrdersIn[w] = sum[0], sum[1]
		}
	}
	have := e.have[r.ID]
	var writes []tagWrite
	var added, removed []int64
	for _, t := range rules.tags {
		want, has := t.rule.Eval(m), containsID(have, t.id)
		switch {
		case want && !has:
			writes = append(writes, tagWrite{tenantID: r.TenantID, customerID: r.ID, tagID: t.id, add: true})
			added = append(added, t.id)
		case has && !want:
			writes = append(writes, tagWrite{tenantID: r.TenantID, customerID: r.ID, tagID: t.id})
			removed = append(removed, t.id)
		}
	}
	// What was read is stale once tags change (a merge, a second evaluation).
	delete(e.done, r.ID)
	delete(e.have, r.ID)
	delete(e.sums, r.ID)
	ap.tagged(r.ID, added, removed)
	return writes
}

type windowPayload struct {
	CustomerID int64 `json:"customer_id"`
}

// scheduleWindows sets a durable timer for each order paid in this transaction and each
// window a rule of its tenant reads: when the order leaves the window, its buyer's rules
// are evaluated again (nothing else would tell them).
func (ap *applier) scheduleWindows(ctx context.Context) error {
	if ap.s.queue == nil {
		return nil
	}
	for _, o := range ap.paid {
		rules, err := ap.s.rules.get(ctx, ap.tx, o.tenantID)
		if err != nil {
			return err
		}
		for _, w := range rules.windows {
			if err := ap.s.windowTimer(ctx, ap.tx, o, w, ap.now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) windowTimer(ctx context.Context, q db.Querier, o paidOrder, w int, now int64) error {
	at := o.paidAt + int64(w)*day
	if at <= now {
		return nil
	}
	payload, _ := json.Marshal(windowPayload{CustomerID: o.customerID})
	_, err := s.queue.Enqueue(ctx, q, jobs.Job{TenantID: o.tenantID, Kind: jobWindow, Payload: payload,
		RunAt: time.UnixMilli(at), UniqueKey: fmt.Sprintf("%s:%d:%d:%d", jobWindow, o.tenantID, o.orderID, w)})
	if err != nil {
		return fmt.Errorf("crm: window timer: %w", err)
	}
	return nil
}

// runWindowJob re-evaluates a customer whose order just left a rule's window.
func (s *Service) runWindowJob(ctx context.Context, j jobs.Job) error {
	var p windowPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(err)
	}
	return s.write(ctx, func(ap *applier) error {
		ap.ruleData = true
		r, err := ap.live(ctx, j.TenantID, p.CustomerID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if r.gone() {
			return nil // erased: nothing to tag
		}
		return ap.evaluate(ctx, r)
	})
}
