package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo"
)

// promoViewer is the calling viewer as the promo domain sees it.
func promoViewer(r *http.Request) promo.Viewer {
	v := viewer(r)
	return promo.Viewer{ID: v.ID, TenantID: v.TenantID, SessionID: v.SessionID, Nickname: v.Nickname}
}

func (a *API) createEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in promo.EnvelopeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := a.Promo.CreateEnvelope(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (a *API) listEnvelopes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Promo.ListEnvelopes(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := a.Promo.GetEnvelope(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// grabEnvelope is the hot path of a red-envelope storm: no body, one owner decision
// and one group commit before the answer. Like joining, it is never limited per
// address.
func (a *API) grabEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := a.Promo.Grab(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) viewerEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := a.Promo.ViewerEnvelope(r.Context(), promoViewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) createRule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in promo.RuleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rule, err := a.Promo.CreateRule(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rule)
	return nil
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Promo.ListRules(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) deleteRule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Promo.DeleteRule(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
