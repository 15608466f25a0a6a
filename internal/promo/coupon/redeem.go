package coupon

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
)

var _ commerce.CouponRedeemer = (*Service)(nil)

// Redeem implements commerce.CouponRedeemer: inside the order's transaction it checks
// the claim (the buyer's own, unused, unexpired, the subtotal reaching the minimum
// spend, the product in the order) and marks it used by the order with a
// compare-and-set on its status, so two orders racing for one coupon cannot both get
// it. It answers the coupon's discount; commerce keeps the total at 1 fen or more.
func (s *Service) Redeem(ctx context.Context, tx *db.Tx, r commerce.CouponRedemption) (int64, error) {
	k, err := getClaim(ctx, tx, r.TenantID, r.ViewerID, r.ClaimID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	c := k.claim(now)
	switch {
	case c.Status == ClaimUsed:
		return 0, notApplicable("the coupon %s was already used on order %d", c.Name, c.OrderID)
	case c.Status == ClaimExpired:
		return 0, notApplicable("the coupon %s expired at %s", c.Name, chinaTime(k.ExpiresAt))
	case r.Subtotal < k.MinSpend:
		return 0, notApplicable("the coupon %s needs an order of at least %s; this one comes to %s (add %s more)",
			c.Name, Yuan(k.MinSpend), Yuan(r.Subtotal), Yuan(k.MinSpend-r.Subtotal))
	}
	if k.ProductID > 0 {
		found := false
		for _, l := range r.Lines {
			found = found || l.ProductID == k.ProductID
		}
		if !found {
			return 0, notApplicable("the coupon %s is only for %s, which is not in this order", c.Name, productLabel(k))
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE coupon_claims SET status = ?, order_id = ?, used_at = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, ClaimUsed, r.OrderID, now.UnixMilli(), r.TenantID, k.ID, ClaimUnused)
	if err != nil {
		return 0, fmt.Errorf("coupon: redeem: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, notApplicable("the coupon %s was just used on another order", c.Name)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupons SET used = used + 1 WHERE tenant_id = ? AND id = ?`, r.TenantID, k.CouponID); err != nil {
		return 0, fmt.Errorf("coupon: count use: %w", err)
	}
	return k.Discount, nil
}

// Restore implements commerce.CouponRedeemer: the claim used by a cancelled or
// expired order becomes unused again (still expiring at its own time). Guarded by
// the order id, so it happens once per order.
func (s *Service) Restore(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	var couponID int64
	err := tx.GetContext(ctx, &couponID, `SELECT coupon_id FROM coupon_claims WHERE tenant_id = ? AND id = ? AND order_id = ? AND status = ?`,
		o.TenantID, o.CouponClaimID, o.ID, ClaimUsed)
	if db.IsNoRows(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("coupon: restore: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupon_claims SET status = ?, order_id = 0, used_at = 0
		WHERE tenant_id = ? AND id = ? AND order_id = ? AND status = ?`, ClaimUnused, o.TenantID, o.CouponClaimID, o.ID, ClaimUsed); err != nil {
		return fmt.Errorf("coupon: restore: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupons SET used = used - 1 WHERE tenant_id = ? AND id = ? AND used > 0`,
		o.TenantID, couponID); err != nil {
		return fmt.Errorf("coupon: restore count: %w", err)
	}
	return nil
}

func notApplicable(format string, args ...any) error {
	return &siyu.Error{Code: commerce.ErrCouponNotApplicable, Field: "coupon_claim_id", Message: fmt.Sprintf(format, args...)}
}

func productLabel(k claimRow) string {
	if k.ProductName != "" {
		return k.ProductName
	}
	return fmt.Sprintf("product %d", k.ProductID)
}

// china is China Standard Time (no daylight saving, so a fixed zone is exact).
var china = time.FixedZone("CST", 8*3600)

func chinaTime(ms int64) string {
	return time.UnixMilli(ms).In(china).Format("2006-01-02 15:04")
}
