package flashsale

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type saleRow struct {
	ID            int64  `db:"id"`
	TenantID      int64  `db:"tenant_id"`
	SessionID     int64  `db:"session_id"`
	CreatedBy     int64  `db:"created_by"`
	ProductID     int64  `db:"product_id"`
	SKUID         int64  `db:"sku_id"`
	ProductName   string `db:"product_name"`
	SKUName       string `db:"sku_name"`
	Image         string `db:"image"`
	OriginalPrice int64  `db:"original_price"`
	Price         int64  `db:"price"`
	Stock         int64  `db:"stock"`
	Sold          int64  `db:"sold"`
	Paid          int64  `db:"paid"`
	Returned      int64  `db:"returned"`
	Waiting       int64  `db:"waiting"`
	PerUserLimit  int64  `db:"per_user_limit"`
	Version       int64  `db:"version"`
	StartsAt      int64  `db:"starts_at"`
	EndsAt        int64  `db:"ends_at"`
	EndedAt       int64  `db:"ended_at"`
	CreatedAt     int64  `db:"created_at"`
}

const saleCols = `id, tenant_id, session_id, created_by, product_id, sku_id, product_name, sku_name, image, original_price,
	price, stock, sold, paid, returned, waiting, per_user_limit, version, starts_at, ends_at, ended_at, created_at`

func notFound(id int64) error { return siyu.Errorf(siyu.ENOTFOUND, "flash sale %d not found", id) }

// insertSale stores a new sale and returns its id.
func insertSale(ctx context.Context, q db.Querier, r saleRow) (int64, error) {
	id, err := db.Insert(ctx, q, `INSERT INTO flash_sales (tenant_id, session_id, created_by, product_id, sku_id, product_name,
		sku_name, image, original_price, price, stock, per_user_limit, starts_at, ends_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.TenantID, r.SessionID, r.CreatedBy, r.ProductID, r.SKUID,
		r.ProductName, r.SKUName, r.Image, r.OriginalPrice, r.Price, r.Stock, r.PerUserLimit, r.StartsAt, r.EndsAt, r.CreatedAt)
	if err != nil {
		return 0, fmt.Errorf("flashsale: create: %w", err)
	}
	return id, nil
}

// getSale reads one sale of a tenant (tenantID 0: any tenant, for jobs and owners,
// which check the tenant themselves).
func getSale(ctx context.Context, q db.Querier, tenantID, id int64) (saleRow, error) {
	var r saleRow
	query, args := `SELECT `+saleCols+` FROM flash_sales WHERE id = ?`, []any{id}
	if tenantID != 0 {
		query, args = query+` AND tenant_id = ?`, append(args, tenantID)
	}
	err := q.GetContext(ctx, &r, query, args...)
	if db.IsNoRows(err) {
		return r, notFound(id)
	} else if err != nil {
		return r, fmt.Errorf("flashsale: get %d: %w", id, err)
	}
	return r, nil
}

// listSales lists a session's sales, newest first; open only leaves out ended ones.
func listSales(ctx context.Context, q db.Querier, tenantID, sessionID int64, open bool) ([]saleRow, error) {
	query := `SELECT ` + saleCols + ` FROM flash_sales WHERE tenant_id = ? AND session_id = ?`
	if open {
		query += ` AND ended_at = 0`
	}
	var rows []saleRow
	if err := q.SelectContext(ctx, &rows, query+` ORDER BY id DESC LIMIT 200`, tenantID, sessionID); err != nil {
		return nil, fmt.Errorf("flashsale: list: %w", err)
	}
	return rows, nil
}

// saleState is what an owner is built from: the row and every viewer's live units.
type saleState struct {
	row    saleRow
	bought map[int64]int64
}

type buyerRow struct {
	ViewerID int64 `db:"viewer_id"`
	Quantity int64 `db:"quantity"`
}

// loadState reads a sale's state consistently: inside a write transaction whose first
// statement takes the sale's row lock (a no-op update), so no release or claim can
// commit between reading the row (with its version) and reading the buyers.
func loadState(ctx context.Context, store *db.DB, id int64) (saleState, error) {
	st := saleState{bought: map[int64]int64{}}
	err := store.Tx(ctx, func(tx *db.Tx) error {
		err := tx.WriteGetContext(ctx, &st.row, `UPDATE flash_sales SET version = version WHERE id = ? RETURNING `+saleCols, id)
		if db.IsNoRows(err) {
			return notFound(id)
		} else if err != nil {
			return fmt.Errorf("flashsale: load %d: %w", id, err)
		}
		var rows []buyerRow
		if err := tx.SelectContext(ctx, &rows, `SELECT viewer_id, quantity FROM flash_sale_buyers WHERE sale_id = ? AND quantity > 0`,
			id); err != nil {
			return fmt.Errorf("flashsale: load buyers of %d: %w", id, err)
		}
		for _, b := range rows {
			st.bought[b.ViewerID] = b.Quantity
		}
		return nil
	})
	return st, err
}

// myQuantity is the units a viewer holds in live orders of a sale.
func myQuantity(ctx context.Context, q db.Querier, saleID, viewerID int64) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT quantity FROM flash_sale_buyers WHERE sale_id = ? AND viewer_id = ?`, saleID, viewerID)
	if db.IsNoRows(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("flashsale: quantity: %w", err)
	}
	return n, nil
}

// waitlistPosition is the viewer's place in line (1 = next), 0 when not waiting.
func waitlistPosition(ctx context.Context, q db.Querier, saleID, viewerID int64) (int64, error) {
	var mine int64
	err := q.GetContext(ctx, &mine, `SELECT id FROM flash_sale_waitlist WHERE sale_id = ? AND viewer_id = ?`, saleID, viewerID)
	if db.IsNoRows(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("flashsale: waitlist: %w", err)
	}
	var pos int64
	if err := q.GetContext(ctx, &pos, `SELECT COUNT(*) FROM flash_sale_waitlist WHERE sale_id = ? AND id <= ?`, saleID, mine); err != nil {
		return 0, fmt.Errorf("flashsale: waitlist: %w", err)
	}
	return pos, nil
}

// addBuyer books qty more units for a viewer; the CHECK refuses going over the limit.
func addBuyer(ctx context.Context, tx *db.Tx, saleID, tenantID, viewerID, qty, limit int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO flash_sale_buyers (sale_id, viewer_id, tenant_id, quantity, max_quantity)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (sale_id, viewer_id) DO UPDATE SET quantity = flash_sale_buyers.quantity + excluded.quantity`,
		saleID, viewerID, tenantID, qty, limit)
	if err != nil {
		return fmt.Errorf("flashsale: book buyer: %w", err)
	}
	return nil
}
