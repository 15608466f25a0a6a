package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm"
)

func (a *API) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in crm.CustomerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.CRM.Create(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := a.CRM.List(r.Context(), principal(r), crm.ListQuery{Tag: q.Get("tag"), Q: q.Get("q"),
		Cursor: q.Get("cursor"), Limit: int(limit)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.CRM.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) patchCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in crm.CustomerPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.CRM.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) customerTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	page, err := a.CRM.Timeline(r.Context(), principal(r), id, r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (a *API) mergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in crm.MergeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.CRM.Merge(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) eraseCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.CRM.Erase(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
