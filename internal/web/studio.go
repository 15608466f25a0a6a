package web

import (
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// studioData is the host's live control panel (直播中控台). The page is rendered once;
// its script then takes a bearer token from POST /console/live/{id}/token and drives
// the room's WebSocket and moderation API.
type studioData struct {
	S      live.Session
	Others []live.Session // the brand's other live sessions, for co-stream invitations
	Manage bool
	Promo  bool // may launch the selling tools (promo.manage): their forms are disabled otherwise
	Boot   map[string]any
	JS     map[string]string // the js.* texts for the page script
}

// studio requires live.host: hosts and moderators run the show; an agent gets 403
// even with a direct link.
func (c *Console) studio(q *rq) error {
	if !q.p.Can(org.PermLiveHost) {
		return siyu.Errorf(siyu.EFORBIDDEN, "area")
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	ctx := q.r.Context()
	s, err := c.Live.Get(ctx, q.p, id)
	if err != nil {
		return err
	}
	lives, _, err := c.Live.List(ctx, q.p, live.StatusLive, 0, 50)
	if err != nil {
		return err
	}
	var others []live.Session
	for _, o := range lives {
		if o.ID != id {
			others = append(others, o)
		}
	}
	gifts, err := c.Live.Gifts(ctx, q.p)
	if err != nil {
		return err
	}
	giftIcon := map[int64]string{}
	for _, g := range gifts {
		giftIcon[g.ID] = g.Icon
	}
	d := studioData{S: s, Others: others, Manage: q.p.Can(org.PermSessionsManage), Promo: q.p.Can(org.PermPromoManage),
		JS: c.jsCatalog(q.lang)}
	d.Boot = map[string]any{
		"session_id": s.ID, "title": s.Title, "status": s.Status, "interrupted": s.Interrupted,
		"video_url": s.VideoURL, "announcement": s.Announcement, "slow_mode_seconds": s.SlowModeSeconds,
		"followers_only": s.FollowersOnly, "host_name": s.Host.Name, "user_id": q.p.UserID,
		"is_host": s.Host.ID == q.p.UserID, "manage": d.Manage, "gift_icons": giftIcons, "gifts": giftIcon,
		"entry_url": s.EntryURL, "co_stream_session_id": s.CoStreamWith, "promo": d.Promo,
		"can_analytics": q.p.Can(org.PermAnalyticsView), // drop alerts from the live dashboard
	}
	q.csp = q.mediaCSP()
	q.render(http.StatusOK, "live_studio", "live.studio", d)
	return nil
}

// studioToken gives the studio script a bearer token for the signed-in staff member.
// It is a CSRF-protected POST (the authed wrapper checks the header), so another site
// cannot mint one; the token expires with the console session's TTL.
func (c *Console) studioToken(q *rq) error {
	if !q.p.Can(org.PermLiveHost) {
		return siyu.Errorf(siyu.EFORBIDDEN, "area")
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if _, err := c.Live.Get(q.r.Context(), q.p, id); err != nil {
		return err
	}
	return c.writeLoginToken(q)
}
