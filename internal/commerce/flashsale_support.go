package commerce

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// What a flash sale needs from commerce beyond CreateOrdersTx and the hooks: a sale
// holds its units itself, so launching takes them off the SKU's stock and ending
// gives the unsold ones back, each in the sale's own transaction.

// ProductTx reads one product of a tenant with its SKUs inside the caller's
// transaction (not found for another tenant's).
func (s *Service) ProductTx(ctx context.Context, tx *db.Tx, tenantID, id int64) (Product, error) {
	return getProduct(ctx, tx, tenantID, id)
}

// HoldStockTx takes n units off a SKU's stock with a guarded decrement in tx. It
// reports false with the units left when fewer than n are there, changing nothing.
func (s *Service) HoldStockTx(ctx context.Context, tx *db.Tx, tenantID, skuID, n int64) (ok bool, left int64, err error) {
	res, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock - ? WHERE tenant_id = ? AND id = ? AND stock >= ?`,
		n, tenantID, skuID, n)
	if err != nil {
		return false, 0, fmt.Errorf("commerce: hold stock of sku %d: %w", skuID, err)
	}
	if affected, _ := res.RowsAffected(); affected == 1 {
		return true, 0, nil
	}
	if err := tx.GetContext(ctx, &left, `SELECT stock FROM product_skus WHERE tenant_id = ? AND id = ?`, tenantID, skuID); err != nil && !db.IsNoRows(err) {
		return false, 0, fmt.Errorf("commerce: stock of sku %d: %w", skuID, err)
	}
	return false, left, nil
}

// LockSKUTx takes a SKU's row lock in tx with a no-op update (both engines). An
// order's release locks the order, then its SKUs, then runs the hooks; a sale that
// touches its SKU and its own row locks the SKU first too, so the two queue, never
// deadlock, on PostgreSQL.
func (s *Service) LockSKUTx(ctx context.Context, tx *db.Tx, tenantID, skuID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock WHERE tenant_id = ? AND id = ?`, tenantID, skuID); err != nil {
		return fmt.Errorf("commerce: lock sku %d: %w", skuID, err)
	}
	return nil
}

// ReturnStockTx gives n held units back to a SKU's stock in tx.
func (s *Service) ReturnStockTx(ctx context.Context, tx *db.Tx, tenantID, skuID, n int64) error {
	if n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock + ? WHERE tenant_id = ? AND id = ?`, n, tenantID, skuID); err != nil {
		return fmt.Errorf("commerce: return stock to sku %d: %w", skuID, err)
	}
	return nil
}

// The batch insert of CreateHeldOrdersTx per dialect: rows is a JSON array of
// [tenant_id, session_id, viewer_id, total, needs_address, source, source_id,
// expires_at], so the statement text is the same whatever the batch.
const (
	insertHeldOrdersSQLite = `INSERT INTO orders (tenant_id, session_id, viewer_id, status, subtotal_fen, total_fen, needs_address,
		address, source, source_id, stock_held, expires_at, created_at, updated_at)
		SELECT value ->> 0, value ->> 1, value ->> 2, ?, value ->> 3, value ->> 3, value ->> 4, '', value ->> 5, value ->> 6, 1,
		value ->> 7, ?, ? FROM json_each(?) WHERE true RETURNING id, viewer_id, total_fen`
	insertHeldOrdersPostgres = `INSERT INTO orders (tenant_id, session_id, viewer_id, status, subtotal_fen, total_fen, needs_address,
		address, source, source_id, stock_held, expires_at, created_at, updated_at)
		SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, ?, (e ->> 3)::bigint, (e ->> 3)::bigint, (e ->> 4)::bigint,
		'', e ->> 5, (e ->> 6)::bigint, 1, (e ->> 7)::bigint, ?, ? FROM jsonb_array_elements(?::jsonb) AS e RETURNING id, viewer_id, total_fen`
	insertHeldLinesSQLite = `INSERT INTO order_lines (tenant_id, order_id, product_id, sku_id, name, sku_name, image, unit_price_fen, quantity)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8
		FROM json_each(?) WHERE true`
	insertHeldLinesPostgres = `INSERT INTO order_lines (tenant_id, order_id, product_id, sku_id, name, sku_name, image, unit_price_fen, quantity)
		SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, (e ->> 3)::bigint, e ->> 4, e ->> 5, e ->> 6, (e ->> 7)::bigint,
		(e ->> 8)::bigint FROM jsonb_array_elements(?::jsonb) AS e`
)

// CreateHeldOrdersTx is CreateOrdersTx for the hot path of a tool that holds its own
// stock (a flash sale's group commit): every order must have StockHeld set and no
// address or coupon. It gives the same orders, lines, expiry jobs and order.created
// webhooks as CreateOrdersTx, in the caller's transaction and all or nothing, but
// writes the orders and their lines with one statement each for the whole batch and
// reads them back with one: with SQLite, parsing a statement costs more than writing a
// row, and CreateOrdersTx runs several per order. Callers fall back to CreateOrderTx
// one by one when a batch fails.
func (s *Service) CreateHeldOrdersTx(ctx context.Context, tx *db.Tx, ins []NewOrder) ([]Order, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	type held struct {
		lines    []pricedLine
		subtotal int64
		needs    bool
		expires  int64
		id       int64
	}
	cache := &lookups{}
	sessions := map[[2]int64]bool{}
	now := s.now()
	hs := make([]held, len(ins))
	orderRows := make([][8]any, len(ins))
	for i, in := range ins {
		if !in.StockHeld || in.Address != nil || in.CouponClaimID != 0 {
			return nil, fmt.Errorf("commerce: held order %d of the batch needs StockHeld and no address or coupon", i)
		}
		if err := in.check(); err != nil {
			return nil, fmt.Errorf("commerce: order %d of the batch: %w", i, err)
		}
		if k := [2]int64{in.TenantID, in.SessionID}; in.SessionID > 0 && !sessions[k] {
			if err := checkSession(ctx, tx, in.TenantID, in.SessionID); err != nil {
				return nil, err
			}
			sessions[k] = true
		}
		lines, err := resolveLines(ctx, tx, cache, in.TenantID, in.Lines)
		if err != nil {
			return nil, fmt.Errorf("commerce: order %d of the batch: %w", i, err)
		}
		h := held{lines: lines}
		for _, l := range lines {
			h.subtotal += l.Price * l.Quantity
			h.needs = h.needs || !l.product.Virtual
		}
		expiry := in.ExpiresAfter
		if expiry == 0 {
			if expiry, err = cache.expiry(ctx, tx, in.TenantID); err != nil {
				return nil, err
			}
		}
		h.expires = now.Add(expiry).UnixMilli()
		hs[i] = h
		orderRows[i] = [8]any{in.TenantID, in.SessionID, in.ViewerID, h.subtotal, boolInt(h.needs), in.Source, in.SourceID, h.expires}
	}
	insOrders, insLines := insertHeldOrdersSQLite, insertHeldLinesSQLite
	if tx.Dialect() == db.Postgres {
		insOrders, insLines = insertHeldOrdersPostgres, insertHeldLinesPostgres
	}
	var created []struct {
		ID       int64 `db:"id"`
		ViewerID int64 `db:"viewer_id"`
		Total    int64 `db:"total_fen"`
	}
	if err := tx.SelectContext(ctx, &created, insOrders, StatusCreated, now.UnixMilli(), now.UnixMilli(), encodeJSON(orderRows)); err != nil {
		return nil, fmt.Errorf("commerce: insert held orders: %w", err)
	}
	if len(created) != len(ins) {
		return nil, fmt.Errorf("commerce: inserted %d of %d held orders", len(created), len(ins))
	}
	// RETURNING promises no order: match the new ids to the inputs by buyer and total
	// (two inputs alike in both are interchangeable).
	free := map[[2]int64][]int{}
	for i, in := range ins {
		k := [2]int64{in.ViewerID, hs[i].subtotal}
		free[k] = append(free[k], i)
	}
	for _, c := range created {
		k := [2]int64{c.ViewerID, c.Total}
		if len(free[k]) == 0 {
			return nil, fmt.Errorf("commerce: held order %d matches no input", c.ID)
		}
		hs[free[k][0]].id, free[k] = c.ID, free[k][1:]
	}
	var lineRows [][9]any
	for i, in := range ins {
		for _, l := range hs[i].lines {
			lineRows = append(lineRows, [9]any{in.TenantID, hs[i].id, l.ProductID, l.SKUID, l.product.Name, l.sku.Name,
				l.product.image(), l.Price, l.Quantity})
		}
		if err := s.scheduleExpiry(ctx, tx, in.TenantID, hs[i].id, time.UnixMilli(hs[i].expires)); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, insLines, encodeJSON(lineRows)); err != nil {
		return nil, fmt.Errorf("commerce: insert held order lines: %w", err)
	}
	// Read back per tenant in one statement, as getOrder would, for the answers and
	// the order.created webhooks.
	byID := make(map[int64]Order, len(ins))
	tenants := map[int64][]any{}
	for i, in := range ins {
		tenants[in.TenantID] = append(tenants[in.TenantID], hs[i].id)
	}
	for tenantID, ids := range tenants {
		var rows []orderRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+orderCols+orderFrom+` WHERE o.tenant_id = ? AND o.id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`) ORDER BY o.id`, append([]any{tenantID}, ids...)...); err != nil {
			return nil, fmt.Errorf("commerce: read held orders: %w", err)
		}
		os, err := loadOrders(ctx, tx, tenantID, rows)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			byID[o.ID] = o
		}
	}
	out := make([]Order, len(ins))
	for i, in := range ins {
		out[i] = byID[hs[i].id]
		if err := s.event(ctx, tx, in.TenantID, EventOrderCreated, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
