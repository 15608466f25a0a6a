package assist

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

// viewerCampaign reads a campaign of the viewer's own session by its share code.
func viewerCampaign(ctx context.Context, q db.Querier, v promo.Viewer, code string) (campaignRow, error) {
	if code == "" || len(code) > 40 {
		return campaignRow{}, siyu.Errorf(siyu.ENOTFOUND, "assist campaign not found")
	}
	r, err := campaignWhere(ctx, q, v.TenantID, "code", code)
	if err == nil && r.SessionID != v.SessionID {
		return campaignRow{}, siyu.Errorf(siyu.ENOTFOUND, "assist campaign not found")
	}
	return r, err
}

// StartCampaign gives the viewer their campaign of an open offer with a fresh share
// code and the offer's deadline; created is false when the viewer already had one
// (returned as it is, also once the offer closed).
func (s *Service) StartCampaign(ctx context.Context, v promo.Viewer, offerID int64) (c Campaign, created bool, err error) {
	off, err := offers.ViewerGet(ctx, s.store, v, offerID)
	if err != nil {
		return Campaign{}, false, err
	}
	for attempt := 0; ; attempt++ {
		if r, found, err := ownCampaign(ctx, s.store, v.TenantID, off.ID, v.ID); err != nil {
			return Campaign{}, false, err
		} else if found {
			c, err := campaignView(ctx, s.store, r)
			return c, false, err
		}
		if off.Status != StatusOpen {
			return Campaign{}, false, siyu.Errorf(ErrOfferClosed, "this assist has ended; no new campaigns can start")
		}
		code, err := s.newCode()
		if err != nil {
			return Campaign{}, false, err
		}
		now := s.now()
		r := campaignRow{TenantID: v.TenantID, AssistID: off.ID, SessionID: off.SessionID, ViewerID: v.ID, OwnerNickname: v.Nickname,
			Code: code, HelpersNeeded: off.HelpersNeeded, Status: CampaignCollecting,
			ExpiresAt: now.Add(time.Duration(off.TimeLimitSeconds) * time.Second).UnixMilli(), CreatedAt: now.UnixMilli()}
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			id, err := db.Insert(ctx, tx, `INSERT INTO assist_campaigns (tenant_id, assist_id, session_id, viewer_id, owner_nickname,
				code, helpers_needed, status, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.TenantID, r.AssistID,
				r.SessionID, r.ViewerID, r.OwnerNickname, r.Code, r.HelpersNeeded, r.Status, r.ExpiresAt, r.CreatedAt)
			if err != nil {
				return err
			}
			r.ID = id
			return s.scheduleExpiry(ctx, tx, r)
		})
		switch {
		case err == nil:
			return r.campaign(off, nil), true, nil
		case db.IsUniqueViolation(err) && attempt < 3:
			continue // a racing start by the same viewer (found next time round) or, rarely, a code collision
		default:
			return Campaign{}, false, fmt.Errorf("assist: start campaign: %w", err)
		}
	}
}

// scheduleExpiry queues the durable job that expires the campaign at its deadline.
func (s *Service) scheduleExpiry(ctx context.Context, tx *db.Tx, r campaignRow) error {
	if s.queue == nil {
		return nil
	}
	payload, _ := json.Marshal(expirePayload{CampaignID: r.ID})
	if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: r.TenantID, Kind: ExpireJobKind, Payload: payload,
		RunAt: offer.Time(r.ExpiresAt), UniqueKey: expireKey(r.ID)}); err != nil {
		return fmt.Errorf("assist: schedule expiry of campaign %d: %w", r.ID, err)
	}
	return nil
}

// Help counts the viewer's help for the campaign with this share code. Refused:
// own_campaign for the owner (also from another account with the owner's verified
// phone), already_helped for a second help (per viewer and per verified phone),
// campaign_closed once the campaign is unlocked, ordered or past its deadline. The
// help that reaches the helpers needed unlocks the campaign (assist.unlocked).
func (s *Service) Help(ctx context.Context, v promo.Viewer, code string) (Campaign, error) {
	r, err := viewerCampaign(ctx, s.store, v, code)
	if err != nil {
		return Campaign{}, err
	}
	if r.ViewerID == v.ID {
		return Campaign{}, siyu.Errorf(ErrOwnCampaign, "you cannot help your own campaign; share the link with friends")
	}
	owner, helper, err := phones(ctx, s.store, v.TenantID, r.ViewerID, v.ID)
	if err != nil {
		return Campaign{}, err
	}
	if owner != "" && owner == helper {
		return Campaign{}, siyu.Errorf(ErrOwnCampaign, "this account has the campaign owner's phone; ask a friend to help")
	}
	var helped int
	if err := s.store.GetContext(ctx, &helped, `SELECT COUNT(*) FROM assist_helps WHERE tenant_id = ? AND campaign_id = ?
		AND (viewer_id = ? OR (phone <> '' AND phone = ?))`, v.TenantID, r.ID, v.ID, helper); err != nil {
		return Campaign{}, fmt.Errorf("assist: helped: %w", err)
	}
	if helped > 0 {
		return Campaign{}, siyu.Errorf(ErrAlreadyHelped, "you have already helped this campaign")
	}
	var out Campaign
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		now := s.now().UnixMilli()
		// The campaign row first: helpers of one campaign queue here.
		res, err := tx.ExecContext(ctx, `UPDATE assist_campaigns SET helper_count = helper_count + 1 WHERE tenant_id = ? AND id = ?
			AND status = ? AND expires_at > ?`, v.TenantID, r.ID, CampaignCollecting, now)
		if err != nil {
			return fmt.Errorf("assist: help: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(ErrCampaignClosed, "this campaign no longer takes help")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO assist_helps (tenant_id, campaign_id, viewer_id, nickname, phone, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, v.TenantID, r.ID, v.ID, v.Nickname, helper, now)
		if db.IsUniqueViolation(err) {
			return siyu.Errorf(ErrAlreadyHelped, "you have already helped this campaign")
		} else if err != nil {
			return fmt.Errorf("assist: help: %w", err)
		}
		cur, err := campaignWhere(ctx, tx, v.TenantID, "id", r.ID)
		if err != nil {
			return err
		}
		if cur.HelperCount >= cur.HelpersNeeded {
			if err := s.unlock(ctx, tx, &cur); err != nil {
				return err
			}
		}
		if out, err = campaignView(ctx, tx, cur); err != nil {
			return err
		}
		s.tellOwner(tx, cur, out)
		if cur.Status == CampaignUnlocked {
			return offer.Publish(ctx, s.events, tx, v.TenantID, EventUnlocked, Unlock{Campaign: out, ViewerID: cur.ViewerID, SessionID: cur.SessionID})
		}
		return nil
	})
	if err != nil {
		return Campaign{}, err
	}
	helpedNow := true
	out.HelpedByMe = &helpedNow
	return out, nil
}

// unlock marks a campaign that reached its helpers unlocked in tx.
func (s *Service) unlock(ctx context.Context, tx *db.Tx, r *campaignRow) error {
	now := s.now().UnixMilli()
	if _, err := tx.ExecContext(ctx, `UPDATE assist_campaigns SET status = ?, unlocked_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
		CampaignUnlocked, now, r.TenantID, r.ID, CampaignCollecting); err != nil {
		return fmt.Errorf("assist: unlock: %w", err)
	}
	r.Status, r.UnlockedAt = CampaignUnlocked, now
	if s.queue != nil {
		return s.queue.Cancel(ctx, tx, expireKey(r.ID))
	}
	return nil
}

// phones returns the verified phones ("" when unverified) of the owner and the helper.
func phones(ctx context.Context, q db.Querier, tenantID, ownerID, helperID int64) (owner, helper string, err error) {
	var rows []struct {
		ID    int64  `db:"id"`
		Phone string `db:"phone"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT id, phone FROM viewers WHERE tenant_id = ? AND id IN (?, ?)`,
		tenantID, ownerID, helperID); err != nil {
		return "", "", fmt.Errorf("assist: phones: %w", err)
	}
	for _, r := range rows {
		if r.ID == ownerID {
			owner = r.Phone
		}
		if r.ID == helperID {
			helper = r.Phone
		}
	}
	return owner, helper, nil
}

// Order is the owner buying at the assist price once the campaign is unlocked:
// not_unlocked before (or after it expired), already_ordered while an order of it is
// live or paid. Anyone but the owner is forbidden.
func (s *Service) Order(ctx context.Context, v promo.Viewer, code string) (Ordered, error) {
	r, err := viewerCampaign(ctx, s.store, v, code)
	if err != nil {
		return Ordered{}, err
	}
	if r.ViewerID != v.ID {
		return Ordered{}, siyu.Errorf(siyu.EFORBIDDEN, "only the campaign's owner may order at its price")
	}
	if err := orderable(r); err != nil {
		return Ordered{}, err
	}
	off, err := getOffer(ctx, s.store, v.TenantID, r.AssistID)
	if err != nil {
		return Ordered{}, err
	}
	var out Ordered
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		// Stock (CreateOrderTx) before the campaign row: the order release locks them in.
		o, err := s.commerce.CreateOrderTx(ctx, tx, commerce.NewOrder{TenantID: v.TenantID, SessionID: r.SessionID, ViewerID: v.ID,
			Lines:  []commerce.NewLine{{ProductID: off.ProductID, SKUID: off.SKUID, Quantity: 1, Price: off.Price}},
			Source: Source, SourceID: off.ID})
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE assist_campaigns SET status = ?, order_id = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			CampaignOrdered, o.ID, v.TenantID, r.ID, CampaignUnlocked)
		if err != nil {
			return fmt.Errorf("assist: order: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := campaignWhere(ctx, tx, v.TenantID, "id", r.ID)
			if err != nil {
				return err
			}
			return orderable(cur)
		}
		cur, err := campaignWhere(ctx, tx, v.TenantID, "id", r.ID)
		if err != nil {
			return err
		}
		view, err := campaignView(ctx, tx, cur)
		if err != nil {
			return err
		}
		s.tellOwner(tx, cur, view)
		out.OrderID = o.ID
		return nil
	})
	return out, err
}

// orderable refuses a campaign that is not (or no longer) waiting for its order.
func orderable(r campaignRow) error {
	switch r.Status {
	case CampaignUnlocked:
		return nil
	case CampaignOrdered:
		return siyu.Errorf(ErrAlreadyOrdered, "you already ordered at this price (order %d)", r.OrderID)
	case CampaignExpired:
		return siyu.Errorf(ErrNotUnlocked, "this campaign expired with %d of %d helpers", r.HelperCount, r.HelpersNeeded)
	}
	return siyu.Errorf(ErrNotUnlocked, "%d of %d friends have helped so far", r.HelperCount, r.HelpersNeeded)
}
