package groupbuy

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Job kinds of the group buy.
const (
	// DeadlineJobKind settles one group at its deadline (unique per group).
	DeadlineJobKind = "groupbuy.deadline"
	// RefundJobKind refunds one paid order of a failed group (unique per order).
	RefundJobKind = "groupbuy.refund"
)

// refundAttempts is how often a refund is retried: with the queue's backoff capped at
// an hour this keeps trying for about six weeks, long enough for any provider outage
// to be noticed and fixed, so no member of a failed group is left unrefunded.
const refundAttempts = 1000

// RefundReason is the refund reason recorded on orders of a failed group.
const RefundReason = "拼团未成团，自动退款 (group buy failed)"

func deadlineKey(groupID int64) string { return DeadlineJobKind + ":" + strconv.FormatInt(groupID, 10) }
func refundKey(orderID int64) string   { return RefundJobKind + ":" + strconv.FormatInt(orderID, 10) }

type groupPayload struct {
	GroupID int64 `json:"group_id"`
}

type refundPayload struct {
	GroupID int64 `json:"group_id"`
	OrderID int64 `json:"order_id"`
}

func (s *Service) deadlineJob(ctx context.Context, job jobs.Job) error {
	var pl groupPayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil || pl.GroupID <= 0 {
		return jobs.Permanent(fmt.Errorf("groupbuy: bad deadline payload %s", job.Payload))
	}
	return s.settle(ctx, job.TenantID, pl.GroupID)
}

// settle fails a group still forming at its deadline, in one transaction: the group
// becomes failed, every unpaid order is cancelled (stock back), one refund job per
// paid order is queued, and group_buy.failed goes out. A group that succeeded or was
// settled already is left alone, so a re-run does nothing.
func (s *Service) settle(ctx context.Context, tenantID, groupID int64) error {
	g, err := getGroup(ctx, s.store, tenantID, groupID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if g.Status != GroupForming {
		return nil
	}
	if left := offer.Time(g.ExpiresAt).Sub(s.now()); left > 0 {
		return jobs.RetryAfter(fmt.Errorf("groupbuy: group %d is not due yet", groupID), left)
	}
	off, err := getOffer(ctx, s.store, tenantID, g.GroupBuyID)
	if err != nil {
		return err
	}
	before, err := membersOf(ctx, s.store, tenantID, []int64{groupID})
	if err != nil {
		return err
	}
	var orderIDs []int64
	for _, m := range before {
		if m.LeftAt == 0 {
			orderIDs = append(orderIDs, m.OrderID)
		}
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		// Orders, then stock, then the group: the order payments and releases lock in.
		if err := s.commerce.LockOrdersTx(ctx, tx, tenantID, orderIDs, []int64{off.SKUID}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE group_buy_groups SET status = ?, finished_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			GroupFailed, s.now().UnixMilli(), tenantID, groupID, GroupForming)
		if err != nil {
			return fmt.Errorf("groupbuy: fail group %d: %w", groupID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // succeeded meanwhile
		}
		members, err := membersOf(ctx, tx, tenantID, []int64{groupID})
		if err != nil {
			return err
		}
		out := Outcome{OrderIDs: []int64{}, RefundOrderIDs: []int64{}, CancelOrderIDs: []int64{}, SessionID: g.SessionID,
			ProductName: off.ProductName}
		for _, m := range members {
			if m.LeftAt != 0 {
				continue
			}
			out.OrderIDs = append(out.OrderIDs, m.OrderID)
			o, err := s.commerce.OrderTx(ctx, tx, tenantID, m.OrderID)
			if err != nil {
				return err
			}
			switch o.Status {
			case commerce.StatusCreated:
				if _, err := s.commerce.CancelOrderTx(ctx, tx, tenantID, o.ID, commerce.CancelGroupFailed); err != nil {
					return err
				}
				out.CancelOrderIDs = append(out.CancelOrderIDs, o.ID)
			case commerce.StatusPaid:
				if err := s.scheduleRefund(ctx, tx, tenantID, groupID, o.ID); err != nil {
					return err
				}
				out.RefundOrderIDs = append(out.RefundOrderIDs, o.ID)
			default:
				s.log.Warn("order of a failed group is neither unpaid nor paid; settle it by hand",
					"group", groupID, "order", o.ID, "status", o.Status)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_buy_members SET forming = 0 WHERE tenant_id = ? AND group_id = ?`, tenantID, groupID); err != nil {
			return fmt.Errorf("groupbuy: fail group %d: %w", groupID, err)
		}
		view, _, _, err := groupView(ctx, tx, tenantID, groupID)
		if err != nil {
			return err
		}
		out.Group = view
		if err := offer.Publish(ctx, s.events, tx, tenantID, EventFailed, out); err != nil {
			return err
		}
		s.tellGroup(tx, g.SessionID, view)
		return nil
	})
}

// scheduleRefund queues the refund of one paid order of a failed group, due now.
func (s *Service) scheduleRefund(ctx context.Context, tx *db.Tx, tenantID, groupID, orderID int64) error {
	if s.queue == nil {
		return fmt.Errorf("groupbuy: no job queue to refund order %d", orderID)
	}
	payload, _ := json.Marshal(refundPayload{GroupID: groupID, OrderID: orderID})
	if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: tenantID, Kind: RefundJobKind, Payload: payload,
		MaxAttempts: refundAttempts, UniqueKey: refundKey(orderID)}); err != nil {
		return fmt.Errorf("groupbuy: queue refund of order %d: %w", orderID, err)
	}
	return nil
}

// refundJob refunds one paid order of a failed group through commerce (provider
// first, then the order, stock and webhook in one transaction). Provider or database
// trouble retries; an order that can no longer be refunded (staff shipped it) is
// logged for a person and not retried.
func (s *Service) refundJob(ctx context.Context, job jobs.Job) error {
	var pl refundPayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil || pl.OrderID <= 0 {
		return jobs.Permanent(fmt.Errorf("groupbuy: bad refund payload %s", job.Payload))
	}
	_, err := s.commerce.RefundOrder(ctx, job.TenantID, pl.OrderID, RefundReason)
	switch siyu.ErrorCode(err) {
	case "", siyu.EINTERNAL:
		return err
	case siyu.ENOTFOUND, siyu.ECONFLICT, siyu.EINVALID:
		s.log.Error("order of a failed group cannot be refunded automatically; refund it by hand",
			"group", pl.GroupID, "order", pl.OrderID, "err", err)
		return jobs.Permanent(err)
	}
	return err
}
