package web

import (
	"net/http"
	"time"

	"github.com/siyu-live/siyu/internal/crm/community"
)

// communityPageData is the members' page /g/{code}: the group's public face rendered
// at once (name, announcement, the live card), then brought to life by
// static/live/community.js, which joins with the device's guest token and shows the
// envelopes and 接龙 to members.
type communityPageData struct {
	P    community.Page
	Boot map[string]any
}

func (c *Console) communityPublic(q *rq) error {
	p, err := c.Communities.Page(q.r.Context(), q.r.PathValue("code"), nil)
	if err != nil {
		return err
	}
	boot := map[string]any{"code": p.Community.Code, "brand_key": p.Community.BrandKey, "join_mode": p.Community.JoinMode,
		"invite": q.r.URL.Query().Get("invite"), "name": p.Community.Name}
	if p.Live != nil {
		boot["session_id"] = p.Live.SessionID
		if !p.Live.ScheduledAt.IsZero() {
			boot["scheduled_at"] = p.Live.ScheduledAt.UTC().Format(time.RFC3339)
		}
	}
	// The invite code may be in the address; the pages' same-origin referrer policy keeps
	// it from the CDNs avatars and covers come from.
	q.renderPublic(http.StatusOK, "pub_community", p.Community.Name, "coral", "pub-body", communityPageData{P: p, Boot: boot})
	return nil
}
