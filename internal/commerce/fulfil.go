package commerce

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// ShipInput is the body of POST /api/v1/orders/{id}/ship.
type ShipInput struct {
	Carrier    string `json:"carrier"`     // 顺丰, 中通, …
	TrackingNo string `json:"tracking_no"` // the waybill number
}

// RefundInput is the optional body of POST /api/v1/orders/{id}/refund.
type RefundInput struct {
	Reason string `json:"reason,omitempty"`
}

var trackingRe = regexp.MustCompile(`^[A-Za-z0-9-]{4,40}$`)

func orderTarget(id int64) string { return fmt.Sprintf("order:%d", id) }

// staffMove runs one staff transition of order id in a transaction with its audit
// entry and webhook. Fulfilment (ship, complete) needs orders.view, the permission
// of the people who handle orders; refunds move money and need products.manage.
func (s *Service) staffMove(ctx context.Context, p org.Principal, id int64, perm org.Permission,
	fn func(tx *db.Tx, o Order) (Order, error), action, event, detail string) (Order, error) {
	if !p.Can(perm) {
		return Order{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this to orders (needs %s)", perm)
	}
	var out Order
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, p.TenantID, 0, id)
		if err != nil {
			return err
		}
		if out, err = fn(tx, o); err != nil {
			return err
		}
		if event != "" {
			if err := s.event(ctx, tx, p.TenantID, event, out); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, p, action, orderTarget(id), detail)
	})
	return out, err
}

// Ship marks a paid order shipped with the carrier and waybill number.
func (s *Service) Ship(ctx context.Context, p org.Principal, id int64, in ShipInput) (Order, error) {
	carrier, err := checkText("carrier", in.Carrier, 1, 30)
	if err != nil {
		return Order{}, err
	}
	if !trackingRe.MatchString(in.TrackingNo) {
		return Order{}, siyu.Invalid("tracking_no", "tracking_no must be 4–40 letters, digits or dashes")
	}
	return s.staffMove(ctx, p, id, org.PermOrdersManage, func(tx *db.Tx, o Order) (Order, error) {
		if o.Status == StatusPaid && o.NeedsAddress && o.Address == nil {
			return o, siyu.Errorf(siyu.ECONFLICT, "order %d has no delivery address yet", id)
		}
		return s.move(ctx, tx, o, StatusShipped, set{"carrier", carrier}, set{"tracking_no", in.TrackingNo})
	}, "order.ship", EventOrderShipped, carrier+" "+in.TrackingNo)
}

// Complete marks a shipped order completed (received by the buyer).
func (s *Service) Complete(ctx context.Context, p org.Principal, id int64) (Order, error) {
	return s.staffMove(ctx, p, id, org.PermOrdersManage, func(tx *db.Tx, o Order) (Order, error) {
		return s.move(ctx, tx, o, StatusCompleted)
	}, "order.complete", EventOrderCompleted, "")
}

// Refund returns the whole amount of a paid, unshipped order: the provider refunds
// first (adapters make it idempotent per order), then the order moves to refunded
// with its stock back and the source's release hooks, in one transaction.
func (s *Service) Refund(ctx context.Context, p org.Principal, id int64, in RefundInput) (Order, error) {
	reason, err := checkText("reason", in.Reason, 0, 200)
	if err != nil {
		return Order{}, err
	}
	if !p.Can(org.PermOrdersManage) {
		return Order{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not refund orders (needs %s)", org.PermOrdersManage)
	}
	o, err := getOrder(ctx, s.store, p.TenantID, 0, id)
	if err != nil {
		return o, err
	}
	if !CanTransition(o.Status, StatusRefunded) {
		return o, transitionError(o.ID, o.Status, StatusRefunded)
	}
	pays, err := listPayments(ctx, s.store, p.TenantID, id)
	if err != nil {
		return o, err
	}
	for _, pay := range pays {
		if pay.Status != PaymentSucceeded {
			continue
		}
		if r, ok := s.providers[pay.Provider].(Refunder); ok {
			if err := r.Refund(ctx, RefundRequest{TenantID: p.TenantID, OrderID: id, ProviderRef: pay.ProviderRef,
				AmountFen: pay.Amount, Reason: reason}); err != nil {
				return o, fmt.Errorf("commerce: %s refund of order %d: %w", pay.Provider, id, err)
			}
		}
	}
	// release publishes order.refunded itself, so staffMove publishes nothing more.
	return s.staffMove(ctx, p, id, org.PermOrdersManage, func(tx *db.Tx, o Order) (Order, error) {
		after, err := s.release(ctx, tx, o, StatusRefunded, set{"refund_reason", reason})
		if err != nil {
			return after, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE payments SET status = ?, updated_at = ? WHERE tenant_id = ? AND order_id = ? AND status = ?`,
			PaymentRefunded, s.now().UnixMilli(), p.TenantID, id, PaymentSucceeded)
		return after, err
	}, "order.refund", "", reason)
}

// expireJob is the durable timer of one unpaid order.
func (s *Service) expireJob(ctx context.Context, job jobs.Job) error {
	var pl expirePayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil || pl.OrderID <= 0 {
		return jobs.Permanent(fmt.Errorf("commerce: bad expiry payload %s", job.Payload))
	}
	return s.expire(ctx, job.TenantID, pl.OrderID)
}

// expire cancels an order that is still unpaid and returns its stock. Run twice, or
// after the order was paid or cancelled, it does nothing: the compare-and-set on the
// status lets exactly one caller release an order.
func (s *Service) expire(ctx context.Context, tenantID, orderID int64) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, 0, orderID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if o.Status != StatusCreated {
			return nil
		}
		// A payment racing this expiry makes release fail with a conflict; the job
		// then retries and finds the order paid.
		_, err = s.release(ctx, tx, o, StatusCancelled, set{"cancel_reason", CancelExpired})
		return err
	})
}
