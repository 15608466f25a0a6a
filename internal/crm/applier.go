package crm

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// change is what one committed transaction did to one customer, for the observers.
type change struct {
	tenantID, customerID int64
	facts                *Facts
	added, removed       []int64
}

// applier is the working set of one write transaction: the customer rows it loaded
// (each read once, changed in memory and written back once in finish), the viewer →
// customer links it resolved, and what to tell observers after commit.
type applier struct {
	s       *Service
	tx      *db.Tx
	now     int64
	rows    map[int64]*custRow
	order   []int64        // row ids in the order first loaded, for saving and telling
	dirty   map[int64]bool // to write back
	changed map[int64]bool // aggregates or status changed: rules re-evaluated, observers told
	viewers map[viewerKey]int64
	tags    map[int64]*tagDiff // tag changes per customer
	paid    []paidOrder        // orders paid in this transaction, for window timers
	merged  [][2]int64         // (survivor, merged-away) pairs, for webhooks
	eval    *evalData          // rule-evaluation data read in bulk (prefetchEval) or with the rows
	// ruleData: rows are loaded with their rule data (ruledata.go). Set by writers
	// whose other writes to orders and tags call forgetRuleData (events, timers).
	ruleData bool
	changes  []change
}

type tagDiff struct{ added, removed []int64 }

type paidOrder struct{ tenantID, customerID, orderID, paidAt int64 }

type viewerKey struct{ tenant, viewer int64 }

func newApplier(s *Service, tx *db.Tx) *applier {
	return &applier{s: s, tx: tx, now: s.now().UnixMilli(), rows: map[int64]*custRow{}, dirty: map[int64]bool{},
		changed: map[int64]bool{}, viewers: map[viewerKey]int64{}, tags: map[int64]*tagDiff{}}
}

// row returns a customer row as stored (merged-away and erased ones included).
func (ap *applier) row(ctx context.Context, tenantID, id int64) (*custRow, error) {
	if r, ok := ap.rows[id]; ok {
		if r.TenantID != tenantID {
			return nil, siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", id)
		}
		return r, nil
	}
	if ap.ruleData {
		if err := ap.prefetchRows(ctx, tenantID, []int64{id}); err != nil {
			return nil, err
		}
		if r, ok := ap.rows[id]; ok {
			return r, nil
		}
		return nil, siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", id)
	}
	r, err := getCustomer(ctx, ap.tx, tenantID, id, true)
	if err != nil {
		return nil, err
	}
	ap.rows[id] = r
	ap.order = append(ap.order, id)
	return r, nil
}

// live returns the profile that stands for id now: id itself, or the profile it was
// (perhaps repeatedly) merged into.
func (ap *applier) live(ctx context.Context, tenantID, id int64) (*custRow, error) {
	for range 64 {
		r, err := ap.row(ctx, tenantID, id)
		if err != nil {
			return nil, err
		}
		if !r.MergedInto.Valid {
			return r, nil
		}
		id = r.MergedInto.Int64
	}
	return nil, fmt.Errorf("crm: customer %d: merge chain too long", id)
}

// create inserts a new profile and keeps it in the working set.
func (ap *applier) create(ctx context.Context, r *custRow) error {
	r.CreatedAt, r.UpdatedAt = ap.now, ap.now
	if r.Origin == "" {
		r.Origin = OriginAPI
	}
	if err := insertCustomer(ctx, ap.tx, r); err != nil {
		return err
	}
	ap.rows[r.ID] = r
	ap.order = append(ap.order, r.ID)
	ap.changed[r.ID] = true
	if ap.ruleData { // a new profile carries no tags and has no orders
		rules, err := ap.s.rules.get(ctx, ap.tx, r.TenantID)
		if err != nil {
			return err
		}
		e := ap.evalData()
		e.done[r.ID], e.sums[r.ID] = true, zeroSums(rules.windows)
	}
	return nil
}

// mark records that r changed: it is written back, its rules re-evaluated and the
// observers told.
func (ap *applier) mark(r *custRow) {
	r.UpdatedAt = ap.now
	ap.dirty[r.ID] = true
	ap.changed[r.ID] = true
}

// tagged records tag changes of a customer for the observers.
func (ap *applier) tagged(customerID int64, added, removed []int64) {
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	d := ap.tags[customerID]
	if d == nil {
		d = &tagDiff{}
		ap.tags[customerID] = d
	}
	for _, id := range added {
		if i := slices.Index(d.removed, id); i >= 0 {
			d.removed = slices.Delete(d.removed, i, i+1)
		} else if !slices.Contains(d.added, id) {
			d.added = append(d.added, id)
		}
	}
	for _, id := range removed {
		if i := slices.Index(d.added, id); i >= 0 {
			d.added = slices.Delete(d.added, i, i+1)
		} else if !slices.Contains(d.removed, id) {
			d.removed = append(d.removed, id)
		}
	}
}

// finish writes the changed rows back (profiles leaving the phone index first, so a
// survivor can take over a merged profile's phone), re-evaluates the rule tags of every
// changed profile, schedules window timers and collects what to tell observers.
func (ap *applier) finish(ctx context.Context) error {
	ids := slices.Clone(ap.order)
	slices.SortStableFunc(ids, func(a, b int64) int {
		ga, gb := ap.rows[a].gone(), ap.rows[b].gone()
		switch {
		case ga && !gb:
			return -1
		case gb && !ga:
			return 1
		}
		return 0
	})
	var gone, live []*custRow
	for _, id := range ids {
		if r := ap.rows[id]; ap.dirty[id] && r.gone() {
			gone = append(gone, r)
		} else if ap.dirty[id] {
			live = append(live, r)
		}
	}
	for _, part := range byTenantRows(gone) {
		if err := ap.saveRows(ctx, part); err != nil {
			return err
		}
	}
	// Rules read the rows in memory, not the table: the tags are decided first, so one
	// changed row and its tag changes can be written in one statement.
	writes, err := ap.decideChanged(ctx)
	if err != nil {
		return err
	}
	if len(live) == 1 {
		err = ap.writeTags(ctx, writes, live[0])
	} else {
		for _, part := range byTenantRows(live) {
			if err := ap.saveRows(ctx, part); err != nil {
				return err
			}
		}
		err = ap.writeTags(ctx, writes, nil)
	}
	if err != nil {
		return err
	}
	if err := ap.scheduleWindows(ctx); err != nil {
		return err
	}
	for _, m := range ap.merged {
		if err := ap.s.event(ctx, ap.tx, ap.rows[m[0]].TenantID, EventMerged, map[string]any{"id": m[0], "merged_id": m[1]}); err != nil {
			return err
		}
	}
	for _, id := range ap.order {
		r := ap.rows[id]
		c := change{tenantID: r.TenantID, customerID: id}
		if ap.changed[id] {
			f := r.facts()
			c.facts = &f
		}
		if d := ap.tags[id]; d != nil {
			c.added, c.removed = d.added, d.removed
		}
		if c.facts != nil || len(c.added) > 0 || len(c.removed) > 0 {
			ap.changes = append(ap.changes, c)
		}
	}
	return nil
}

// decideChanged decides the rule tags of every changed live profile, reading the rule
// data not read with the rows (one statement per tenant and chunk).
func (ap *applier) decideChanged(ctx context.Context) ([]tagWrite, error) {
	byTenant := map[int64][]int64{}
	var tenants []int64
	for _, id := range ap.order {
		if r := ap.rows[id]; ap.changed[id] && !r.gone() {
			if byTenant[r.TenantID] == nil {
				tenants = append(tenants, r.TenantID)
			}
			byTenant[r.TenantID] = append(byTenant[r.TenantID], id)
		}
	}
	var writes []tagWrite
	for _, t := range tenants {
		rules, err := ap.s.rules.get(ctx, ap.tx, t)
		if err != nil {
			return nil, err
		}
		if len(rules.tags) == 0 {
			continue
		}
		if err := ap.ensureRuleData(ctx, t, byTenant[t], rules.windows); err != nil {
			return nil, err
		}
		for _, id := range byTenant[t] {
			writes = append(writes, ap.decide(ap.rows[id], rules)...)
		}
	}
	return writes, nil
}

// byTenantRows splits rows by tenant, keeping their order.
func byTenantRows(rows []*custRow) [][]*custRow {
	idx := map[int64]int{}
	var out [][]*custRow
	for _, r := range rows {
		i, ok := idx[r.TenantID]
		if !ok {
			i = len(out)
			idx[r.TenantID] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
