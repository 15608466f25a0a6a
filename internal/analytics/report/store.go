package report

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
)

// Stored is a report as saved, with the watermarks it was computed up to.
type Stored struct {
	Body       []byte `db:"body"`
	SegmentID  int64  `db:"segment_id"`
	OrdersMark string `db:"orders_mark"`
	ComputedAt int64  `db:"computed_at"`
}

// LoadStored reads the saved report of a session; ok is false when there is none.
func LoadStored(ctx context.Context, q db.Querier, tenant, session int64) (Stored, bool, error) {
	var s Stored
	err := q.GetContext(ctx, &s, `SELECT body, segment_id, orders_mark, computed_at FROM analytics_reports
		WHERE tenant_id = ? AND session_id = ?`, tenant, session)
	if db.IsNoRows(err) {
		return s, false, nil
	} else if err != nil {
		return s, false, fmt.Errorf("report: load: %w", err)
	}
	return s, true, nil
}

// Save stores (or replaces) the report of a session.
func Save(ctx context.Context, q db.Querier, tenant, session int64, st Stored) error {
	_, err := q.ExecContext(ctx, `INSERT INTO analytics_reports (tenant_id, session_id, body, segment_id, orders_mark, computed_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, session_id) DO UPDATE SET body = excluded.body,
		segment_id = excluded.segment_id, orders_mark = excluded.orders_mark, computed_at = excluded.computed_at`,
		tenant, session, string(st.Body), st.SegmentID, st.OrdersMark, st.ComputedAt)
	if err != nil {
		return fmt.Errorf("report: save: %w", err)
	}
	return nil
}

// OrdersMark summarises the session's orders (how many, the latest change): a report
// computed under the same mark saw the same orders.
func OrdersMark(ctx context.Context, q db.Querier, tenant, session int64) (string, error) {
	var m struct {
		N    int64 `db:"n"`
		Last int64 `db:"last"`
	}
	if err := q.GetContext(ctx, &m, `SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), 0) AS last FROM orders
		WHERE tenant_id = ? AND session_id = ?`, tenant, session); err != nil {
		return "", fmt.Errorf("report: orders mark: %w", err)
	}
	return fmt.Sprintf("%d:%d", m.N, m.Last), nil
}
