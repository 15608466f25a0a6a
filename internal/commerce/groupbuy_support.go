package commerce

import (
	"context"
	"fmt"
	"slices"

	"github.com/siyu-live/siyu/internal/db"
)

// What the in-room tools that settle orders themselves (group buy, assist) need from
// commerce beyond CreateOrderTx and the hooks: read, lock, cancel and refund an order
// without a staff principal, because a failed group is settled by a job, not a person.

// CancelGroupFailed is the cancel reason of an unpaid order whose group buy failed.
const CancelGroupFailed = "group_failed"

// OrderTx reads one order of a tenant inside the caller's transaction.
func (s *Service) OrderTx(ctx context.Context, tx *db.Tx, tenantID, id int64) (Order, error) {
	return getOrder(ctx, tx, tenantID, 0, id)
}

// LockOrdersTx takes the row locks of the given orders (in id order) and then of the
// given SKUs (in id order) in the caller's transaction, with no-op updates that work on
// both engines. Payment and release transitions lock an order, then its SKUs, then
// whatever their hooks touch; a tool settling many orders at once (a failed group)
// takes the same locks in the same order first, so on PostgreSQL the two can only
// queue behind each other, never deadlock. On SQLite (one writer) it costs nothing.
func (s *Service) LockOrdersTx(ctx context.Context, tx *db.Tx, tenantID int64, orderIDs, skuIDs []int64) error {
	orderIDs, skuIDs = slices.Clone(orderIDs), slices.Clone(skuIDs)
	slices.Sort(orderIDs)
	slices.Sort(skuIDs)
	for _, id := range slices.Compact(orderIDs) {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET updated_at = updated_at WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
			return fmt.Errorf("commerce: lock order %d: %w", id, err)
		}
	}
	for _, id := range slices.Compact(skuIDs) {
		if _, err := tx.ExecContext(ctx, `UPDATE product_skus SET stock = stock WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
			return fmt.Errorf("commerce: lock sku %d: %w", id, err)
		}
	}
	return nil
}

// CancelOrderTx cancels an unpaid order inside the caller's transaction with reason
// (e.g. CancelGroupFailed): stock comes back, the expiry job is dropped, the source's
// release hooks run and order.cancelled is queued, all in tx. An order that is no
// longer unpaid gets the usual transition conflict.
func (s *Service) CancelOrderTx(ctx context.Context, tx *db.Tx, tenantID, id int64, reason string) (Order, error) {
	if _, err := checkText("reason", reason, 1, 30); err != nil {
		return Order{}, err
	}
	o, err := getOrder(ctx, tx, tenantID, 0, id)
	if err != nil {
		return o, err
	}
	return s.release(ctx, tx, o, StatusCancelled, set{"cancel_reason", reason})
}

// RefundOrder returns the whole amount of a paid order on behalf of an in-room tool,
// like Refund does for staff: the provider refunds first (Refunder adapters are
// idempotent per order), then one transaction moves the order to refunded with its
// stock back, the release hooks and order.refunded. It is idempotent: an order that
// is already refunded is returned as it is, so a retried job does no harm. An order
// that is neither paid nor refunded (shipped, cancelled) is a conflict no retry fixes.
func (s *Service) RefundOrder(ctx context.Context, tenantID, id int64, reason string) (Order, error) {
	reason, err := checkText("reason", reason, 0, 200)
	if err != nil {
		return Order{}, err
	}
	o, err := getOrder(ctx, s.store, tenantID, 0, id)
	if err != nil || o.Status == StatusRefunded {
		return o, err
	}
	if o.Status != StatusPaid {
		return o, transitionError(o.ID, o.Status, StatusRefunded)
	}
	pays, err := listPayments(ctx, s.store, tenantID, id)
	if err != nil {
		return o, err
	}
	for _, pay := range pays {
		if pay.Status != PaymentSucceeded {
			continue
		}
		if r, ok := s.providers[pay.Provider].(Refunder); ok {
			if err := r.Refund(ctx, RefundRequest{TenantID: tenantID, OrderID: id, ProviderRef: pay.ProviderRef,
				AmountFen: pay.Amount, Reason: reason}); err != nil {
				return o, fmt.Errorf("commerce: %s refund of order %d: %w", pay.Provider, id, err)
			}
		}
	}
	var out Order
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getOrder(ctx, tx, tenantID, 0, id)
		if err != nil {
			return err
		}
		if cur.Status == StatusRefunded {
			out = cur
			return nil
		}
		if out, err = s.release(ctx, tx, cur, StatusRefunded, set{"refund_reason", reason}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE payments SET status = ?, updated_at = ? WHERE tenant_id = ? AND order_id = ? AND status = ?`,
			PaymentRefunded, s.now().UnixMilli(), tenantID, id, PaymentSucceeded)
		return err
	})
	return out, err
}
