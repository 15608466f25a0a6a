package room

import (
	"context"
	"time"

	"github.com/siyu-live/siyu"
)

// Per-connection limits (ours): a viewer may send 20 messages a second (burst 40) of
// which 5 comments a second (burst 5); a like message counts up to 100 likes.
const (
	msgsPerSec     = 20
	msgsBurst      = 40
	commentsPerSec = 5
	commentsBurst  = 5
	dirTimeout     = 3 * time.Second
)

var pongFrame = newFrame([]byte(`{"type":"pong"}`))

// handle runs on the read goroutine: it validates, rate-limits and does the lookups
// that need the store (gifts, follows, followers-only) so the hub never waits on I/O,
// then hands the message to the hub, which decides.
func (c *conn) handle(data []byte) {
	now := time.Now().UnixNano()
	if !c.msgs.allow(now, msgsPerSec, msgsBurst) {
		c.sendError(siyu.Errorf(siyu.ERATELIMITED, "too many messages; slow down"))
		return
	}
	msg, err := DecodeClient(data)
	if err != nil {
		c.sendError(err)
		return
	}
	h := c.hub
	info := h.info.Load()
	switch msg.Type {
	case MsgPing:
		c.send(pongFrame)
	case MsgGrab:
		c.grab(msg) // answered once committed, never waited for here (grab.go)
	case MsgLike:
		if info.Status != "live" {
			c.sendError(siyu.Errorf("not_live", "the live has not started"))
			return
		}
		h.likes.Add(int64(msg.Count))
		if !c.staff {
			c.likes.Add(int64(msg.Count))
		}
	case MsgComment:
		if !c.comments.allow(now, commentsPerSec, commentsBurst) {
			c.sendError(siyu.Errorf(siyu.ERATELIMITED, "you are commenting too fast"))
			return
		}
		if info.FollowersOnly && !c.staff && !c.isFollower() {
			c.sendError(siyu.Errorf("followers_only", "only followers of the host may comment; follow to join the chat"))
			return
		}
		c.post(&event{Kind: KindComment, Text: msg.Text})
	case MsgGift:
		if c.staff {
			c.sendError(siyu.Errorf(siyu.EFORBIDDEN, "staff cannot send gifts"))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		g, err := h.svc.dir.Gift(ctx, c.m.TenantID, msg.GiftID)
		cancel()
		if err != nil {
			c.sendError(err)
			return
		}
		c.post(&event{Kind: KindGift, RefID: g.ID, Text: g.Name, Amount: g.ValueFen * int64(msg.Count), Count: msg.Count})
	case MsgShare:
		c.post(&event{Kind: KindShare})
	case MsgFollow:
		if c.staff {
			c.sendError(siyu.Errorf(siyu.EFORBIDDEN, "staff cannot follow"))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		isNew, err := h.svc.dir.Follow(ctx, c.m)
		cancel()
		if err != nil {
			c.sendError(err)
			return
		}
		c.follower = true
		if isNew {
			c.post(&event{Kind: KindFollow})
		}
	case MsgMicRequest, MsgMicCancel:
		if c.staff {
			c.sendError(siyu.Errorf(siyu.EFORBIDDEN, "only viewers ask to go on mic"))
			return
		}
		c.post(&event{Kind: msg.Type})
	case MsgMicApprove, MsgMicRefuse:
		if !c.staff {
			c.sendError(siyu.Errorf(siyu.EFORBIDDEN, "only the host decides mic requests"))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
		err := h.svc.DecideMic(ctx, c.m.TenantID, h.id, msg.ViewerID, msg.Type == MsgMicApprove, c.m.UserID)
		cancel()
		if err != nil {
			c.sendError(err)
		}
	}
}

// isFollower asks the directory once; a positive answer is kept for the connection.
func (c *conn) isFollower() bool {
	if c.follower {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), dirTimeout)
	defer cancel()
	ok, err := c.hub.svc.dir.IsFollower(ctx, c.m)
	if err != nil {
		c.hub.svc.log.Warn("room: is follower", "session", c.hub.id, "err", err)
	}
	c.follower = ok
	return ok
}

// post fills in who sent ev and hands it to the hub; a full inbox refuses it.
func (c *conn) post(ev *event) {
	ev.TenantID, ev.ViewerID, ev.UserID, ev.Role, ev.Nickname = c.m.TenantID, c.m.ViewerID, c.m.UserID, c.m.Role, c.m.Nickname
	ev.origin = c
	select {
	case c.hub.inbox <- ev:
	default:
		c.hub.svc.metrics.busy.Add(1)
		c.sendError(siyu.Errorf("busy", "the room is very busy; try again in a moment"))
	}
}

// sendError sends an error event. Internal failures are logged and shown only as
// "internal error", as in the HTTP API.
func (c *conn) sendError(err error) {
	code := siyu.ErrorCode(err)
	if code == siyu.EINTERNAL {
		c.hub.svc.log.Error("room: message failed", "session", c.hub.id, "err", err)
	}
	c.sendJSON(errorOut{Type: "error", Code: code, Message: siyu.ErrorMessage(err), Field: siyu.ErrorField(err)})
}
