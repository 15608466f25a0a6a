package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm"
)

func (a *API) tagCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in crm.TagsInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.CRM.AddTags(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) untagCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.CRM.RemoveTag(r.Context(), principal(r), id, r.PathValue("tag")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listTags(w http.ResponseWriter, r *http.Request) error {
	tags, err := a.CRM.ListTags(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(tags, ""))
	return nil
}

func (a *API) createTag(w http.ResponseWriter, r *http.Request) error {
	var in crm.TagInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := a.CRM.CreateTag(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}
