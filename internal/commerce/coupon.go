package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// ErrCouponNotApplicable is the code of an order refused because its coupon cannot be
// used on it (min spend, product, expired, used); the message says which.
const ErrCouponNotApplicable = "coupon_not_applicable"

// CouponRedemption is what a CouponRedeemer needs to judge and redeem a coupon claim
// on a new order: whose order, what it contains and what it comes to.
type CouponRedemption struct {
	TenantID  int64
	SessionID int64
	ViewerID  int64
	ClaimID   int64
	OrderID   int64
	Subtotal  int64  // fen, the sum of the lines
	Lines     []Line // product ids and amounts, for product-only coupons
}

// CouponRedeemer keeps coupons for commerce without commerce importing the promo
// domain (which imports commerce): the server wires the coupon service in with
// SetCouponRedeemer. Both methods run inside the order's transaction and must use
// only tx, so a coupon is used exactly when its order exists and given back exactly
// when the order is cancelled.
type CouponRedeemer interface {
	// Redeem checks the claim (the buyer's own, unused, unexpired, min spend on the
	// subtotal, product) and marks it used by r.OrderID; it answers the discount in
	// fen. Refusals are coupon_not_applicable (or not_found for someone else's claim).
	Redeem(ctx context.Context, tx *db.Tx, r CouponRedemption) (discount int64, err error)
	// Restore gives the claim redeemed by o back (unused again), when o is cancelled
	// or expires unpaid.
	Restore(ctx context.Context, tx *db.Tx, o Order) error
}

// SetCouponRedeemer wires the coupon service in after both services are built;
// without one, orders naming a coupon are refused.
func (s *Service) SetCouponRedeemer(r CouponRedeemer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.coupons = r
}

func (s *Service) couponRedeemer() CouponRedeemer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.coupons
}

// redeemCoupon applies in.CouponClaimID to the order just inserted as id: the
// redeemer marks the claim used and the order gets its discount, its total being
// subtotal − discount but never below 1 fen (the discount shrinks instead).
func (s *Service) redeemCoupon(ctx context.Context, tx *db.Tx, in NewOrder, id, subtotal int64, lines []pricedLine) error {
	r := s.couponRedeemer()
	if r == nil {
		return &siyu.Error{Code: ErrCouponNotApplicable, Field: "coupon_claim_id", Message: "coupons are not available here"}
	}
	red := CouponRedemption{TenantID: in.TenantID, SessionID: in.SessionID, ViewerID: in.ViewerID, ClaimID: in.CouponClaimID,
		OrderID: id, Subtotal: subtotal}
	for _, l := range lines {
		red.Lines = append(red.Lines, Line{ProductID: l.ProductID, SKUID: l.SKUID, Name: l.product.Name, SKUName: l.sku.Name,
			Price: l.Price, Quantity: l.Quantity, Amount: l.Price * l.Quantity})
	}
	discount, err := r.Redeem(ctx, tx, red)
	if err != nil {
		return err
	}
	discount = max(0, min(discount, subtotal-1))
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET discount_fen = ?, total_fen = ?, coupon_claim_id = ? WHERE tenant_id = ? AND id = ?`,
		discount, subtotal-discount, in.CouponClaimID, in.TenantID, id); err != nil {
		return fmt.Errorf("commerce: apply coupon to order %d: %w", id, err)
	}
	return nil
}

// restoreCoupon gives back the coupon of a cancelled order, in the cancel's tx.
func (s *Service) restoreCoupon(ctx context.Context, tx *db.Tx, o Order) error {
	if o.CouponClaimID == 0 {
		return nil
	}
	r := s.couponRedeemer()
	if r == nil {
		s.log.Warn("order with a coupon cancelled while no coupon service is wired; the coupon stays used",
			"order", o.ID, "claim", o.CouponClaimID)
		return nil
	}
	if err := r.Restore(ctx, tx, o); err != nil {
		return fmt.Errorf("commerce: give back the coupon of order %d: %w", o.ID, err)
	}
	return nil
}
