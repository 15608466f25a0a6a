package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
)

// roomPage is the data of the viewer room and the preview page: the session's public
// face, rendered at once (title, cover, countdown), then brought to life by the page
// script through the API and the room's WebSocket.
type roomPage struct {
	P     live.Preview
	Entry string // entry-link code the visitor came through ("" for /live/s/{id})
	Icons map[string]string
	// Boot is the page script's start-up data (JSON script tag).
	Boot map[string]any
}

func (q *rq) roomBoot(p live.Preview, entry string) map[string]any {
	b := map[string]any{
		"session_id": p.ID, "title": p.Title, "status": p.Status, "host_name": p.HostName, "brand": p.Brand,
		"cover_url": p.CoverURL, "theme": p.Theme, "reservations": p.Reservations, "entry": entry,
		"entry_url": p.EntryURL, "preview_url": p.EntryURL + "/preview", "gift_icons": giftIcons,
	}
	if !p.ScheduledAt.IsZero() {
		b["scheduled_at"] = p.ScheduledAt.UTC().Format(time.RFC3339)
	}
	if !p.StartedAt.IsZero() {
		b["started_at"] = p.StartedAt.UTC().Format(time.RFC3339)
	}
	// The ended card shows these at once, also to a visitor who came after the end.
	if p.FinalStats != nil {
		b["final_stats"] = p.FinalStats
	}
	if p.NextSession != nil {
		b["next_session"] = p.NextSession
	}
	if entry != "" {
		b["share_url"] = q.c.Config.PublicURL() + "/live/" + entry
	} else {
		b["share_url"] = p.EntryURL
	}
	return b
}

// liveByCode is an entry link: /live/{code}. The code is kept for the viewer's
// attribution (it goes with POST …/viewers).
func (c *Console) liveByCode(q *rq) error {
	t, err := c.Live.ResolveEntry(q.r.Context(), q.r.PathValue("code"))
	if err != nil {
		return err
	}
	return c.roomFor(q, t.SessionID, t.Code)
}

// liveByID is the direct address of a room: /live/s/{id}.
func (c *Console) liveByID(q *rq) error {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	return c.roomFor(q, id, "")
}

func (c *Console) roomFor(q *rq, id int64, entry string) error {
	p, err := c.Live.Preview(q.r.Context(), id)
	if err != nil {
		return err
	}
	q.w.Header().Set("Referrer-Policy", "no-referrer")
	q.renderPublic(http.StatusOK, "pub_room", p.Title, p.Theme, "room-body",
		roomPage{P: p, Entry: entry, Icons: giftIcons, Boot: q.roomBoot(p, entry)})
	return nil
}

// livePreview is the 直播预告 page: cover, time, host, reservations and the 预约 button.
func (c *Console) livePreview(q *rq) error {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	p, err := c.Live.Preview(q.r.Context(), id)
	if err != nil {
		return err
	}
	q.renderPublic(http.StatusOK, "pub_preview", p.Title, p.Theme, "pub-body",
		roomPage{P: p, Boot: q.roomBoot(p, q.r.URL.Query().Get("entry"))})
	return nil
}

// discoverData is the discovery page: live rooms by this hour's rank, the hourly and
// weekly rankings, and upcoming shows.
type discoverData struct {
	D    live.Discovery
	Hour live.Ranking
	Week live.Ranking
	Tab  string // hour | week
}

func (c *Console) discover(q *rq) error {
	ctx := q.r.Context()
	d, err := c.Live.Discover(ctx, 30)
	if err != nil {
		return err
	}
	hour, err := c.Live.Rankings(ctx, "hour", time.Time{}, 20)
	if err != nil {
		return err
	}
	week, err := c.Live.Rankings(ctx, "week", time.Time{}, 20)
	if err != nil {
		return err
	}
	tab := "hour"
	if q.r.URL.Query().Get("rank") == "week" {
		tab = "week"
	}
	q.renderPublic(http.StatusOK, "pub_discover", q.t("pub.discover.title"), "coral", "pub-body",
		discoverData{D: d, Hour: hour, Week: week, Tab: tab})
	return nil
}

// publicFail answers a public page's error: the viewer's own not-found page for an
// unknown code or session, a short apology otherwise.
func (q *rq) publicFail(err error) {
	switch siyu.ErrorCode(err) {
	case siyu.ENOTFOUND:
		q.pubError(http.StatusNotFound, "pub.notfound.title", "pub.notfound.text")
	case siyu.EINVALID:
		q.pubError(http.StatusNotFound, "pub.notfound.title", "pub.notfound.text")
	default:
		q.c.Logger.ErrorContext(q.r.Context(), "public page", "err", err, "path", q.r.URL.Path)
		q.pubError(http.StatusInternalServerError, "pub.error.title", "pub.error.text")
	}
}

// prizePage is where a lottery winner fills in delivery details (promo.PrizeFormPath,
// linked from the win notification). The server renders only the shell: the prize and
// its delivery are the winner's own, read and written by the page script through the
// viewer API with the token this device kept when it entered the lottery.
func (c *Console) prizePage(q *rq) error {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	q.w.Header().Set("Referrer-Policy", "no-referrer")
	q.w.Header().Set("Cache-Control", "no-store")
	q.renderPublic(http.StatusOK, "pub_prize", q.t("pub.prize.title"), "", "pub-body",
		map[string]any{"ID": id, "Boot": map[string]any{"prize_id": id}})
	return nil
}
