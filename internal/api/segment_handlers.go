package api

import "net/http"

func (a *API) createSegment(w http.ResponseWriter, r *http.Request) error {
	return withBody(w, r, http.StatusCreated, a.Segments.Create)
}

func (a *API) listSegments(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Segments.List(r.Context(), principal(r))
	return answer(w, http.StatusOK, listOf(list, ""), err)
}

func (a *API) previewSegment(w http.ResponseWriter, r *http.Request) error {
	return withBody(w, r, http.StatusOK, a.Segments.Preview)
}

func (a *API) getSegment(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Segments.Get)
}

func (a *API) patchSegment(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Segments.Update)
}

func (a *API) deleteSegment(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, a.Segments.Delete)
}

func (a *API) segmentCustomers(w http.ResponseWriter, r *http.Request) error {
	return pageByID(w, r, a.Segments.Customers)
}
