package web

import (
	"encoding/json"
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
)

// reachLandingData is the page a tracked link opens: the live it promotes, and what
// the page script needs to bring this device into the room as the recipient.
type reachLandingData struct {
	L    broadcast.Landing
	Boot map[string]any
}

// reachLanding is GET /r/{token}: it records the click, then its script links this
// device's viewer (or a new one, made through the broadcast's entry link) to the
// recipient and enters the room, so the recipient counts as came once there. Without
// script the button enters the room through the entry link all the same.
func (c *Console) reachLanding(q *rq) error {
	token := q.r.PathValue("token")
	l, err := c.Broadcasts.Click(q.r.Context(), token)
	if err != nil {
		return err
	}
	// The token is the recipient's: keep it out of Referer headers and caches.
	q.w.Header().Set("Referrer-Policy", "no-referrer")
	q.renderPublic(http.StatusOK, "reach_landing", l.Title, l.Theme, "pub-body", reachLandingData{L: l, Boot: map[string]any{
		"session_id": l.SessionID, "room_url": l.RoomURL, "join_url": "/r/" + token + "/join"}})
	return nil
}

// reachJoin is POST /r/{token}/join, called by the landing page script (JSON in and
// out, no cookies involved).
func (c *Console) reachJoin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	in, err := broadcast.DecodeJoin(r.Body)
	if err == nil {
		var out broadcast.Joined
		if out, err = c.Broadcasts.Join(r.Context(), r.PathValue("token"), in); err == nil {
			writeReachJSON(w, http.StatusOK, out)
			return
		}
	}
	status := map[string]int{siyu.EINVALID: http.StatusBadRequest, siyu.ENOTFOUND: http.StatusNotFound,
		siyu.ECONFLICT: http.StatusConflict, siyu.ERATELIMITED: http.StatusTooManyRequests}[siyu.ErrorCode(err)]
	if status == 0 {
		c.Logger.ErrorContext(r.Context(), "tracked link join", "err", err)
		status = http.StatusInternalServerError
	}
	writeReachJSON(w, status, map[string]any{"error": map[string]string{"code": siyu.ErrorCode(err), "message": siyu.ErrorMessage(err)}})
}

func writeReachJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// reachRecipientPoster is GET /r/{token}/poster.png: the recipient's poster with their
// own QR code, the image the message links; fetching it counts as opening.
func (c *Console) reachRecipientPoster(w http.ResponseWriter, r *http.Request) {
	png, err := c.Broadcasts.PosterPNG(r.Context(), r.PathValue("token"))
	writePoster(c, w, r, png, err)
}

// writePoster answers a poster request: the PNG, or a short text saying why not (409
// when this server cannot draw posters).
func writePoster(c *Console, w http.ResponseWriter, r *http.Request, png []byte, err error) {
	if err != nil {
		status := http.StatusConflict
		switch siyu.ErrorCode(err) {
		case siyu.ENOTFOUND:
			status = http.StatusNotFound
		case siyu.EFORBIDDEN:
			status = http.StatusForbidden
		case siyu.EINTERNAL:
			c.Logger.ErrorContext(r.Context(), "poster", "err", err)
			status = http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(siyu.ErrorMessage(err) + "\n"))
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(png)
}
