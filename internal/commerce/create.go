package commerce

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// ErrSoldOut is the code of an order refused for lack of stock (409, like the flash
// sale's sold_out in CONTRACT.md).
const ErrSoldOut = "sold_out"

// pricedLine is a line resolved against its product and SKU.
type pricedLine struct {
	NewLine
	product Product
	sku     SKU
}

// CreateOrderTx creates an order inside the caller's transaction: it resolves lines
// against products and SKUs (snapshotting name and unit price), reserves stock unless
// in.StockHeld, schedules the expiry job and queues order.created, all in tx, so the
// caller's own bookkeeping (a flash sale's counter) commits or rolls back with it.
// With in.CouponClaimID the coupon is redeemed in tx too (see CouponRedeemer).
// Validation errors name the field (lines[0].quantity); lack of stock is sold_out.
func (s *Service) CreateOrderTx(ctx context.Context, tx *db.Tx, in NewOrder) (Order, error) {
	return s.createOrder(ctx, tx, in, &lookups{})
}

// CreateOrdersTx creates several orders in the caller's transaction, reading each
// product and each tenant's settings once: a flash sale's group commit persists a
// batch of buyers with it. It is all or nothing like the transaction it runs in, so
// callers validate first (held stock cannot run out; an archived product can) and
// fall back to CreateOrderTx one by one when a batch fails.
func (s *Service) CreateOrdersTx(ctx context.Context, tx *db.Tx, ins []NewOrder) ([]Order, error) {
	cache := &lookups{}
	out := make([]Order, 0, len(ins))
	for i, in := range ins {
		o, err := s.createOrder(ctx, tx, in, cache)
		if err != nil {
			return nil, fmt.Errorf("commerce: order %d of the batch: %w", i, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// lookups caches what a batch of orders reads repeatedly, within one transaction.
type lookups struct {
	products map[int64]Product
	settings map[int64]time.Duration
}

func (l *lookups) product(ctx context.Context, tx *db.Tx, tenantID, id int64) (Product, error) {
	if p, ok := l.products[id]; ok {
		return p, nil
	}
	p, err := getProduct(ctx, tx, tenantID, id)
	if err == nil {
		if l.products == nil {
			l.products = map[int64]Product{}
		}
		l.products[id] = p
	}
	return p, err
}

func (l *lookups) expiry(ctx context.Context, tx *db.Tx, tenantID int64) (time.Duration, error) {
	if d, ok := l.settings[tenantID]; ok {
		return d, nil
	}
	st, err := settings(ctx, tx, tenantID)
	if err != nil {
		return 0, err
	}
	if l.settings == nil {
		l.settings = map[int64]time.Duration{}
	}
	d := time.Duration(st.OrderExpiryMinutes) * time.Minute
	l.settings[tenantID] = d
	return d, nil
}

func (s *Service) createOrder(ctx context.Context, tx *db.Tx, in NewOrder, cache *lookups) (Order, error) {
	if err := in.check(); err != nil {
		return Order{}, err
	}
	if in.Address != nil {
		a, err := in.Address.normalize("address.")
		if err != nil {
			return Order{}, err
		}
		in.Address = &a
	}
	if in.SessionID > 0 {
		if err := checkSession(ctx, tx, in.TenantID, in.SessionID); err != nil {
			return Order{}, err
		}
	}
	lines, err := resolveLines(ctx, tx, cache, in.TenantID, in.Lines)
	if err != nil {
		return Order{}, err
	}
	if !in.StockHeld {
		if err := reserve(ctx, tx, in.TenantID, lines); err != nil {
			return Order{}, err
		}
	}
	var subtotal int64
	needsAddress := false
	for _, l := range lines {
		subtotal += l.Price * l.Quantity
		needsAddress = needsAddress || !l.product.Virtual
	}
	expiry := in.ExpiresAfter
	if expiry == 0 {
		if expiry, err = cache.expiry(ctx, tx, in.TenantID); err != nil {
			return Order{}, err
		}
	}
	now := s.now()
	address := ""
	if in.Address != nil {
		address = encodeJSON(in.Address)
	}
	id, err := db.Insert(ctx, tx, `INSERT INTO orders (tenant_id, session_id, viewer_id, status, subtotal_fen, total_fen,
		needs_address, address, source, source_id, stock_held, expires_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.TenantID, in.SessionID, in.ViewerID, StatusCreated, subtotal, subtotal, boolInt(needsAddress), address, in.Source,
		in.SourceID, boolInt(in.StockHeld), now.Add(expiry).UnixMilli(), now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return Order{}, fmt.Errorf("commerce: insert order: %w", err)
	}
	for _, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (tenant_id, order_id, product_id, sku_id, name, sku_name, image,
			unit_price_fen, quantity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.TenantID, id, l.ProductID, l.SKUID, l.product.Name,
			l.sku.Name, l.product.image(), l.Price, l.Quantity); err != nil {
			return Order{}, fmt.Errorf("commerce: insert order line: %w", err)
		}
	}
	if in.CouponClaimID > 0 {
		if err := s.redeemCoupon(ctx, tx, in, id, subtotal, lines); err != nil {
			return Order{}, err
		}
	}
	if err := s.scheduleExpiry(ctx, tx, in.TenantID, id, now.Add(expiry)); err != nil {
		return Order{}, err
	}
	o, err := getOrder(ctx, tx, in.TenantID, 0, id)
	if err != nil {
		return Order{}, err
	}
	if err := s.runCreated(ctx, tx, o); err != nil {
		return Order{}, err
	}
	return o, s.event(ctx, tx, in.TenantID, EventOrderCreated, o)
}

// resolveLines loads each line's product and SKU and fixes its unit price.
func resolveLines(ctx context.Context, tx *db.Tx, cache *lookups, tenantID int64, in []NewLine) ([]pricedLine, error) {
	out := make([]pricedLine, 0, len(in))
	seen := map[int64]bool{}
	for i, l := range in {
		field := fmt.Sprintf("lines[%d]", i)
		p, err := cache.product(ctx, tx, tenantID, l.ProductID)
		if err != nil {
			return nil, err
		}
		if p.Status != ProductActive {
			return nil, siyu.Errorf(siyu.ECONFLICT, "%s is no longer sold", p.Name)
		}
		var sku *SKU
		switch {
		case l.SKUID == 0 && len(p.SKUs) == 1:
			sku = &p.SKUs[0]
		case l.SKUID == 0:
			return nil, siyu.Invalid(field+".sku_id", "%s.sku_id is required: %s comes in %d variants", field, p.Name, len(p.SKUs))
		default:
			for j := range p.SKUs {
				if p.SKUs[j].ID == l.SKUID {
					sku = &p.SKUs[j]
				}
			}
		}
		if sku == nil {
			return nil, siyu.Invalid(field+".sku_id", "%s.sku_id %d is not a variant of %s", field, l.SKUID, p.Name)
		}
		if seen[sku.ID] {
			return nil, siyu.Invalid(field+".sku_id", "%s (%s) is listed twice; use one line with a larger quantity", p.Name, sku.Name)
		}
		seen[sku.ID] = true
		l.SKUID = sku.ID
		if l.Price == 0 {
			l.Price = sku.Price
		}
		out = append(out, pricedLine{NewLine: l, product: p, sku: *sku})
	}
	return out, nil
}

// reserve takes each line's quantity from its SKU's stock with a guarded decrement,
// in SKU-id order so two multi-line orders never lock rows in opposite orders.
func reserve(ctx context.Context, tx *db.Tx, tenantID int64, lines []pricedLine) error {
	sorted := append([]pricedLine(nil), lines...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].SKUID < sorted[j].SKUID })
	for _, l := range sorted {
		res, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock - ? WHERE tenant_id = ? AND id = ? AND stock >= ?`,
			l.Quantity, tenantID, l.SKUID, l.Quantity)
		if err != nil {
			return fmt.Errorf("commerce: reserve stock: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var left int64
			_ = tx.GetContext(ctx, &left, `SELECT stock FROM product_skus WHERE tenant_id = ? AND id = ?`, tenantID, l.SKUID)
			if left == 0 {
				return siyu.Errorf(ErrSoldOut, "%s (%s) is sold out", l.product.Name, l.sku.Name)
			}
			return siyu.Errorf(ErrSoldOut, "only %d left of %s (%s)", left, l.product.Name, l.sku.Name)
		}
	}
	return nil
}

// ExpireJobKind is the jobs kind that cancels one unpaid order when it expires.
const ExpireJobKind = "commerce.order_expire"

type expirePayload struct {
	OrderID int64 `json:"order_id"`
}

func expireKey(orderID int64) string { return fmt.Sprintf("commerce.expire:%d", orderID) }

func (s *Service) scheduleExpiry(ctx context.Context, tx *db.Tx, tenantID, orderID int64, at time.Time) error {
	if s.queue == nil {
		return nil
	}
	payload, _ := json.Marshal(expirePayload{OrderID: orderID})
	if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: tenantID, Kind: ExpireJobKind, Payload: payload, RunAt: at,
		UniqueKey: expireKey(orderID)}); err != nil {
		return fmt.Errorf("commerce: schedule expiry of order %d: %w", orderID, err)
	}
	return nil
}
