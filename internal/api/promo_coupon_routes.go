package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/coupon"
)

// couponRoutes are the coupon (优惠券) routes (internal/promo/coupon). Issuing and
// stopping need promo.manage; any staff member of the tenant may read. Viewers claim
// and read through routes that reach only their own session's coupons and their own
// claims; a claim is redeemed with coupon_claim_id on POST /sessions/{id}/orders.
func (a *API) couponRoutes() []Route {
	const tag = "promo"
	manage := org.PermPromoManage
	return []Route{
		{Method: "POST", Path: "/api/v1/sessions/{id}/coupons", Summary: "Issue a coupon in a live session (valid_minutes defaults to 1440); announced in the room",
			Tag: tag, Auth: Staff, Perm: manage, In: coupon.Input{}, Out: coupon.Coupon{}, Status: http.StatusCreated, h: a.issueCoupon},
		{Method: "GET", Path: "/api/v1/sessions/{id}/coupons", Summary: "A session's coupons, newest first", Tag: tag, Auth: Staff,
			Out: List[coupon.Coupon]{}, h: a.listCoupons},
		{Method: "GET", Path: "/api/v1/coupons/{id}", Summary: "A coupon with its claimed and used counts", Tag: tag, Auth: Staff,
			Out: coupon.Coupon{}, h: a.getCoupon},
		{Method: "POST", Path: "/api/v1/coupons/{id}/stop", Summary: "Stop claiming a coupon (coupons already claimed stay usable until they expire)",
			Tag: tag, Auth: Staff, Perm: manage, Out: coupon.Coupon{}, h: a.stopCoupon},
		{Method: "POST", Path: "/api/v1/coupons/{id}/claim", Summary: "Claim a coupon, once per viewer (409 coupons_gone, already_claimed, coupon_stopped, coupon_expired)",
			Tag: tag, Auth: Viewer, Out: coupon.Claim{}, Status: http.StatusCreated, h: a.claimCoupon},
		{Method: "GET", Path: "/api/v1/viewer/coupons", Summary: "The viewer's claimed coupons, usable ones first", Tag: tag, Auth: Viewer,
			Out: List[coupon.Claim]{}, h: a.viewerCoupons},
		{Method: "GET", Path: "/api/v1/viewer/session-coupons", Summary: "The active coupons of the viewer's session, with claimed_by_me", Tag: tag,
			Auth: Viewer, Out: List[coupon.Coupon]{}, h: a.viewerSessionCoupons},
	}
}
