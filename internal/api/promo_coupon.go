package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo/coupon"
)

func (a *API) issueCoupon(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in coupon.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Coupons.Issue(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listCoupons(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Coupons.Coupons(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getCoupon(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Coupons.Coupon(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) stopCoupon(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Coupons.StopCoupon(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// claimCoupon is never limited per address, like placing an order: a whole audience
// behind one carrier NAT taps the coupon at the same moment.
func (a *API) claimCoupon(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	k, err := a.Coupons.Claim(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (a *API) viewerCoupons(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Coupons.ViewerClaims(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) viewerSessionCoupons(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Coupons.SessionCoupons(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}
