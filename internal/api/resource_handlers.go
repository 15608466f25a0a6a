package api

import (
	"context"
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
)

// The shapes most staff resource handlers share: parse the route's path ids and/or
// the JSON body, make one service call as the signed-in principal, write its answer.
// A handler of that shape then says only which call it makes, e.g.
//
//	func (a *API) getSegment(w http.ResponseWriter, r *http.Request) error {
//		return byID(w, r, a.Segments.Get)
//	}
//
// The path id is parsed before the body is read, so a bad id is what a request with
// both wrong hears about.

// answer writes v as JSON with status, unless err.
func answer[T any](w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// withBody decodes the body and answers f's result with status.
func withBody[In, Out any](w http.ResponseWriter, r *http.Request, status int,
	f func(context.Context, org.Principal, In) (Out, error)) error {
	var in In
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := f(r.Context(), principal(r), in)
	return answer(w, status, out, err)
}

// byID answers f's result for the route's {id}.
func byID[Out any](w http.ResponseWriter, r *http.Request, f func(context.Context, org.Principal, int64) (Out, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := f(r.Context(), principal(r), id)
	return answer(w, http.StatusOK, out, err)
}

// byIDs answers f's result for the route's {id} and a second path id of a nested
// resource (e.g. {chain_id}).
func byIDs[Out any](w http.ResponseWriter, r *http.Request, second string,
	f func(context.Context, org.Principal, int64, int64) (Out, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sub, err := pathID(r, second)
	if err != nil {
		return err
	}
	out, err := f(r.Context(), principal(r), id, sub)
	return answer(w, http.StatusOK, out, err)
}

// byIDWithBody decodes the body and answers f's result for the route's {id} with status.
func byIDWithBody[In, Out any](w http.ResponseWriter, r *http.Request, status int,
	f func(context.Context, org.Principal, int64, In) (Out, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in In
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := f(r.Context(), principal(r), id, in)
	return answer(w, status, out, err)
}

// listByID answers the whole list f gives for the route's {id} (no next page).
func listByID[T any](w http.ResponseWriter, r *http.Request, f func(context.Context, org.Principal, int64) ([]T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := f(r.Context(), principal(r), id)
	return answer(w, http.StatusOK, listOf(list, ""), err)
}

// idAndLimit parses the route's {id} and the ?limit of a page of its items (1–200,
// 50 by default).
func idAndLimit(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	return id, int(limit), err
}

// pageByID answers one page (?cursor, ?limit) of what f lists for the route's {id},
// with the next page's cursor.
func pageByID[T any](w http.ResponseWriter, r *http.Request,
	f func(context.Context, org.Principal, int64, string, int) ([]T, string, error)) error {
	id, limit, err := idAndLimit(r)
	if err != nil {
		return err
	}
	list, next, err := f(r.Context(), principal(r), id, r.URL.Query().Get("cursor"), limit)
	return answer(w, http.StatusOK, listOf(list, next), err)
}

// deleteByID deletes what the route's {id} names through f: 204 with no body.
func deleteByID(w http.ResponseWriter, r *http.Request, f func(context.Context, org.Principal, int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := f(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
