package groupbuy

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// onPaid runs in the transaction that marks a group-buy order paid: the member counts,
// and the N-th payment before the deadline makes the group succeeded (its deadline job
// is cancelled, group_buy.succeeded is queued). A payment after the deadline counts
// but cannot succeed the group: the deadline job fails it and refunds everyone.
func (s *Service) onPaid(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	m, found, err := memberByOrder(ctx, tx, o.TenantID, o.ID)
	if err != nil || !found {
		return err
	}
	// The group row before the member row: the lock order of every group-buy path.
	if _, err := tx.ExecContext(ctx, `UPDATE group_buy_groups SET paid_count = paid_count + 1 WHERE tenant_id = ? AND id = ?`,
		o.TenantID, m.GroupID); err != nil {
		return fmt.Errorf("groupbuy: count payment: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE group_buy_members SET paid = 1 WHERE id = ?`, m.ID); err != nil {
		return fmt.Errorf("groupbuy: mark paid: %w", err)
	}
	g, err := getGroup(ctx, tx, o.TenantID, m.GroupID)
	if err != nil {
		return err
	}
	now := s.now()
	if g.Status == GroupForming && g.PaidCount >= g.Size && now.Before(offer.Time(g.ExpiresAt)) {
		return s.succeed(ctx, tx, g)
	}
	view, _, _, err := groupView(ctx, tx, o.TenantID, g.ID)
	if err != nil {
		return err
	}
	s.tellGroup(tx, g.SessionID, view)
	return nil
}

// succeed marks a full, paid group succeeded in tx.
func (s *Service) succeed(ctx context.Context, tx *db.Tx, g groupRow) error {
	now := s.now().UnixMilli()
	res, err := tx.ExecContext(ctx, `UPDATE group_buy_groups SET status = ?, finished_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
		GroupSucceeded, now, g.TenantID, g.ID, GroupForming)
	if err != nil {
		return fmt.Errorf("groupbuy: succeed group %d: %w", g.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE group_buy_members SET forming = 0 WHERE tenant_id = ? AND group_id = ?`, g.TenantID, g.ID); err != nil {
		return fmt.Errorf("groupbuy: succeed group %d: %w", g.ID, err)
	}
	if s.queue != nil {
		if err := s.queue.Cancel(ctx, tx, deadlineKey(g.ID)); err != nil {
			return err
		}
	}
	view, _, members, err := groupView(ctx, tx, g.TenantID, g.ID)
	if err != nil {
		return err
	}
	out := Outcome{Group: view, OrderIDs: []int64{}, SessionID: g.SessionID}
	for _, m := range members {
		if m.LeftAt == 0 {
			out.OrderIDs = append(out.OrderIDs, m.OrderID)
		}
	}
	off, err := getOffer(ctx, tx, g.TenantID, g.GroupBuyID)
	if err != nil {
		return err
	}
	out.ProductName = off.ProductName
	if err := offer.Publish(ctx, s.events, tx, g.TenantID, EventSucceeded, out); err != nil {
		return err
	}
	s.tellGroup(tx, g.SessionID, view)
	return nil
}

// onRelease runs in the transaction that cancels, expires or refunds a group-buy
// order. While the group is forming the member leaves and the seat is free again (a
// paid member refunded by staff also stops counting). Once the group succeeded or
// failed nothing changes: its members stay as they were when it was settled.
func (s *Service) onRelease(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	m, found, err := memberByOrder(ctx, tx, o.TenantID, o.ID)
	if err != nil || !found || m.LeftAt != 0 {
		return err
	}
	g, err := getGroup(ctx, tx, o.TenantID, m.GroupID)
	if err != nil || g.Status != GroupForming {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE group_buy_groups SET member_count = member_count - 1, paid_count = paid_count - ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, m.Paid, o.TenantID, g.ID, GroupForming); err != nil {
		return fmt.Errorf("groupbuy: free seat: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE group_buy_members SET left_at = ?, forming = 0 WHERE id = ?`, s.now().UnixMilli(), m.ID); err != nil {
		return fmt.Errorf("groupbuy: free seat: %w", err)
	}
	view, _, _, err := groupView(ctx, tx, o.TenantID, g.ID)
	if err != nil {
		return err
	}
	s.tellGroup(tx, g.SessionID, view, m.ViewerID)
	return nil
}
