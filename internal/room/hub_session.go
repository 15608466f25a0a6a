package room

import (
	"context"
	"slices"
	"time"
)

// reloadInfo fetches the session's settings off the hub goroutine and applies them on
// it, so a slow store never stalls the room. It reads again a little later too: the
// directory may cache settings for up to a second, and on another node the cache may
// not have heard of the change yet.
func (h *hub) reloadInfo() {
	h.fetchInfo()
	if !h.reloadSoon {
		h.reloadSoon = true
		time.AfterFunc(1100*time.Millisecond, func() {
			h.call(func() {
				h.reloadSoon = false
				h.fetchInfo()
			})
		})
	}
}

func (h *hub) fetchInfo() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		defer cancel()
		info, err := h.svc.dir.Session(ctx, h.id)
		if err != nil {
			h.svc.log.Warn("room: reload session", "session", h.id, "err", err)
			return
		}
		h.call(func() { h.applyInfo(info) })
	}()
}

// call runs f on the hub goroutine unless the hub has ended.
func (h *hub) call(f func()) bool {
	select {
	case h.calls <- f:
		return true
	case <-h.done:
		return false
	}
}

type coStreamOut struct {
	Type    string      `json:"type"` // co_stream
	Partner *partnerOut `json:"partner"`
}

type inviteOut struct {
	Type          string `json:"type"` // co_stream_invite
	FromSessionID int64  `json:"from_session_id"`
	Title         string `json:"title,omitempty"`
	HostName      string `json:"host_name,omitempty"`
}

// applyInfo swaps in new settings and tells the room what changed.
func (h *hub) applyInfo(info SessionInfo) {
	old := h.info.Load()
	if info.TenantID != h.tenant {
		return // a session never changes tenant; ignore a confused directory
	}
	h.info.Store(&info)
	if !slices.Equal(old.BannedWords, info.BannedWords) {
		h.filter = buildFilter(info.BannedWords)
	}
	if old.Announcement != info.Announcement {
		h.extra = append(h.extra, mustJSON(simpleOut{Type: "announcement", Text: info.Announcement}))
	}
	if old.Status != info.Status || old.Interrupted != info.Interrupted || old.Title != info.Title ||
		old.VideoURL != info.VideoURL || old.SlowModeSeconds != info.SlowModeSeconds || old.FollowersOnly != info.FollowersOnly {
		h.extra = append(h.extra, mustJSON(sessionEventOut{Type: "session", sessionOut: toSessionOut(&info)}))
	}
	if old.CoStream != info.CoStream {
		if info.CoStream == 0 {
			h.partner = nil
			h.extra = append(h.extra, mustJSON(coStreamOut{Type: "co_stream"}))
		} else {
			h.lookupPartner(info.CoStream)
		}
	}
	if info.Status == "ended" && !h.ending {
		h.end()
	}
}

// end broadcasts ended, persists everything and closes every connection; the hub
// closes once the last one is gone.
func (h *hub) end() {
	h.ending = true
	h.extra = append(h.extra, mustJSON(simpleOut{Type: "ended"}))
	h.accrueAll()
	h.persist(true)
	h.broadcast(true)
	for _, c := range h.conns {
		c.sendLast(endedCloser)
	}
}

// endedCloser is an empty batch queued last so that each connection closes once
// everything before it (the ended event) is written.
var endedCloser = newFrame([]byte(`{"type":"batch","events":[]}`))

// lookupPartner loads the co-streaming partner session and announces it.
func (h *hub) lookupPartner(id int64) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		defer cancel()
		p, err := h.svc.dir.Session(ctx, id)
		if err != nil {
			h.svc.log.Warn("room: co-stream partner", "session", h.id, "partner", id, "err", err)
			return
		}
		out := &partnerOut{SessionID: p.ID, Title: p.Title, HostName: p.HostName, VideoURL: p.VideoURL, Status: p.Status}
		h.call(func() {
			if h.info.Load().CoStream != id {
				return
			}
			h.partner = out
			h.extra = append(h.extra, mustJSON(coStreamOut{Type: "co_stream", Partner: out}))
		})
	}()
}

// inviteFrom tells this room's hosts that another host invites them to co-stream.
func (h *hub) inviteFrom(from int64) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		defer cancel()
		inv := inviteOut{Type: "co_stream_invite", FromSessionID: from}
		if p, err := h.svc.dir.Session(ctx, from); err == nil {
			inv.Title, inv.HostName = p.Title, p.HostName
		}
		h.call(func() { h.staffExtra = append(h.staffExtra, mustJSON(inv)) })
	}()
}
