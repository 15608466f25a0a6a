package groupbuy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Start opens a new group of an open offer with the viewer as its leader and first
// member, and creates their unpaid order at the group price. A viewer already in a
// forming group of the offer gets already_in_group; a closed offer group_buy_closed.
func (s *Service) Start(ctx context.Context, v promo.Viewer, offerID int64) (Joined, error) {
	off, err := offers.ViewerGet(ctx, s.store, v, offerID)
	if err != nil {
		return Joined{}, err
	}
	if off.Status != StatusOpen {
		return Joined{}, siyu.Errorf(ErrOfferClosed, "this group buy has ended; no new groups can start")
	}
	now := s.now()
	deadline := now.Add(time.Duration(off.TimeLimitSeconds) * time.Second)
	expiry, err := s.orderExpiry(ctx, v.TenantID, deadline)
	if err != nil {
		return Joined{}, err
	}
	var out Joined
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := refuseSecondSeat(ctx, tx, v, off.ID); err != nil {
			return err
		}
		// Stock first (CreateOrderTx locks the SKU), then the group: the lock order of
		// every group-buy path (see the package comment).
		o, err := s.order(ctx, tx, v, off, expiry)
		if err != nil {
			return err
		}
		gid, err := db.Insert(ctx, tx, `INSERT INTO group_buy_groups (tenant_id, group_buy_id, session_id, leader_viewer_id,
			leader_nickname, size, member_count, status, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			v.TenantID, off.ID, off.SessionID, v.ID, v.Nickname, off.GroupSize, GroupForming, deadline.UnixMilli(), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("groupbuy: start group: %w", err)
		}
		if err := s.seat(ctx, tx, v, off.ID, gid, o.ID); err != nil {
			return err
		}
		if err := s.scheduleDeadline(ctx, tx, v.TenantID, gid, deadline); err != nil {
			return err
		}
		g, _, _, err := groupView(ctx, tx, v.TenantID, gid)
		if err != nil {
			return err
		}
		out = Joined{Group: g, OrderID: o.ID}
		s.tellGroup(tx, off.SessionID, g)
		return nil
	})
	return out, err
}

// Join takes a seat in a forming group of the viewer's session and creates the
// viewer's unpaid order at the group price. The seat is decided by one guarded
// increment, so racing joins never overfill a group: group_full when all seats are
// held, group_closed once the group succeeded, failed or passed its deadline,
// already_in_group when the viewer holds a seat in a forming group of the offer.
func (s *Service) Join(ctx context.Context, v promo.Viewer, groupID int64) (Joined, error) {
	g, err := getGroup(ctx, s.store, v.TenantID, groupID)
	if err == nil && g.SessionID != v.SessionID {
		err = siyu.Errorf(siyu.ENOTFOUND, "group %d not found", groupID)
	}
	if err != nil {
		return Joined{}, err
	}
	off, err := getOffer(ctx, s.store, v.TenantID, g.GroupBuyID)
	if err != nil {
		return Joined{}, err
	}
	if err := refuseSecondSeat(ctx, s.store, v, off.ID); err != nil {
		return Joined{}, err
	}
	if err := joinable(g, s.now()); err != nil {
		return Joined{}, err
	}
	expiry, err := s.orderExpiry(ctx, v.TenantID, offer.Time(g.ExpiresAt))
	if err != nil {
		return Joined{}, err
	}
	var out Joined
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := refuseSecondSeat(ctx, tx, v, off.ID); err != nil {
			return err
		}
		o, err := s.order(ctx, tx, v, off, expiry)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE group_buy_groups SET member_count = member_count + 1 WHERE tenant_id = ? AND id = ?
			AND status = ? AND expires_at > ? AND member_count < size`, v.TenantID, groupID, GroupForming, s.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("groupbuy: join: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := getGroup(ctx, tx, v.TenantID, groupID)
			if err != nil {
				return err
			}
			if err := joinable(cur, s.now()); err != nil {
				return err
			}
			return siyu.Errorf(ErrGroupFull, "this group is full")
		}
		if err := s.seat(ctx, tx, v, off.ID, groupID, o.ID); err != nil {
			return err
		}
		view, _, _, err := groupView(ctx, tx, v.TenantID, groupID)
		if err != nil {
			return err
		}
		out = Joined{Group: view, OrderID: o.ID}
		s.tellGroup(tx, off.SessionID, view)
		return nil
	})
	return out, err
}

// joinable refuses a group that is no longer forming or full.
func joinable(g groupRow, now time.Time) error {
	if g.Status != GroupForming || !now.Before(offer.Time(g.ExpiresAt)) {
		return siyu.Errorf(ErrGroupClosed, "this group is no longer forming (%s)", map[bool]string{true: "time is up", false: g.Status}[g.Status == GroupForming])
	}
	if g.MemberCount >= g.Size {
		return siyu.Errorf(ErrGroupFull, "this group is full")
	}
	return nil
}

// refuseSecondSeat answers already_in_group when the viewer holds a seat in a forming
// group of the offer (the partial unique index backs it up against races).
func refuseSecondSeat(ctx context.Context, q db.Querier, v promo.Viewer, offerID int64) error {
	if _, found, err := formingSeat(ctx, q, v.TenantID, offerID, v.ID); err != nil {
		return err
	} else if found {
		return siyu.Errorf(ErrAlreadyInGroup, "you are already in a forming group of this group buy")
	}
	return nil
}

// order creates the member's unpaid order at the group price (commerce reserves stock).
func (s *Service) order(ctx context.Context, tx *db.Tx, v promo.Viewer, off offerRow, expiry time.Duration) (commerce.Order, error) {
	return s.commerce.CreateOrderTx(ctx, tx, commerce.NewOrder{TenantID: v.TenantID, SessionID: off.SessionID, ViewerID: v.ID,
		Lines:  []commerce.NewLine{{ProductID: off.ProductID, SKUID: off.SKUID, Quantity: 1, Price: off.Price}},
		Source: Source, SourceID: off.ID, ExpiresAfter: expiry})
}

// seat records the member's seat with their order.
func (s *Service) seat(ctx context.Context, tx *db.Tx, v promo.Viewer, offerID, groupID, orderID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO group_buy_members (tenant_id, group_id, group_buy_id, viewer_id, nickname, order_id,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, v.TenantID, groupID, offerID, v.ID, v.Nickname, orderID, s.now().UnixMilli())
	if db.IsUniqueViolation(err) {
		return siyu.Errorf(ErrAlreadyInGroup, "you are already in a forming group of this group buy")
	} else if err != nil {
		return fmt.Errorf("groupbuy: seat: %w", err)
	}
	return nil
}

// scheduleDeadline queues the durable job that settles the group at its deadline.
func (s *Service) scheduleDeadline(ctx context.Context, tx *db.Tx, tenantID, groupID int64, at time.Time) error {
	if s.queue == nil {
		return nil
	}
	payload, _ := json.Marshal(groupPayload{GroupID: groupID})
	if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: tenantID, Kind: DeadlineJobKind, Payload: payload, RunAt: at,
		UniqueKey: deadlineKey(groupID)}); err != nil {
		return fmt.Errorf("groupbuy: schedule deadline of group %d: %w", groupID, err)
	}
	return nil
}

// ViewerList returns the open offers of the viewer's session, newest first.
func (s *Service) ViewerList(ctx context.Context, v promo.Viewer) ([]GroupBuy, error) {
	return offers.ViewerList(ctx, s.store, v)
}

// ViewerGet returns an offer of the viewer's session with the groups they can join
// (forming, not full, not past the deadline; closest to the deadline first, at most
// 20) and their own latest group with its order.
func (s *Service) ViewerGet(ctx context.Context, v promo.Viewer, id int64) (ViewerDetail, error) {
	r, err := offers.ViewerGet(ctx, s.store, v, id)
	if err != nil {
		return ViewerDetail{}, err
	}
	gb, err := offerView(ctx, s.store, r)
	if err != nil {
		return ViewerDetail{}, err
	}
	out := ViewerDetail{GroupBuy: gb, Forming: []Group{}}
	var rows []groupRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+groupCols+` FROM group_buy_groups WHERE tenant_id = ? AND group_buy_id = ?
		AND status = ? AND expires_at > ? AND member_count > 0 AND member_count < size ORDER BY expires_at, id LIMIT 20`,
		v.TenantID, id, GroupForming, s.now().UnixMilli()); err != nil {
		return ViewerDetail{}, fmt.Errorf("groupbuy: forming groups: %w", err)
	}
	if out.Forming, err = groupViews(ctx, s.store, v.TenantID, rows); err != nil {
		return ViewerDetail{}, err
	}
	var mine memberRow
	err = s.store.GetContext(ctx, &mine, `SELECT `+memberCols+` FROM group_buy_members WHERE tenant_id = ? AND group_buy_id = ?
		AND viewer_id = ? AND left_at = 0 ORDER BY id DESC LIMIT 1`, v.TenantID, id, v.ID)
	if db.IsNoRows(err) {
		return out, nil
	} else if err != nil {
		return ViewerDetail{}, fmt.Errorf("groupbuy: my group: %w", err)
	}
	g, _, _, err := groupView(ctx, s.store, v.TenantID, mine.GroupID)
	if err != nil {
		return ViewerDetail{}, err
	}
	out.MyGroup, out.MyOrderID = &g, mine.OrderID
	return out, nil
}
