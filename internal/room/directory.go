package room

import (
	"context"
	"time"
)

// Role is what a connection may do in a room.
type Role string

// Connection roles. Hosts and moderators are staff; their messages are never sampled
// away and they receive every comment and the host prompts.
const (
	RoleViewer    Role = "viewer"
	RoleHost      Role = "host"
	RoleModerator Role = "moderator"
)

// Member is who is behind a connection, as the Directory resolved it from a token.
type Member struct {
	TenantID    int64
	SessionID   int64
	Role        Role
	ViewerID    int64 // viewers: the viewer id
	UserID      int64 // staff: the staff user id
	Nickname    string
	EntryLinkID int64 // the entry link the viewer came through (attribution)
	Known       bool  // viewer verified a phone (a known customer)
}

// SessionInfo is what the room needs to know about its live session. The room reloads
// it when the live domain announces a change on the bus (see ControlSubject).
type SessionInfo struct {
	ID              int64
	TenantID        int64
	HostID          int64
	HostName        string
	Title           string
	Status          string // draft | scheduled | live | ended
	Announcement    string
	BannedWords     []string
	SlowModeSeconds int
	FollowersOnly   bool
	VideoURL        string
	StartedAt       time.Time
	// CoStream is the session id of the host this room is paired with (连麦), 0 if none.
	CoStream int64
	// ScheduledAt is when a scheduled session is due to start, so the room can show
	// the countdown to viewers who join early. The live domain fills it.
	ScheduledAt time.Time
	// Interrupted reports that a live stream dropped and may resume without ending the
	// session; viewers see a "host is back soon" state. The live domain fills it.
	Interrupted bool
	// LargeGiftFen is the tenant's large-gift threshold (org.Settings.LargeGiftFen): a
	// gift worth at least this much prompts the host to send a red envelope back. The
	// live domain fills it from the tenant settings; 0 disables the prompt.
	LargeGiftFen int64
}

// Gift is one item of the tenant's gift catalog.
type Gift struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Icon     string `json:"icon"`
	ValueFen int64  `json:"value"`
}

// Directory is how the room reaches the live domain without importing it: the live
// service implements it and the server wires it in. Errors are *siyu.Error values
// (not_found for an unknown session, unauthorized for a bad token).
type Directory interface {
	// Authenticate resolves a viewer token (issued by POST /sessions/{id}/viewers) or a
	// staff bearer token for sessionID. Staff with the live.host permission of the
	// session's tenant join as RoleHost (the session's own host) or RoleModerator.
	Authenticate(ctx context.Context, sessionID int64, token string) (Member, error)
	// Session returns the current settings and status of a session.
	Session(ctx context.Context, sessionID int64) (SessionInfo, error)
	// Gift looks up a gift of the tenant's catalog.
	Gift(ctx context.Context, tenantID, giftID int64) (Gift, error)
	// Follow records that a viewer follows the session's host (idempotent) and reports
	// whether it is new.
	Follow(ctx context.Context, m Member) (bool, error)
	// IsFollower reports whether a viewer follows the session's host, for
	// followers-only chat.
	IsFollower(ctx context.Context, m Member) (bool, error)
}

// ControlSubject is the bus subject on which the live domain announces that a session
// changed (settings, banned words, status) and moderation actions are fanned out to every
// node serving the room.
func ControlSubject(sessionID int64) string {
	return "siyu.room." + itoa(sessionID) + ".control"
}

// EventsSubject carries room events between nodes serving the same session.
func EventsSubject(sessionID int64) string {
	return "siyu.room." + itoa(sessionID) + ".events"
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Control is a message on ControlSubject. The live domain sends "session_changed"
// (reload SessionInfo: settings, banned words, status, announcement, co-stream) and
// "co_stream_invite"; the room engine itself fans moderation out with "mute", "unmute",
// "kick", "ban", "unban", "delete_comment" and mic decisions, so every node enforces them.
type Control struct {
	Type          string `json:"type"`
	SessionID     int64  `json:"session_id"`
	FromSessionID int64  `json:"from_session_id,omitempty"`
	ViewerID      int64  `json:"viewer_id,omitempty"`
	CommentID     int64  `json:"comment_id,omitempty"`
	Until         int64  `json:"until,omitempty"` // unix ms
	Text          string `json:"text,omitempty"`
	// Node is set by the room engine on the moderation it fans out: the node that took
	// the action has already applied it and ignores its own message. Empty from the
	// live domain.
	Node string `json:"node,omitempty"`
}
