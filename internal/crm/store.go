package crm

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// custRow is one customers row as the applier holds it while a transaction changes it.
type custRow struct {
	ID           int64          `db:"id"`
	TenantID     int64          `db:"tenant_id"`
	Name         string         `db:"name"`
	Phone        sql.NullString `db:"phone"`
	Remark       string         `db:"remark"`
	FirstSource  string         `db:"first_source"`
	LastSource   string         `db:"last_source"`
	OrdersCount  int64          `db:"orders_count"`
	SpentFen     int64          `db:"spent_fen"`
	WatchMS      int64          `db:"watch_ms"`
	LastSeenAt   sql.NullInt64  `db:"last_seen_at"`
	MergedInto   sql.NullInt64  `db:"merged_into"`
	ErasedAt     sql.NullInt64  `db:"erased_at"`
	CreatedAt    int64          `db:"created_at"`
	UpdatedAt    int64          `db:"updated_at"`
	FirstTouchAt int64          `db:"first_touch_at"`
	LastTouchAt  int64          `db:"last_touch_at"`
	FirstLinkID  int64          `db:"first_entry_link_id"`
	LastLinkID   int64          `db:"last_entry_link_id"`
	Sessions     int64          `db:"sessions"`
	Reservations int64          `db:"reservations"`
	NoShows      int64          `db:"no_shows"`
	Comments     int64          `db:"comments"`
	GiftsFen     int64          `db:"gifts_fen"`
	Origin       string         `db:"origin"`
}

const custCols = `id, tenant_id, name, phone, remark, first_source, last_source, orders_count, spent_fen, watch_ms,
	last_seen_at, merged_into, erased_at, created_at, updated_at, first_touch_at, last_touch_at, first_entry_link_id,
	last_entry_link_id, sessions, reservations, no_shows, comments, gifts_fen, origin`

// gone reports whether the profile no longer stands for a person of its own.
func (r *custRow) gone() bool { return r.MergedInto.Valid || r.ErasedAt.Valid }

func (r *custRow) facts() Facts {
	return Facts{ID: r.ID, OrdersCount: r.OrdersCount, SpentFen: r.SpentFen, WatchMS: r.WatchMS,
		LastSeenAt: r.LastSeenAt.Int64, FirstSource: r.FirstSource, LastSource: r.LastSource, Gone: r.gone()}
}

// touch records a touch point (an entry to a live, a creation) for first/last source.
func (r *custRow) touch(at int64, source string, linkID int64) {
	if at <= 0 || source == "" {
		return
	}
	if r.FirstTouchAt == 0 || at < r.FirstTouchAt {
		r.FirstTouchAt, r.FirstSource, r.FirstLinkID = at, source, linkID
	}
	if at >= r.LastTouchAt {
		r.LastTouchAt, r.LastSource, r.LastLinkID = at, source, linkID
	}
}

// seen moves last_seen_at forward.
func (r *custRow) seen(at int64) {
	if at > r.LastSeenAt.Int64 {
		r.LastSeenAt = sql.NullInt64{Int64: at, Valid: true}
	}
}

// getCustomer reads one row; lock takes a row lock on PostgreSQL (SQLite transactions
// hold the single writer lock already).
func getCustomer(ctx context.Context, q db.Querier, tenantID, id int64, lock bool) (*custRow, error) {
	query := `SELECT ` + custCols + ` FROM customers WHERE tenant_id = ? AND id = ?`
	if lock && q.Dialect() == db.Postgres {
		query += ` FOR UPDATE`
	}
	var r custRow
	err := q.GetContext(ctx, &r, query, tenantID, id)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("crm: get customer %d: %w", id, err)
	}
	return &r, nil
}

// saveCustomerSQL writes back every column the applier may change (args: saveArgs).
const saveCustomerSQL = `UPDATE customers SET name = ?, phone = ?, remark = ?, first_source = ?, last_source = ?,
		orders_count = ?, spent_fen = ?, watch_ms = ?, last_seen_at = ?, merged_into = ?, erased_at = ?, updated_at = ?,
		first_touch_at = ?, last_touch_at = ?, first_entry_link_id = ?, last_entry_link_id = ?, sessions = ?,
		reservations = ?, no_shows = ?, comments = ?, gifts_fen = ?
		WHERE tenant_id = ? AND id = ?`

// saveArgs are the arguments of saveCustomerSQL for r.
func (r *custRow) saveArgs() []any {
	return []any{r.Name, r.Phone, r.Remark, r.FirstSource, r.LastSource, r.OrdersCount, r.SpentFen, r.WatchMS, r.LastSeenAt,
		r.MergedInto, r.ErasedAt, r.UpdatedAt, r.FirstTouchAt, r.LastTouchAt, r.FirstLinkID, r.LastLinkID, r.Sessions,
		r.Reservations, r.NoShows, r.Comments, r.GiftsFen, r.TenantID, r.ID}
}

// saveCustomer writes back every column the applier may change.
func saveCustomer(ctx context.Context, q db.Querier, r *custRow) error {
	if _, err := q.ExecContext(ctx, saveCustomerSQL, r.saveArgs()...); err != nil {
		return fmt.Errorf("crm: save customer %d: %w", r.ID, err)
	}
	return nil
}

// insertCustomer creates a profile and fills r.ID.
func insertCustomer(ctx context.Context, q db.Querier, r *custRow) error {
	id, err := db.Insert(ctx, q, `INSERT INTO customers (tenant_id, name, phone, remark, first_source, last_source,
		first_touch_at, last_touch_at, first_entry_link_id, last_entry_link_id, last_seen_at, origin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.TenantID, r.Name, r.Phone, r.Remark, r.FirstSource, r.LastSource, r.FirstTouchAt, r.LastTouchAt,
		r.FirstLinkID, r.LastLinkID, r.LastSeenAt, r.Origin, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("crm: create customer: %w", err)
	}
	r.ID = id
	return nil
}

// identityOwner returns the profile an identity belongs to, 0 for none. A phone is also
// found on a profile's phone column (rows written in bulk, e.g. by an import or the
// segment benchmark's generator, may lack the identity row).
func identityOwner(ctx context.Context, q db.Querier, tenantID int64, kind, value string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, `SELECT customer_id FROM customer_identities WHERE tenant_id = ? AND kind = ? AND value = ?`,
		tenantID, kind, value)
	if db.IsNoRows(err) && kind == KindPhone {
		err = q.GetContext(ctx, &id, `SELECT id FROM customers WHERE tenant_id = ? AND phone = ? AND merged_into IS NULL`, tenantID, value)
	}
	if db.IsNoRows(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("crm: identity %s: %w", kind, err)
	}
	return id, nil
}

// addIdentity links an identity to a profile; an identity already linked (to this
// profile, by an earlier event) is left as it is.
func addIdentity(ctx context.Context, q db.Querier, tenantID, customerID int64, kind, value string, ref, now int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO customer_identities (tenant_id, kind, value, customer_id, ref_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, kind, value) DO NOTHING`, tenantID, kind, value, customerID, ref, now)
	if err != nil {
		return fmt.Errorf("crm: add identity %s: %w", kind, err)
	}
	return nil
}

// viewerIDs lists the viewer accounts of a profile, newest first, at most limit.
func viewerIDs(ctx context.Context, q db.Querier, tenantID, customerID int64, limit int) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT ref_id FROM customer_identities WHERE tenant_id = ? AND customer_id = ? AND kind = ?
		ORDER BY ref_id DESC LIMIT ?`, tenantID, customerID, KindViewer, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: viewer identities: %w", err)
	}
	return ids, nil
}
