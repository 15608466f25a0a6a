package coupon

import (
	"context"
	"fmt"
	"sort"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
)

// Claim takes one coupon for the viewer: one transaction inserts the claim (unique
// per coupon and viewer) and takes one from the coupon with a guarded increment, so
// racing viewers never get more claims than the quantity and a double tap never gets
// two. Refusals: coupons_gone, already_claimed, coupon_stopped, coupon_expired; a
// coupon of another session is not found.
func (s *Service) Claim(ctx context.Context, v promo.Viewer, id int64) (Claim, error) {
	now := s.now()
	var out claimRow
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		c, err := getCoupon(ctx, tx, v.TenantID, id)
		if err != nil {
			return err
		}
		if c.SessionID != v.SessionID {
			return siyu.Errorf(siyu.ENOTFOUND, "coupon %d not found", id)
		}
		var mine int
		if err := tx.GetContext(ctx, &mine, `SELECT COUNT(*) FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?`,
			id, v.ID); err != nil {
			return fmt.Errorf("coupon: claimed? %w", err)
		}
		if mine > 0 {
			return alreadyClaimed(c.Name)
		}
		res, err := tx.ExecContext(ctx, `UPDATE coupons SET claimed = claimed + 1 WHERE tenant_id = ? AND id = ? AND status = ?
			AND claimed < quantity AND expires_at > ?`, v.TenantID, id, StatusActive, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("coupon: take one: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if c, err = getCoupon(ctx, tx, v.TenantID, id); err != nil {
				return err
			}
			return refusal(c, now.UnixMilli())
		}
		claimID, err := db.Insert(ctx, tx, `INSERT INTO coupon_claims (tenant_id, coupon_id, session_id, viewer_id, expires_at,
			created_at) VALUES (?, ?, ?, ?, ?, ?)`, v.TenantID, id, v.SessionID, v.ID, c.ExpiresAt, now.UnixMilli())
		if db.IsUniqueViolation(err) {
			return alreadyClaimed(c.Name) // the same viewer's other tap won meanwhile
		} else if err != nil {
			return fmt.Errorf("coupon: claim: %w", err)
		}
		out, err = getClaim(ctx, tx, v.TenantID, v.ID, claimID)
		return err
	})
	if err != nil {
		return Claim{}, err
	}
	return out.claim(now), nil
}

func alreadyClaimed(name string) error {
	return siyu.Errorf(ErrAlreadyClaimed, "you already have the coupon %s; each viewer may claim it once", name)
}

// refusal says why a coupon could not be taken, checked in the order a viewer would
// find most useful.
func refusal(c couponRow, nowMs int64) error {
	switch {
	case c.Status == StatusStopped:
		return siyu.Errorf(ErrStopped, "the host stopped the coupon %s", c.Name)
	case c.ExpiresAt <= nowMs:
		return siyu.Errorf(ErrExpired, "the coupon %s expired at %s", c.Name, chinaTime(c.ExpiresAt))
	default:
		return siyu.Errorf(ErrGone, "all %d coupons %s have been claimed", c.Quantity, c.Name)
	}
}

// ViewerClaims lists the viewer's claimed coupons, usable ones first (soonest to
// expire first), then used and expired ones, newest first.
func (s *Service) ViewerClaims(ctx context.Context, v promo.Viewer) ([]Claim, error) {
	var rows []claimRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+claimCols+claimFrom+` WHERE k.tenant_id = ? AND k.viewer_id = ?
		ORDER BY k.id DESC LIMIT 200`, v.TenantID, v.ID); err != nil {
		return nil, fmt.Errorf("coupon: viewer claims: %w", err)
	}
	now := s.now()
	out := make([]Claim, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.claim(now))
	}
	sort.SliceStable(out, func(i, j int) bool {
		ui, uj := out[i].Status == ClaimUnused, out[j].Status == ClaimUnused
		if ui != uj {
			return ui
		}
		return ui && out[i].ExpiresAt.Before(out[j].ExpiresAt)
	})
	return out, nil
}

// SessionCoupons lists the active, unexpired coupons of the viewer's session, newest
// first, each saying whether the viewer claimed it (sold-out ones included, so the
// room can show them as gone).
func (s *Service) SessionCoupons(ctx context.Context, v promo.Viewer) ([]Coupon, error) {
	var rows []struct {
		couponRow
		Mine int `db:"mine"`
	}
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+couponCols+`,
		(SELECT COUNT(*) FROM coupon_claims k WHERE k.coupon_id = c.id AND k.viewer_id = ?) AS mine`+couponFrom+`
		WHERE c.tenant_id = ? AND c.session_id = ? AND c.status = ? AND c.expires_at > ? ORDER BY c.id DESC LIMIT 200`,
		v.ID, v.TenantID, v.SessionID, StatusActive, s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("coupon: session coupons: %w", err)
	}
	out := make([]Coupon, 0, len(rows))
	for _, r := range rows {
		c := r.coupon()
		mine := r.Mine > 0
		c.ClaimedByMe = &mine
		out = append(out, c)
	}
	return out, nil
}
