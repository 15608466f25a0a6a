package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

func (a *API) launchGroupBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in groupbuy.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	gb, err := a.GroupBuys.Launch(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, gb)
	return nil
}

func (a *API) listGroupBuys(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.GroupBuys.List(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getGroupBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.GroupBuys.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) closeGroupBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gb, err := a.GroupBuys.Close(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gb)
	return nil
}

func (a *API) startGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := a.GroupBuys.Start(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, j)
	return nil
}

func (a *API) joinGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := a.GroupBuys.Join(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, j)
	return nil
}

func (a *API) viewerGroupBuys(w http.ResponseWriter, r *http.Request) error {
	list, err := a.GroupBuys.ViewerList(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) viewerGroupBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.GroupBuys.ViewerGet(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
