package room

import (
	"time"

	"github.com/gorilla/websocket"
)

// presenceUpd is what the next persistence job adds to a viewer's room_presence row.
type presenceUpd struct {
	ViewerID    int64
	EntryLinkID int64
	WatchMs     int64
	Likes       int64
	LastSeen    int64
}

type memberOut struct {
	Role       Role   `json:"role"`
	ViewerID   int64  `json:"viewer_id,omitempty"`
	UserID     int64  `json:"user_id,omitempty"`
	Nickname   string `json:"nickname"`
	MutedUntil int64  `json:"muted_until,omitempty"`
	Follower   bool   `json:"follower,omitempty"`
}

type sessionOut struct {
	ID              int64  `json:"id"`
	Title           string `json:"title"`
	Status          string `json:"status"`
	Interrupted     bool   `json:"interrupted"`
	Announcement    string `json:"announcement"`
	HostName        string `json:"host_name"`
	VideoURL        string `json:"video_url"`
	ScheduledAt     string `json:"scheduled_at,omitempty"` // RFC 3339: the countdown
	StartedAt       string `json:"started_at,omitempty"`
	SlowModeSeconds int    `json:"slow_mode_seconds"`
	FollowersOnly   bool   `json:"followers_only"`
}

type welcomeOut struct {
	Type     string      `json:"type"`
	Session  sessionOut  `json:"session"`
	Member   memberOut   `json:"member"`
	Stats    Stats       `json:"stats"`
	CoStream *partnerOut `json:"co_stream,omitempty"`
}

type sessionEventOut struct {
	Type string `json:"type"` // session
	sessionOut
}

func toSessionOut(in *SessionInfo) sessionOut {
	out := sessionOut{ID: in.ID, Title: in.Title, Status: in.Status, Interrupted: in.Interrupted,
		Announcement: in.Announcement, HostName: in.HostName, VideoURL: in.VideoURL,
		SlowModeSeconds: in.SlowModeSeconds, FollowersOnly: in.FollowersOnly}
	if !in.ScheduledAt.IsZero() {
		out.ScheduledAt = in.ScheduledAt.UTC().Format(time.RFC3339)
	}
	if !in.StartedAt.IsZero() {
		out.StartedAt = in.StartedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// onJoin admits a connection: banned viewers are refused, everyone else gets the
// welcome (session, member, stats, co-stream) and joins the fan-out.
func (h *hub) onJoin(c *conn) {
	info := h.info.Load()
	if h.stopping != nil {
		go c.closeWith(websocket.CloseGoingAway, "server restarting")
		return
	}
	if h.ending || info.Status == "ended" {
		c.sendJSON(simpleOut{Type: "ended"})
		c.sendAndClose(errorOut{Type: "error", Code: "session_ended", Message: "this live has ended"})
		return
	}
	v := c.m.ViewerID
	if !c.staff && h.bans[v] {
		c.sendAndClose(simpleOut{Type: "banned"})
		return
	}
	now := h.svc.now().UnixMilli()
	c.idx = len(h.conns)
	h.conns = append(h.conns, c)
	w := welcomeOut{Type: "welcome", Session: toSessionOut(info), Stats: h.currentStats(), CoStream: h.partner,
		Member: memberOut{Role: c.m.Role, ViewerID: v, UserID: c.m.UserID, Nickname: c.m.Nickname}}
	if c.staff {
		h.staffN++
	} else {
		if until := h.mutes[v]; until > now {
			w.Member.MutedUntil = until
		}
		c.since = now
		h.byViewer[v] = append(h.byViewer[v], c)
		h.noteJoin(c, now)
	}
	c.sendJSON(w)
	go c.readLoop()
}

// noteJoin records the join for persistence, distinct counts and host prompts.
func (h *hub) noteJoin(c *conn, now int64) {
	v := c.m.ViewerID
	if _, ok := h.seen[v]; !ok {
		h.seen[v] = false
		h.unconfirmed++
	}
	if hr := now / 3_600_000; hr != h.hour {
		h.hour, h.hourSeen = hr, map[int64]bool{}
	}
	if !h.hourSeen[v] {
		h.hourSeen[v] = true
		h.unsent.HourViewers++
	}
	h.pending = append(h.pending, &event{Kind: KindJoin, TenantID: h.tenant, ViewerID: v, Role: RoleViewer,
		Nickname: c.m.Nickname, RefID: c.m.EntryLinkID, At: now})
}

// onLeave removes a connection and books the viewer's watch time.
func (h *hub) onLeave(c *conn) {
	if c.idx >= len(h.conns) || h.conns[c.idx] != c {
		return // never admitted
	}
	last := len(h.conns) - 1
	h.conns[c.idx] = h.conns[last]
	h.conns[c.idx].idx = c.idx
	h.conns[last] = nil
	h.conns = h.conns[:last]
	if c.staff {
		h.staffN--
		return
	}
	h.accrue(c, h.svc.now().UnixMilli())
	v := c.m.ViewerID
	list := h.byViewer[v]
	for i, x := range list {
		if x == c {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(h.byViewer, v)
	} else {
		h.byViewer[v] = list
	}
}

// accrue adds a viewer connection's watch time and likes since the last booking to
// the pending presence update.
func (h *hub) accrue(c *conn, now int64) {
	p := h.presence[c.m.ViewerID]
	if p == nil {
		p = &presenceUpd{ViewerID: c.m.ViewerID, EntryLinkID: c.m.EntryLinkID}
		h.presence[c.m.ViewerID] = p
	}
	if now > c.since {
		p.WatchMs += now - c.since
		c.since = now
	}
	p.Likes += c.likes.Swap(0)
	p.LastSeen = now
}

// accrueAll books every connected viewer (periodically and before a flush), so a
// crash loses at most PresenceEvery of watch time.
func (h *hub) accrueAll() {
	now := h.svc.now().UnixMilli()
	for _, c := range h.conns {
		if !c.staff {
			h.accrue(c, now)
		}
	}
}

// online counts distinct viewers connected here plus what the other nodes reported.
func (h *hub) online() int {
	n := len(h.byViewer)
	now := h.svc.now().UnixMilli()
	for node, rc := range h.remoteOn {
		if rc.expires < now {
			delete(h.remoteOn, node)
			continue
		}
		n += rc.online
	}
	return n
}
