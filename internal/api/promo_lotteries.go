package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo"
)

func (a *API) createLottery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in promo.LotteryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := a.Promo.CreateLottery(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (a *API) listLotteries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Promo.ListLotteries(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getLottery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.Promo.GetLottery(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) lotteryWinners(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Promo.LotteryWinners(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

// enterLottery takes an optional body: a lottery without a password needs none.
func (a *API) enterLottery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in promo.EntryInput
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		return siyu.Errorf(siyu.EINVALID, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := DecodeBody(body, &in); err != nil {
			return err
		}
	}
	e, created, err := a.Promo.EnterLottery(r.Context(), promoViewer(r), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, e)
	return nil
}

func (a *API) viewerLottery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.Promo.ViewerLottery(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) publicLottery(w http.ResponseWriter, r *http.Request) error {
	l, err := a.Promo.PublicLottery(r.Context(), r.PathValue("commitment"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) viewerPrizes(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Promo.ViewerPrizes(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) setDelivery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in promo.DeliveryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Promo.SetDelivery(r.Context(), promoViewer(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
