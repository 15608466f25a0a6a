package commerce

import (
	"context"
	"fmt"
	"slices"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// PlaceOrder is a viewer buying from a session's showcase: every product must be in
// that session's showcase, and the session must belong to the viewer's brand.
func (s *Service) PlaceOrder(ctx context.Context, b Buyer, sessionID int64, in OrderInput) (Order, error) {
	no := NewOrder{TenantID: b.TenantID, SessionID: sessionID, ViewerID: b.ViewerID, Address: in.Address,
		Source: SourceShowcase, CouponClaimID: in.CouponClaimID}
	for _, l := range in.Lines {
		no.Lines = append(no.Lines, NewLine{ProductID: l.ProductID, SKUID: l.SKUID, Quantity: l.Quantity})
	}
	if err := no.check(); err != nil {
		return Order{}, err
	}
	var out Order
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, b.TenantID, sessionID); err != nil {
			return err
		}
		var inShowcase []int64
		if err := tx.SelectContext(ctx, &inShowcase, `SELECT product_id FROM showcase_items WHERE tenant_id = ? AND session_id = ?`,
			b.TenantID, sessionID); err != nil {
			return fmt.Errorf("commerce: showcase: %w", err)
		}
		for i, l := range no.Lines {
			if !slices.Contains(inShowcase, l.ProductID) {
				return &siyu.Error{Code: siyu.ENOTFOUND, Field: fmt.Sprintf("lines[%d].product_id", i),
					Message: fmt.Sprintf("product %d is not in this session's showcase", l.ProductID)}
			}
		}
		var err error
		out, err = s.CreateOrderTx(ctx, tx, no)
		return err
	})
	return out, err
}

// ViewerOrders lists the calling viewer's orders, newest first.
func (s *Service) ViewerOrders(ctx context.Context, b Buyer, before int64, limit int) ([]Order, string, error) {
	return s.listOrders(ctx, b.TenantID, OrderFilter{ViewerID: b.ViewerID}, before, limit)
}

// ViewerOrder returns one of the calling viewer's orders with its payment attempts;
// anyone else's order is not found.
func (s *Service) ViewerOrder(ctx context.Context, b Buyer, id int64) (Order, error) {
	o, err := getOrder(ctx, s.store, b.TenantID, b.ViewerID, id)
	if err != nil {
		return o, err
	}
	o.Payments, err = listPayments(ctx, s.store, b.TenantID, id)
	return o, err
}

// CancelOrder is the buyer cancelling an unpaid order; its stock comes back.
func (s *Service) CancelOrder(ctx context.Context, b Buyer, id int64) (Order, error) {
	var out Order
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, b.TenantID, b.ViewerID, id)
		if err != nil {
			return err
		}
		out, err = s.release(ctx, tx, o, StatusCancelled, set{"cancel_reason", CancelByBuyer})
		return err
	})
	return out, err
}

// SetAddress sets or changes the delivery address while the order is not yet
// shipped. Errors name the field (phone, detail, …).
func (s *Service) SetAddress(ctx context.Context, b Buyer, id int64, a Address) (Order, error) {
	a, err := a.normalize("")
	if err != nil {
		return Order{}, err
	}
	var out Order
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, b.TenantID, b.ViewerID, id)
		if err != nil {
			return err
		}
		if o.Status != StatusCreated && o.Status != StatusPaid {
			return siyu.Errorf(siyu.ECONFLICT, "order %d is %s; the address can change only before shipping", id, o.Status)
		}
		res, err := tx.ExecContext(ctx, `UPDATE orders SET address = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			encodeJSON(a), s.now().UnixMilli(), b.TenantID, id, o.Status)
		if err != nil {
			return fmt.Errorf("commerce: set address: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "order %d changed meanwhile; reload it", id)
		}
		out, err = getOrder(ctx, tx, b.TenantID, 0, id)
		return err
	})
	return out, err
}

// release cancels or refunds o in tx: the transition, the stock back (unless the
// caller holds it), the sold count down for a paid order, the coupon back for a
// cancelled (or expired) one, the source's release hooks and the webhook, all or
// nothing. A refund keeps the coupon used: it was spent on a purchase that happened,
// and handing it back would let a buyer pay, refund and reuse it past its quantity.
func (s *Service) release(ctx context.Context, tx *db.Tx, o Order, to string, extra ...set) (Order, error) {
	wasPaid := o.Status == StatusPaid
	after, err := s.move(ctx, tx, o, to, extra...)
	if err != nil {
		return after, err
	}
	for _, l := range after.Lines {
		var stockBack, soldBack int64
		if !after.StockHeld {
			stockBack = l.Quantity
		}
		if wasPaid {
			soldBack = l.Quantity
		}
		if stockBack == 0 && soldBack == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock + ?, sold = sold - ? WHERE tenant_id = ? AND id = ?`,
			stockBack, soldBack, o.TenantID, l.SKUID); err != nil {
			return after, fmt.Errorf("commerce: return stock of order %d: %w", o.ID, err)
		}
	}
	if to == StatusCancelled && s.queue != nil {
		if err := s.queue.Cancel(ctx, tx, expireKey(o.ID)); err != nil {
			return after, err
		}
	}
	if to == StatusCancelled {
		if err := s.restoreCoupon(ctx, tx, after); err != nil {
			return after, err
		}
	}
	if err := s.runHooks(ctx, tx, s.onRelease, after); err != nil {
		return after, err
	}
	typ := EventOrderCancelled
	if to == StatusRefunded {
		typ = EventOrderRefunded
	}
	return after, s.event(ctx, tx, o.TenantID, typ, after)
}

// OrderFilter narrows a staff order list; zero fields do not filter.
type OrderFilter struct {
	Status    string
	SessionID int64
	ViewerID  int64
	Source    string
}

// Orders lists the tenant's orders for staff, newest first.
func (s *Service) Orders(ctx context.Context, p org.Principal, f OrderFilter, before int64, limit int) ([]Order, string, error) {
	if !p.Can(org.PermOrdersView) {
		return nil, "", siyu.Errorf(siyu.EFORBIDDEN, "your role may not see orders")
	}
	return s.listOrders(ctx, p.TenantID, f, before, limit)
}

// Order returns one order of the tenant with its payment attempts, for staff.
func (s *Service) Order(ctx context.Context, p org.Principal, id int64) (Order, error) {
	if !p.Can(org.PermOrdersView) {
		return Order{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not see orders")
	}
	o, err := getOrder(ctx, s.store, p.TenantID, 0, id)
	if err != nil {
		return o, err
	}
	o.Payments, err = listPayments(ctx, s.store, p.TenantID, id)
	return o, err
}

func (s *Service) listOrders(ctx context.Context, tenantID int64, f OrderFilter, before int64, limit int) ([]Order, string, error) {
	q := `SELECT ` + orderCols + orderFrom + ` WHERE o.tenant_id = ?`
	args := []any{tenantID}
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			return nil, "", siyu.Invalid("status", "status must be one of created, paid, shipped, completed, cancelled, refunded")
		}
		q, args = q+` AND o.status = ?`, append(args, f.Status)
	}
	if f.SessionID > 0 {
		q, args = q+` AND o.session_id = ?`, append(args, f.SessionID)
	}
	if f.ViewerID > 0 {
		q, args = q+` AND o.viewer_id = ?`, append(args, f.ViewerID)
	}
	if f.Source != "" {
		q, args = q+` AND o.source = ?`, append(args, f.Source)
	}
	if before > 0 {
		q, args = q+` AND o.id < ?`, append(args, before)
	}
	var rows []orderRow
	if err := s.store.SelectContext(ctx, &rows, q+fmt.Sprintf(` ORDER BY o.id DESC LIMIT %d`, limit), args...); err != nil {
		return nil, "", fmt.Errorf("commerce: list orders: %w", err)
	}
	out, err := loadOrders(ctx, s.store, tenantID, rows)
	next := ""
	if limit > 0 && len(rows) == limit {
		next = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, next, err
}
