package coupon

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

type couponRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	SessionID    int64  `db:"session_id"`
	Name         string `db:"name"`
	Discount     int64  `db:"discount_fen"`
	MinSpend     int64  `db:"min_spend_fen"`
	ProductID    int64  `db:"product_id"`
	ProductName  string `db:"product_name"`
	Quantity     int64  `db:"quantity"`
	Claimed      int64  `db:"claimed"`
	Used         int64  `db:"used"`
	ValidMinutes int64  `db:"valid_minutes"`
	ExpiresAt    int64  `db:"expires_at"`
	Status       string `db:"status"`
	CreatedAt    int64  `db:"created_at"`
}

const couponCols = `c.id, c.tenant_id, c.session_id, c.name, c.discount_fen, c.min_spend_fen, c.product_id,
	COALESCE(p.name, '') AS product_name, c.quantity, c.claimed, c.used, c.valid_minutes, c.expires_at, c.status, c.created_at`

const couponFrom = ` FROM coupons c LEFT JOIN products p ON p.id = c.product_id AND p.tenant_id = c.tenant_id`

func (r couponRow) coupon() Coupon {
	c := Coupon{ID: r.ID, SessionID: r.SessionID, Name: r.Name, Discount: r.Discount, MinSpend: r.MinSpend,
		ProductName: r.ProductName, Quantity: r.Quantity, Claimed: r.Claimed, Used: r.Used, ValidMinutes: r.ValidMinutes,
		ExpiresAt: offer.Time(r.ExpiresAt), Status: r.Status, CreatedAt: offer.Time(r.CreatedAt)}
	if r.ProductID > 0 {
		id := r.ProductID
		c.ProductID = &id
	}
	return c
}

// getCoupon loads one coupon of a tenant; another tenant's is not found.
func getCoupon(ctx context.Context, q db.Querier, tenantID, id int64) (couponRow, error) {
	var r couponRow
	err := q.GetContext(ctx, &r, `SELECT `+couponCols+couponFrom+` WHERE c.tenant_id = ? AND c.id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "coupon %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("coupon: get: %w", err)
	}
	return r, nil
}

type claimRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	CouponID    int64  `db:"coupon_id"`
	SessionID   int64  `db:"session_id"`
	ViewerID    int64  `db:"viewer_id"`
	Status      string `db:"status"`
	OrderID     int64  `db:"order_id"`
	ExpiresAt   int64  `db:"expires_at"`
	CreatedAt   int64  `db:"created_at"`
	Name        string `db:"name"`
	Discount    int64  `db:"discount_fen"`
	MinSpend    int64  `db:"min_spend_fen"`
	ProductID   int64  `db:"product_id"`
	ProductName string `db:"product_name"`
}

const claimCols = `k.id, k.tenant_id, k.coupon_id, k.session_id, k.viewer_id, k.status, k.order_id, k.expires_at, k.created_at,
	c.name, c.discount_fen, c.min_spend_fen, c.product_id, COALESCE(p.name, '') AS product_name`

const claimFrom = ` FROM coupon_claims k JOIN coupons c ON c.id = k.coupon_id
	LEFT JOIN products p ON p.id = c.product_id AND p.tenant_id = c.tenant_id`

// claim is the claim as its viewer sees it at now: an unused claim past its expiry
// reads as expired.
func (r claimRow) claim(now time.Time) Claim {
	c := Claim{ID: r.ID, CouponID: r.CouponID, Name: r.Name, Discount: r.Discount, MinSpend: r.MinSpend,
		ProductName: r.ProductName, ExpiresAt: offer.Time(r.ExpiresAt), Status: r.Status, OrderID: r.OrderID,
		ClaimedAt: offer.Time(r.CreatedAt)}
	if r.ProductID > 0 {
		id := r.ProductID
		c.ProductID = &id
	}
	if c.Status == ClaimUnused && !now.Before(c.ExpiresAt) {
		c.Status = ClaimExpired
	}
	return c
}

// getClaim loads a claim of one viewer; anyone else's is not found.
func getClaim(ctx context.Context, q db.Querier, tenantID, viewerID, id int64) (claimRow, error) {
	var r claimRow
	err := q.GetContext(ctx, &r, `SELECT `+claimCols+claimFrom+` WHERE k.tenant_id = ? AND k.viewer_id = ? AND k.id = ?`,
		tenantID, viewerID, id)
	if db.IsNoRows(err) {
		return r, &siyu.Error{Code: siyu.ENOTFOUND, Field: "coupon_claim_id", Message: fmt.Sprintf("coupon %d not found among your coupons", id)}
	} else if err != nil {
		return r, fmt.Errorf("coupon: get claim: %w", err)
	}
	return r, nil
}
