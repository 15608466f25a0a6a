package api

import (
	"context"
	"net/http"

	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// page reads the cursor and limit query parameters shared by list routes.
func page(r *http.Request) (cursor int64, limit int, err error) {
	if cursor, err = queryInt(r, "cursor", 0, 0, 1<<62); err != nil {
		return 0, 0, err
	}
	n, err := queryInt(r, "limit", 50, 1, 200)
	return cursor, int(n), err
}

func (a *API) createSession(w http.ResponseWriter, r *http.Request) error {
	var in live.CreateInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Live.Create(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) listSessions(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, next, err := a.Live.List(r.Context(), principal(r), r.URL.Query().Get("status"), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) getSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.Live.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) patchSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.SessionPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Live.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) scheduleSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.ScheduleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Live.Schedule(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

// sessionAction serves the body-less lifecycle routes (start, end, interrupt, resume).
func (a *API) sessionAction(fn func(*live.Service, context.Context, org.Principal, int64) (live.Session, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		s, err := fn(a.Live, r.Context(), principal(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, s)
		return nil
	}
}

func (a *API) putBannedWords(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.BannedWords
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	words, err := a.Live.SetBannedWords(r.Context(), principal(r), id, in.Words)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, live.BannedWords{Words: words})
	return nil
}

func (a *API) createEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.EntryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := a.Live.CreateEntry(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (a *API) listEntries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Live.ListEntries(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) listReservations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, err := a.Live.ListReservations(r.Context(), principal(r), id, cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (a *API) coStream(w http.ResponseWriter, r *http.Request,
	fn func(*live.Service, context.Context, org.Principal, int64, live.CoStreamInput) (live.CoStream, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.CoStreamInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := fn(a.Live, r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) inviteCoStream(w http.ResponseWriter, r *http.Request) error {
	return a.coStream(w, r, (*live.Service).InviteCoStream)
}

func (a *API) acceptCoStream(w http.ResponseWriter, r *http.Request) error {
	return a.coStream(w, r, (*live.Service).AcceptCoStream)
}

func (a *API) endCoStream(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Live.EndCoStream(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) hostReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := a.Live.HostPrivileges(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
