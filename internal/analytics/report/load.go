package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Session is the session row a report and a dashboard start from.
type Session struct {
	ID        int64  `db:"id"`
	TenantID  int64  `db:"tenant_id"`
	Title     string `db:"title"`
	Status    string `db:"status"`
	StartedAt int64  `db:"started_at"`
	EndedAt   int64  `db:"ended_at"`
	Peak      int64  `db:"peak_online"`
	Likes     int64  `db:"likes"`
	Comments  int64  `db:"comments"`
	Shares    int64  `db:"shares"`
	Follows   int64  `db:"follows"`
	GiftValue int64  `db:"gift_value"`
	UpdatedAt int64  `db:"updated_at"`
}

// LoadSession reads a session of the tenant; another tenant's session is not found.
func LoadSession(ctx context.Context, q db.Querier, tenantID, id int64) (Session, error) {
	var s Session
	err := q.GetContext(ctx, &s, `SELECT id, tenant_id, title, status, started_at, ended_at, peak_online, likes, comments,
		shares, follows, gift_value, updated_at FROM live_sessions WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return s, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return s, fmt.Errorf("report: session %d: %w", id, err)
	}
	return s, nil
}

type presenceRow struct {
	ViewerID  int64 `db:"viewer_id"`
	EntryLink int64 `db:"entry_link_id"`
	FirstAt   int64 `db:"first_joined_at"`
	WatchMs   int64 `db:"watch_ms"`
	Likes     int64 `db:"likes"`
}

func loadPresence(ctx context.Context, q db.Querier, tenant, session int64) ([]presenceRow, error) {
	var rows []presenceRow
	err := q.SelectContext(ctx, &rows, `SELECT viewer_id, entry_link_id, first_joined_at, watch_ms, likes FROM room_presence
		WHERE tenant_id = ? AND session_id = ?`, tenant, session)
	if err != nil {
		return nil, fmt.Errorf("report: presence: %w", err)
	}
	return rows, nil
}

type orderRow struct {
	ID        int64  `db:"id"`
	ViewerID  int64  `db:"viewer_id"`
	EntryLink int64  `db:"entry_link_id"` // the buyer's viewer account's
	Status    string `db:"status"`
	Total     int64  `db:"total_fen"`
	Source    string `db:"source"`
}

// paid reports whether the order is paid and stays paid.
func (o orderRow) paid() bool {
	return o.Status == "paid" || o.Status == "shipped" || o.Status == "completed"
}

func loadOrders(ctx context.Context, q db.Querier, tenant, session int64) ([]orderRow, error) {
	var rows []orderRow
	err := q.SelectContext(ctx, &rows, `SELECT o.id, o.viewer_id, COALESCE(v.entry_link_id, 0) AS entry_link_id, o.status,
		o.total_fen, o.source FROM orders o LEFT JOIN viewers v ON v.id = o.viewer_id AND v.tenant_id = o.tenant_id
		WHERE o.tenant_id = ? AND o.session_id = ?`, tenant, session)
	if err != nil {
		return nil, fmt.Errorf("report: orders: %w", err)
	}
	return rows, nil
}

type lineRow struct {
	OrderID   int64  `db:"order_id"`
	ProductID int64  `db:"product_id"`
	Name      string `db:"name"`
	Quantity  int64  `db:"quantity"`
	Amount    int64  `db:"amount"`
}

func loadLines(ctx context.Context, q db.Querier, tenant, session int64) ([]lineRow, error) {
	var rows []lineRow
	err := q.SelectContext(ctx, &rows, `SELECT l.order_id, l.product_id, l.name, l.quantity, l.unit_price_fen * l.quantity AS amount
		FROM order_lines l JOIN orders o ON o.id = l.order_id AND o.tenant_id = l.tenant_id
		WHERE o.tenant_id = ? AND o.session_id = ?`, tenant, session)
	if err != nil {
		return nil, fmt.Errorf("report: order lines: %w", err)
	}
	return rows, nil
}

type linkRow struct {
	ID      int64  `db:"id"`
	Channel string `db:"channel"`
	Code    string `db:"code"`
	Label   string `db:"label"`
}

func loadLinks(ctx context.Context, q db.Querier, tenant, session int64) (map[int64]linkRow, error) {
	var rows []linkRow
	if err := q.SelectContext(ctx, &rows, `SELECT id, channel, code, label FROM entry_links WHERE tenant_id = ? AND session_id = ?`,
		tenant, session); err != nil {
		return nil, fmt.Errorf("report: entry links: %w", err)
	}
	out := make(map[int64]linkRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

type productRow struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Price int64  `db:"price"`
	Stock int64  `db:"stock"`
}

// loadProducts reads the session's showcase products and the given others: name,
// lowest price and stock left now.
func loadProducts(ctx context.Context, q db.Querier, tenant, session int64, others []int64) (map[int64]productRow, error) {
	out := map[int64]productRow{}
	scan := func(query string, args ...any) error {
		var rows []productRow
		if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
			return fmt.Errorf("report: products: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r
		}
		return nil
	}
	const cols = `SELECT p.id, p.name, COALESCE(MIN(k.price_fen), 0) AS price, COALESCE(SUM(k.stock), 0) AS stock
		FROM products p LEFT JOIN product_skus k ON k.product_id = p.id AND k.tenant_id = p.tenant_id `
	if err := scan(cols+`WHERE p.tenant_id = ? AND p.id IN (SELECT product_id FROM showcase_items WHERE tenant_id = ? AND session_id = ?)
		GROUP BY p.id, p.name`, tenant, tenant, session); err != nil {
		return nil, err
	}
	var todo []int64
	for _, id := range others {
		if _, ok := out[id]; !ok {
			todo = append(todo, id)
		}
	}
	for start := 0; start < len(todo); start += 500 {
		part := todo[start:min(start+500, len(todo))]
		args := []any{tenant}
		for _, id := range part {
			args = append(args, id)
		}
		if err := scan(cols+`WHERE p.tenant_id = ? AND p.id IN (`+placeholders(len(part))+`) GROUP BY p.id, p.name`, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
