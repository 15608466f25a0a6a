package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/siyu-live/siyu/internal/db"
)

// Customer groups of a session.
const (
	GroupConverted    = "converted"     // paid an order of the session
	GroupNonConverted = "non_converted" // entered the room and paid nothing
)

// CustomerRow is one customer of a group, as the report customers endpoint lists them.
type CustomerRow struct {
	CustomerID   int64  `json:"customer_id" db:"customer_id"`
	Name         string `json:"name" db:"name"`
	PaidOrders   int64  `json:"paid_orders" db:"-"`
	PaidAmount   int64  `json:"paid_amount" db:"-"`
	WatchSeconds int64  `json:"watch_seconds" db:"-"`
	Returning    bool   `json:"returning" db:"-"`
}

// viewerCustomer is the profile behind one viewer account of the session.
type viewerCustomer struct {
	ViewerID   int64  `db:"viewer_id"`
	CustomerID int64  `db:"customer_id"`
	Name       string `db:"name"`
	Returning  bool   `db:"is_returning"`
}

// loadViewerCustomers maps the session's viewers (who entered or ordered) to their
// live customer profiles (erased ones left out), with whether each customer came to an
// earlier session or bought before this one started. The CROSS JOIN keeps the session's
// viewers as the outer loop on SQLite (it never reorders a CROSS JOIN): left free, its
// planner may scan every viewer identity of the tenant and, for each, all the session's
// viewers — seconds at 2,000 viewers, minutes at 10,000. PostgreSQL plans it as a join.
func loadViewerCustomers(ctx context.Context, q db.Querier, tenant, session, startedAt int64) (map[int64]viewerCustomer, error) {
	var rows []viewerCustomer
	err := q.SelectContext(ctx, &rows, `WITH v AS (
			SELECT viewer_id FROM room_presence WHERE tenant_id = ? AND session_id = ?
			UNION SELECT viewer_id FROM orders WHERE tenant_id = ? AND session_id = ?)
		SELECT v.viewer_id, ci.customer_id, c.name,
			CASE WHEN EXISTS (SELECT 1 FROM customer_sessions cs WHERE cs.tenant_id = ci.tenant_id
					AND cs.customer_id = ci.customer_id AND cs.session_id <> ? AND cs.first_joined_at < ?)
				OR EXISTS (SELECT 1 FROM customer_orders co WHERE co.tenant_id = ci.tenant_id
					AND co.customer_id = ci.customer_id AND co.paid_at < ?)
			THEN 1 ELSE 0 END AS is_returning
		FROM v CROSS JOIN customer_identities ci
		JOIN customers c ON c.id = ci.customer_id AND c.tenant_id = ci.tenant_id AND c.erased_at IS NULL
		WHERE ci.tenant_id = ? AND ci.kind = 'viewer' AND ci.value = CAST(v.viewer_id AS TEXT)`,
		tenant, session, tenant, session, session, startedAt, startedAt, tenant)
	if err != nil {
		return nil, fmt.Errorf("report: viewer customers: %w", err)
	}
	out := make(map[int64]viewerCustomer, len(rows))
	for _, r := range rows {
		out[r.ViewerID] = r
	}
	return out, nil
}

// groups splits the session's customers into converted and non-converted, each sorted
// by value (amount paid; watch time), a customer with several viewer accounts once.
func groups(presence []presenceRow, orders []orderRow, vc map[int64]viewerCustomer) (converted, non []CustomerRow) {
	conv := map[int64]*CustomerRow{}
	for _, o := range orders {
		c, ok := vc[o.ViewerID]
		if !ok || !o.paid() {
			continue
		}
		r := conv[c.CustomerID]
		if r == nil {
			r = &CustomerRow{CustomerID: c.CustomerID, Name: c.Name, Returning: c.Returning}
			conv[c.CustomerID] = r
		}
		r.PaidOrders++
		r.PaidAmount += o.Total
	}
	rest := map[int64]*CustomerRow{}
	for _, p := range presence {
		c, ok := vc[p.ViewerID]
		if !ok {
			continue
		}
		if r := conv[c.CustomerID]; r != nil {
			r.WatchSeconds += p.WatchMs / 1000
			continue
		}
		r := rest[c.CustomerID]
		if r == nil {
			r = &CustomerRow{CustomerID: c.CustomerID, Name: c.Name, Returning: c.Returning}
			rest[c.CustomerID] = r
		}
		r.WatchSeconds += p.WatchMs / 1000
	}
	flat := func(m map[int64]*CustomerRow, key func(CustomerRow) int64) []CustomerRow {
		out := make([]CustomerRow, 0, len(m))
		for _, r := range m {
			out = append(out, *r)
		}
		slices.SortFunc(out, func(a, b CustomerRow) int {
			if c := cmp.Compare(key(b), key(a)); c != 0 {
				return c
			}
			return cmp.Compare(a.CustomerID, b.CustomerID)
		})
		return out
	}
	return flat(conv, func(r CustomerRow) int64 { return r.PaidAmount }),
		flat(rest, func(r CustomerRow) int64 { return r.WatchSeconds })
}

// CustomerGroups lists every customer of a group of the session (for tagging and the
// paged list), with the figures each group is sorted by.
func CustomerGroups(ctx context.Context, q db.Querier, s Session) (converted, non []CustomerRow, err error) {
	presence, err := loadPresence(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return nil, nil, err
	}
	orders, err := loadOrders(ctx, q, s.TenantID, s.ID)
	if err != nil {
		return nil, nil, err
	}
	vc, err := loadViewerCustomers(ctx, q, s.TenantID, s.ID, startOf(s))
	if err != nil {
		return nil, nil, err
	}
	converted, non = groups(presence, orders, vc)
	return converted, non, nil
}

func group(rows []CustomerRow) CustomerGroup {
	g := CustomerGroup{Count: int64(len(rows)), CustomerIDs: make([]int64, 0, min(len(rows), MaxListedIDs))}
	for i, r := range rows {
		if i == MaxListedIDs {
			g.Truncated = true
			break
		}
		g.CustomerIDs = append(g.CustomerIDs, r.CustomerID)
	}
	return g
}

// startOf is when the session started, or (never started) when it was last changed,
// so "before this session" has a meaning either way.
func startOf(s Session) int64 {
	if s.StartedAt > 0 {
		return s.StartedAt
	}
	return s.UpdatedAt
}
