package commerce

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type orderRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	SessionID    int64  `db:"session_id"`
	ViewerID     int64  `db:"viewer_id"`
	Nickname     string `db:"nickname"`
	Status       string `db:"status"`
	Total        int64  `db:"total_fen"`
	Subtotal     int64  `db:"subtotal_fen"`
	Discount     int64  `db:"discount_fen"`
	CouponClaim  int64  `db:"coupon_claim_id"`
	NeedsAddress int64  `db:"needs_address"`
	Address      string `db:"address"`
	Source       string `db:"source"`
	SourceID     int64  `db:"source_id"`
	StockHeld    int64  `db:"stock_held"`
	Carrier      string `db:"carrier"`
	TrackingNo   string `db:"tracking_no"`
	CancelReason string `db:"cancel_reason"`
	RefundReason string `db:"refund_reason"`
	ExpiresAt    int64  `db:"expires_at"`
	CreatedAt    int64  `db:"created_at"`
	UpdatedAt    int64  `db:"updated_at"`
	PaidAt       int64  `db:"paid_at"`
	ShippedAt    int64  `db:"shipped_at"`
	CompletedAt  int64  `db:"completed_at"`
	CancelledAt  int64  `db:"cancelled_at"`
	RefundedAt   int64  `db:"refunded_at"`
}

const orderCols = `o.id, o.tenant_id, o.session_id, o.viewer_id, COALESCE(v.nickname, '') AS nickname, o.status, o.total_fen,
	o.subtotal_fen, o.discount_fen, o.coupon_claim_id,
	o.needs_address, o.address, o.source, o.source_id, o.stock_held, o.carrier, o.tracking_no, o.cancel_reason,
	o.refund_reason, o.expires_at, o.created_at, o.updated_at, o.paid_at, o.shipped_at, o.completed_at,
	o.cancelled_at, o.refunded_at`

const orderFrom = ` FROM orders o LEFT JOIN viewers v ON v.id = o.viewer_id`

type lineRow struct {
	OrderID   int64  `db:"order_id"`
	ProductID int64  `db:"product_id"`
	SKUID     int64  `db:"sku_id"`
	Name      string `db:"name"`
	SKUName   string `db:"sku_name"`
	Image     string `db:"image"`
	Price     int64  `db:"unit_price_fen"`
	Quantity  int64  `db:"quantity"`
}

func (r orderRow) order(lines []lineRow) Order {
	o := Order{ID: r.ID, TenantID: r.TenantID, SessionID: r.SessionID, ViewerID: r.ViewerID, BuyerNickname: r.Nickname,
		Status: r.Status, Subtotal: r.Subtotal, Discount: r.Discount, Total: r.Total, CouponClaimID: r.CouponClaim, Lines: []Line{}, NeedsAddress: r.NeedsAddress != 0, Source: r.Source,
		SourceID: r.SourceID, StockHeld: r.StockHeld != 0, Carrier: r.Carrier, TrackingNo: r.TrackingNo,
		CancelReason: r.CancelReason, RefundReason: r.RefundReason, ExpiresAt: msTime(r.ExpiresAt),
		CreatedAt: msTime(r.CreatedAt), UpdatedAt: msTime(r.UpdatedAt), PaidAt: msTime(r.PaidAt),
		ShippedAt: msTime(r.ShippedAt), CompletedAt: msTime(r.CompletedAt), CancelledAt: msTime(r.CancelledAt),
		RefundedAt: msTime(r.RefundedAt)}
	if r.Address != "" {
		var a Address
		if json.Unmarshal([]byte(r.Address), &a) == nil {
			o.Address = &a
		}
	}
	for _, l := range lines {
		if l.OrderID == r.ID {
			o.Lines = append(o.Lines, Line{ProductID: l.ProductID, SKUID: l.SKUID, Name: l.Name, SKUName: l.SKUName,
				Image: l.Image, Price: l.Price, Quantity: l.Quantity, Amount: l.Price * l.Quantity})
		}
	}
	return o
}

// loadOrders returns the orders of rows with their lines, in rows' order.
func loadOrders(ctx context.Context, q db.Querier, tenantID int64, rows []orderRow) ([]Order, error) {
	out := make([]Order, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	for _, r := range rows {
		args = append(args, r.ID)
	}
	var lines []lineRow
	err := q.SelectContext(ctx, &lines, `SELECT order_id, product_id, sku_id, name, sku_name, image, unit_price_fen, quantity
		FROM order_lines WHERE tenant_id = ? AND order_id IN (?`+strings.Repeat(", ?", len(rows)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("commerce: order lines: %w", err)
	}
	for _, r := range rows {
		out = append(out, r.order(lines))
	}
	return out, nil
}

// getOrder loads one order of a tenant; viewerID > 0 also requires that buyer, so a
// viewer asking for someone else's order gets the same not_found as for none.
func getOrder(ctx context.Context, q db.Querier, tenantID, viewerID, id int64) (Order, error) {
	query := `SELECT ` + orderCols + orderFrom + ` WHERE o.tenant_id = ? AND o.id = ?`
	args := []any{tenantID, id}
	if viewerID > 0 {
		query += ` AND o.viewer_id = ?`
		args = append(args, viewerID)
	}
	var r orderRow
	err := q.GetContext(ctx, &r, query, args...)
	if db.IsNoRows(err) {
		return Order{}, siyu.Errorf(siyu.ENOTFOUND, "order %d not found", id)
	} else if err != nil {
		return Order{}, fmt.Errorf("commerce: get order: %w", err)
	}
	os, err := loadOrders(ctx, q, tenantID, []orderRow{r})
	if err != nil {
		return Order{}, err
	}
	return os[0], nil
}

// timeColumn is the timestamp each status sets.
var timeColumn = map[string]string{StatusPaid: "paid_at", StatusShipped: "shipped_at", StatusCompleted: "completed_at",
	StatusCancelled: "cancelled_at", StatusRefunded: "refunded_at"}

// set is one extra column a transition writes (carrier, cancel_reason, …).
type set struct {
	col string
	val any
}

// move performs one transition as a compare-and-set on the status, in tx: only one
// of several racing callers changes the row; the others get the conflict for the
// status the winner left. It returns the order as it is after the move.
func (s *Service) move(ctx context.Context, tx *db.Tx, o Order, to string, extra ...set) (Order, error) {
	if !CanTransition(o.Status, to) {
		return o, transitionError(o.ID, o.Status, to)
	}
	now := s.now().UnixMilli()
	q := `UPDATE orders SET status = ?, ` + timeColumn[to] + ` = ?, updated_at = ?`
	args := []any{to, now, now}
	for _, e := range extra {
		q += `, ` + e.col + ` = ?`
		args = append(args, e.val)
	}
	res, err := tx.ExecContext(ctx, q+` WHERE tenant_id = ? AND id = ? AND status = ?`, append(args, o.TenantID, o.ID, o.Status)...)
	if err != nil {
		return o, fmt.Errorf("commerce: order %d to %s: %w", o.ID, to, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		cur, err := getOrder(ctx, tx, o.TenantID, 0, o.ID)
		if err != nil {
			return o, err
		}
		return cur, transitionError(o.ID, cur.Status, to)
	}
	return getOrder(ctx, tx, o.TenantID, 0, o.ID)
}
