package assist

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

// ExpireJobKind expires one campaign at its deadline (unique per campaign).
const ExpireJobKind = "assist.expire"

func expireKey(campaignID int64) string {
	return ExpireJobKind + ":" + strconv.FormatInt(campaignID, 10)
}

type expirePayload struct {
	CampaignID int64 `json:"campaign_id"`
}

// expireJob moves a campaign still collecting at its deadline to expired and tells its
// owner. An unlocked or ordered campaign is left alone, so a late or repeated run does
// nothing.
func (s *Service) expireJob(ctx context.Context, job jobs.Job) error {
	var pl expirePayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil || pl.CampaignID <= 0 {
		return jobs.Permanent(fmt.Errorf("assist: bad expiry payload %s", job.Payload))
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := campaignWhere(ctx, tx, job.TenantID, "id", pl.CampaignID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if left := offer.Time(r.ExpiresAt).Sub(s.now()); left > 0 {
			return jobs.RetryAfter(fmt.Errorf("assist: campaign %d is not due yet", r.ID), left)
		}
		res, err := tx.ExecContext(ctx, `UPDATE assist_campaigns SET status = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			CampaignExpired, job.TenantID, r.ID, CampaignCollecting)
		if err != nil {
			return fmt.Errorf("assist: expire campaign %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		r.Status = CampaignExpired
		view, err := campaignView(ctx, tx, r)
		if err != nil {
			return err
		}
		s.tellOwner(tx, r, view)
		return nil
	})
}

// onRelease runs in the transaction that cancels, expires or refunds an assist order.
// A cancelled or expired order gives the owner their unlocked price back, so they can
// order again; a refunded one (money back after paying) does not.
func (s *Service) onRelease(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	if o.Status != commerce.StatusCancelled {
		return nil
	}
	r, err := campaignWhere(ctx, tx, o.TenantID, "order_id", o.ID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE assist_campaigns SET status = ?, order_id = 0 WHERE tenant_id = ? AND id = ? AND status = ?
		AND order_id = ?`, CampaignUnlocked, o.TenantID, r.ID, CampaignOrdered, o.ID)
	if err != nil {
		return fmt.Errorf("assist: reopen campaign %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	r.Status, r.OrderID = CampaignUnlocked, 0
	view, err := campaignView(ctx, tx, r)
	if err != nil {
		return err
	}
	s.tellOwner(tx, r, view)
	return nil
}
