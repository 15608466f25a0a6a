package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
)

// createViewer is public and deliberately not rate limited per address: whole
// audiences join from behind one carrier NAT, and benchmarks create thousands of
// viewers from 127.0.0.1.
func (a *API) createViewer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.ViewerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Live.CreateViewer(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) viewerMe(w http.ResponseWriter, r *http.Request) error {
	v, err := a.Live.Me(r.Context(), viewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) sendPhoneCode(w http.ResponseWriter, r *http.Request) error {
	var in live.PhoneInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sent, err := a.Live.SendPhoneCode(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sent)
	return nil
}

func (a *API) verifyPhone(w http.ResponseWriter, r *http.Request) error {
	var in live.VerifyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Live.VerifyPhone(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) viewerNotifications(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, next, err := a.Live.Notifications(r.Context(), viewer(r), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) readNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.Live.MarkNotificationRead(r.Context(), viewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (a *API) sandboxSMS(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, next, err := a.Live.SandboxSMS(r.Context(), principal(r), strings.TrimSpace(r.URL.Query().Get("phone")), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) reserve(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, status, err := a.Live.Reserve(r.Context(), viewer(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, res)
	return nil
}

func (a *API) cancelReservation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Live.CancelReservation(r.Context(), viewer(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) preview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.Live.Preview(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) resolveEntry(w http.ResponseWriter, r *http.Request) error {
	t, err := a.Live.ResolveEntry(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) listGifts(w http.ResponseWriter, r *http.Request) error {
	gifts, err := a.Live.Gifts(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(gifts, ""))
	return nil
}

func (a *API) createGift(w http.ResponseWriter, r *http.Request) error {
	var in live.GiftInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.Live.CreateGift(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (a *API) patchGift(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in live.GiftPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.Live.UpdateGift(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (a *API) sessionGifts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gifts, err := a.Live.SessionGifts(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(gifts, ""))
	return nil
}

func (a *API) rankings(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 100)
	if err != nil {
		return err
	}
	var at time.Time
	if s := strings.TrimSpace(r.URL.Query().Get("at")); s != "" {
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			return siyu.Invalid("at", "at must be an RFC 3339 time such as 2030-01-02T20:00:00+08:00")
		}
	}
	rk, err := a.Live.Rankings(r.Context(), r.URL.Query().Get("period"), at, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rk)
	return nil
}

func (a *API) discover(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 100)
	if err != nil {
		return err
	}
	d, err := a.Live.Discover(r.Context(), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
