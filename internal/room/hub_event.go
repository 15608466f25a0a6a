package room

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
)

// maxPending bounds what waits for persistence; beyond it the room refuses new
// messages with a busy error instead of growing without limit while the store is slow.
const maxPending = 20000

// onEvent decides on a message from a local connection. Rules that need no I/O are
// all here, in one goroutine: live status, mute, slow mode, banned words, mic queue.
func (h *hub) onEvent(ev *event) {
	c := ev.origin
	info := h.info.Load()
	now := h.svc.now()
	ev.At = now.UnixMilli()
	if len(h.pending) >= maxPending {
		c.sendError(siyu.Errorf("busy", "the room is very busy; try again in a moment"))
		return
	}
	if info.Status != "live" && ev.Kind != KindMicCancel {
		c.sendError(siyu.Errorf("not_live", "the live has not started yet"))
		return
	}
	switch ev.Kind {
	case KindComment:
		if !h.allowComment(c, info, now) {
			return
		}
		if w, hit := h.filter.Match(ev.Text); hit {
			ev.Hidden = HiddenBanned
			h.unsent.Hidden++
			h.svc.log.Debug("room: banned word", "session", h.id, "viewer", ev.ViewerID, "word", w)
		} else {
			h.unsent.Comments++
		}
	case KindGift:
		h.unsent.GiftValue += ev.Amount
	case KindShare:
		h.unsent.Shares++
	case KindFollow:
		h.unsent.Follows++
	case KindMicRequest:
		if h.micPending[ev.ViewerID] {
			return // already asked; the host sees it once
		}
		h.micPending[ev.ViewerID] = true
	case KindMicCancel:
		if !h.micPending[ev.ViewerID] {
			return
		}
		delete(h.micPending, ev.ViewerID)
	}
	h.pending = append(h.pending, ev)
}

// allowComment applies mute and slow mode; staff are exempt from both.
func (h *hub) allowComment(c *conn, info *SessionInfo, now time.Time) bool {
	if c.staff {
		return true
	}
	v, nowMs := c.m.ViewerID, now.UnixMilli()
	if until, ok := h.mutes[v]; ok {
		if until > nowMs {
			left := (until - nowMs + 999) / 1000
			c.sendJSON(errorOut{Type: "error", Code: "muted", Until: until, Remaining: left,
				Message: fmt.Sprintf("you are muted for another %s", time.Duration(left)*time.Second)})
			return false
		}
		delete(h.mutes, v)
	}
	if n := info.SlowModeSeconds; n > 0 {
		if last, ok := h.lastComment[v]; ok && nowMs-last < int64(n)*1000 {
			left := (last + int64(n)*1000 - nowMs + 999) / 1000
			c.sendJSON(errorOut{Type: "error", Code: "slow_mode", Remaining: left,
				Message: fmt.Sprintf("slow mode: one comment every %d seconds; wait %d more", n, left)})
			return false
		}
		h.lastComment[v] = nowMs
	}
	return true
}

// onControl applies a control message of the live domain or a moderation action
// fanned out by whichever node took it.
func (h *hub) onControl(c Control) {
	v := c.ViewerID
	switch c.Type {
	case "session_changed", "stream_interrupted", "stream_resumed":
		h.reloadInfo()
	case "co_stream_invite":
		h.inviteFrom(c.FromSessionID)
	case "mute":
		h.mutes[v] = c.Until
		until := c.Until
		h.toViewer(v, simpleOut{Type: "muted", Until: &until})
	case "unmute":
		delete(h.mutes, v)
		var zero int64
		h.toViewer(v, simpleOut{Type: "muted", Until: &zero})
	case "kick":
		h.closeViewer(v, simpleOut{Type: "kicked"})
	case "ban":
		h.bans[v] = true
		h.closeViewer(v, simpleOut{Type: "banned"})
	case "unban":
		delete(h.bans, v)
	case "delete_comment":
		h.extra = append(h.extra, mustJSON(simpleOut{Type: "comment_deleted", ID: c.CommentID}))
	case "broadcast":
		h.extra = append(h.extra, []byte(c.Text))
	case "send_to":
		h.toViewer(v, json.RawMessage(c.Text))
	case "mic":
		delete(h.micPending, v)
		h.toViewer(v, simpleOut{Type: "mic", State: c.Text})
		h.staffExtra = append(h.staffExtra, mustJSON(micDecisionOut{Type: "mic_decided", ViewerID: v, State: c.Text}))
	}
}

type micDecisionOut struct {
	Type     string `json:"type"`
	ViewerID int64  `json:"viewer_id"`
	State    string `json:"state"`
}

// toViewer sends v to every local connection of a viewer.
func (h *hub) toViewer(viewer int64, v any) {
	conns := h.byViewer[viewer]
	if len(conns) == 0 {
		return
	}
	f := newFrame(mustJSON(v))
	for _, c := range conns {
		c.send(f)
	}
}

// closeViewer tells a viewer's connections why, then closes them.
func (h *hub) closeViewer(viewer int64, v any) {
	for _, c := range h.byViewer[viewer] {
		c.sendAndClose(v)
	}
}

// onRemote merges what another node accepted (after it persisted it) and its count.
func (h *hub) onRemote(m *nodeMsg) {
	if m.Node == h.svc.opt.NodeID {
		return
	}
	h.remoteOn[m.Node] = remoteCount{online: m.Online, expires: h.svc.now().UnixMilli() + int64(3*h.svc.opt.StatsEvery/time.Millisecond)}
	for _, e := range m.Events {
		if e.Kind == KindJoin {
			if _, ok := h.seen[e.ViewerID]; !ok {
				h.seen[e.ViewerID] = true
			}
		}
		if e.Kind == KindMicRequest {
			h.micPending[e.ViewerID] = true
		}
		h.out = append(h.out, e)
	}
}
