package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo/assist"
)

func (a *API) launchAssist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assist.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := a.Assists.Launch(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) listAssists(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Assists.List(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getAssist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := a.Assists.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) closeAssist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := a.Assists.Close(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// startCampaign answers 201 for a new campaign and 200 with the viewer's existing one.
func (a *API) startCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, created, err := a.Assists.StartCampaign(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, c)
	return nil
}

func (a *API) helpCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Assists.Help(r.Context(), promoViewer(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) orderCampaign(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Assists.Order(r.Context(), promoViewer(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (a *API) viewerAssists(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Assists.ViewerList(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) viewerAssist(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := a.Assists.ViewerGet(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) viewerCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Assists.CampaignByCode(r.Context(), promoViewer(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
