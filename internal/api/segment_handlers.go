package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm/segment"
)

func (a *API) createSegment(w http.ResponseWriter, r *http.Request) error {
	var in segment.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Segments.Create(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) listSegments(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Segments.List(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) previewSegment(w http.ResponseWriter, r *http.Request) error {
	var in segment.PreviewInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Segments.Preview(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) getSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.Segments.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) patchSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in segment.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Segments.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) deleteSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Segments.Delete(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) segmentCustomers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	list, next, err := a.Segments.Customers(r.Context(), principal(r), id, r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}
