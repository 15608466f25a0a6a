package api

import (
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/room"
)

// MuteInput mutes a viewer for seconds (1–86400).
type MuteInput struct {
	ViewerID int64  `json:"viewer_id"`
	Seconds  int    `json:"seconds"`
	Reason   string `json:"reason,omitempty"`
}

// ViewerRef names a viewer.
type ViewerRef struct {
	ViewerID int64 `json:"viewer_id"`
}

// BanInput bans a viewer from a session.
type BanInput struct {
	ViewerID int64  `json:"viewer_id"`
	Reason   string `json:"reason,omitempty"`
}

func viewerIDOf(id int64) error {
	if id <= 0 {
		return siyu.Invalid("viewer_id", "viewer_id is required: a positive integer")
	}
	return nil
}

func (a *API) roomWS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.Rooms.ServeWS(w, r, id, r.URL.Query().Get("token"))
}

func (a *API) roomStats(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := a.Rooms.SessionStats(r.Context(), principal(r).TenantID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (a *API) roomComments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	list, next, err := a.Rooms.Comments(r.Context(), principal(r).TenantID, id, r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) roomDeleteComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "comment_id")
	if err != nil {
		return err
	}
	if err := a.Rooms.DeleteComment(r.Context(), principal(r).TenantID, id, cid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// SanctionInput is the body of a mute, kick or ban; seconds is for mutes only.
type SanctionInput struct {
	ViewerID int64  `json:"viewer_id"`
	Seconds  int    `json:"seconds,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// roomSanction answers POST …/mutes, …/kicks and …/bans: the three differ only in the
// room call, and in the body fields the OpenAPI document shows for each.
func (a *API) roomSanction(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in SanctionInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		if err := viewerIDOf(in.ViewerID); err != nil {
			return err
		}
		if kind != "mute" && in.Seconds != 0 {
			return siyu.Invalid("seconds", "seconds applies to mutes only; a %s has no duration", kind)
		}
		p, ctx := principal(r), r.Context()
		var s room.Sanction
		switch kind {
		case "mute":
			s, err = a.Rooms.Mute(ctx, p.TenantID, id, in.ViewerID, in.Seconds, in.Reason, p.UserID)
		case "kick":
			s, err = a.Rooms.Kick(ctx, p.TenantID, id, in.ViewerID, p.UserID)
		default:
			s, err = a.Rooms.Ban(ctx, p.TenantID, id, in.ViewerID, in.Reason, p.UserID)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, s)
		return nil
	}
}

// roomLift answers DELETE …/mutes/{viewer_id} and …/bans/{viewer_id}.
func (a *API) roomLift(w http.ResponseWriter, r *http.Request, ban bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	viewer, err := pathID(r, "viewer_id")
	if err != nil {
		return err
	}
	lift := a.Rooms.Unmute
	if ban {
		lift = a.Rooms.Unban
	}
	if err := lift(r.Context(), principal(r).TenantID, id, viewer); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) roomUnmute(w http.ResponseWriter, r *http.Request) error {
	return a.roomLift(w, r, false)
}

func (a *API) roomUnban(w http.ResponseWriter, r *http.Request) error { return a.roomLift(w, r, true) }

func (a *API) roomSanctions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Rooms.Sanctions(r.Context(), principal(r).TenantID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) roomMicRequests(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Rooms.MicRequests(r.Context(), principal(r).TenantID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) roomMicDecide(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		viewer, err := pathID(r, "viewer_id")
		if err != nil {
			return err
		}
		p := principal(r)
		if err := a.Rooms.DecideMic(r.Context(), p.TenantID, id, viewer, approve, p.UserID); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
