package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo/flashsale"
)

func (a *API) launchFlashSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in flashsale.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	f, err := a.FlashSales.Launch(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (a *API) listFlashSales(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.FlashSales.List(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getFlashSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.FlashSales.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) endFlashSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.FlashSales.End(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// buyFlashSale is the hot path of a flash-sale storm: one owner decision and one group
// commit before the answer. An empty body buys one unit, so a buy button needs no
// JSON; like grabbing a red envelope, it is never limited per address.
func (a *API) buyFlashSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := flashsale.BuyInput{Quantity: 1}
	if r.ContentLength != 0 {
		in.Quantity = 0
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	res, err := a.FlashSales.Buy(r.Context(), promoViewer(r), id, in.Quantity)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (a *API) joinFlashSaleWaitlist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pos, err := a.FlashSales.JoinWaitlist(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, pos)
	return nil
}

func (a *API) leaveFlashSaleWaitlist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.FlashSales.LeaveWaitlist(r.Context(), promoViewer(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) viewerFlashSales(w http.ResponseWriter, r *http.Request) error {
	list, err := a.FlashSales.ViewerSales(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) viewerFlashSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.FlashSales.ViewerSale(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
