package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// Directory is the live domain as the real-time room sees it (room.Directory). Its
// methods sit on the room's hot paths (every join, gift and followers-only comment),
// so session settings are cached for at most a second (and dropped at once when this
// node or, through the bus, another node changes them), gift catalogs for five seconds
// and follows, which are never undone, for ten minutes.
type Directory struct{ s *Service }

var _ room.Directory = (*Directory)(nil)

// Directory returns the room.Directory backed by s.
func (s *Service) Directory() *Directory { return &Directory{s: s} }

func unauthorized() error {
	return siyu.Errorf(siyu.EUNAUTHORIZED, "invalid token for this session")
}

// roomSession returns the cached SessionInfo of any tenant's session.
func (s *Service) roomSession(ctx context.Context, id int64) (room.SessionInfo, error) {
	if info, ok := s.sessions.Get(id); ok {
		return info, nil
	}
	r, err := getAnySession(ctx, s.store, id)
	if err != nil {
		return room.SessionInfo{}, err
	}
	info := room.SessionInfo{ID: r.ID, TenantID: r.TenantID, HostID: r.HostID, HostName: r.HostName, Title: r.Title,
		Status: r.Status, Announcement: r.Announcement, SlowModeSeconds: int(r.SlowMode), FollowersOnly: r.FollowersOnly != 0,
		VideoURL: r.VideoURL, StartedAt: msTime(r.StartedAt), CoStream: r.CoStream,
		ScheduledAt: msTime(r.ScheduledAt), Interrupted: r.InterruptedAt > 0}
	_ = json.Unmarshal([]byte(r.BannedWords), &info.BannedWords)
	set, err := s.settings(ctx, r.TenantID)
	if err != nil {
		return room.SessionInfo{}, err
	}
	info.LargeGiftFen = int64(set.LargeGiftFen)
	s.sessions.Put(id, info)
	return info, nil
}

// Authenticate resolves a token for a room. A viewer token ("sv_") must belong to this
// session; a staff token ("sy_") must be of the session's tenant and hold live.host:
// the session's own host joins as host, other such staff as moderators. Anything else
// is unauthorized; an unknown session is not found.
func (d *Directory) Authenticate(ctx context.Context, sessionID int64, token string) (room.Member, error) {
	info, err := d.s.roomSession(ctx, sessionID)
	if err != nil {
		return room.Member{}, err
	}
	switch {
	case strings.HasPrefix(token, ViewerTokenPrefix):
		v, err := d.s.AuthenticateViewer(ctx, token)
		if err != nil {
			return room.Member{}, err
		}
		if v.SessionID != sessionID || v.TenantID != info.TenantID {
			return room.Member{}, unauthorized()
		}
		return room.Member{TenantID: v.TenantID, SessionID: sessionID, Role: room.RoleViewer, ViewerID: v.ID,
			Nickname: v.Nickname, EntryLinkID: v.EntryLinkID, Known: v.Known}, nil
	case strings.HasPrefix(token, "sy_") && d.s.org != nil:
		p, err := d.s.org.Authenticate(ctx, token)
		if err != nil {
			return room.Member{}, err
		}
		if p.TenantID != info.TenantID || !p.Can(org.PermLiveHost) {
			return room.Member{}, unauthorized()
		}
		m := room.Member{TenantID: p.TenantID, SessionID: sessionID, Role: room.RoleModerator, UserID: p.UserID, Nickname: p.Name}
		if m.Nickname == "" {
			m.Nickname = p.Email
		}
		if p.UserID == info.HostID {
			m.Role = room.RoleHost
		}
		return m, nil
	}
	return room.Member{}, unauthorized()
}

// Session returns the session's current settings and status (cached ≤ 1 s).
func (d *Directory) Session(ctx context.Context, sessionID int64) (room.SessionInfo, error) {
	return d.s.roomSession(ctx, sessionID)
}

// Gift looks up an active gift of the tenant's catalog.
func (d *Directory) Gift(ctx context.Context, tenantID, giftID int64) (room.Gift, error) {
	gifts, err := d.s.activeGifts(ctx, tenantID)
	if err != nil {
		return room.Gift{}, err
	}
	for _, g := range gifts {
		if g.ID == giftID {
			return room.Gift{ID: g.ID, Name: g.Name, Icon: g.Icon, ValueFen: g.Value}, nil
		}
	}
	return room.Gift{}, siyu.Errorf(siyu.ENOTFOUND, "gift %d not found", giftID)
}

// Follow records that the viewer follows the session's host and reports whether the
// follow is new. Staff members do not follow.
func (d *Directory) Follow(ctx context.Context, m room.Member) (bool, error) {
	if m.Role != room.RoleViewer || m.ViewerID == 0 {
		return false, siyu.Errorf(siyu.EINVALID, "only viewers can follow a host")
	}
	info, err := d.s.roomSession(ctx, m.SessionID)
	if err != nil {
		return false, err
	}
	if info.TenantID != m.TenantID {
		return false, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", m.SessionID)
	}
	var id int64
	err = d.s.store.WriteGetContext(ctx, &id, `INSERT INTO follows (tenant_id, host_id, viewer_id, session_id, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (host_id, viewer_id) DO NOTHING RETURNING id`,
		m.TenantID, info.HostID, m.ViewerID, m.SessionID, d.s.now().UnixMilli())
	isNew := err == nil
	if err != nil && !db.IsNoRows(err) {
		return false, fmt.Errorf("live: follow: %w", err)
	}
	d.s.follows.Put([2]int64{info.HostID, m.ViewerID}, true)
	return isNew, nil
}

// IsFollower reports whether the viewer follows the session's host, directly or, once
// the viewer verified a phone, through another viewer identity with the same phone.
func (d *Directory) IsFollower(ctx context.Context, m room.Member) (bool, error) {
	if m.Role != room.RoleViewer {
		return true, nil // staff are never held back by followers-only chat
	}
	info, err := d.s.roomSession(ctx, m.SessionID)
	if err != nil {
		return false, err
	}
	key := [2]int64{info.HostID, m.ViewerID}
	if _, ok := d.s.follows.Get(key); ok {
		return true, nil
	}
	var n int
	err = d.s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM follows f JOIN viewers v ON v.id = f.viewer_id
		WHERE f.tenant_id = ? AND f.host_id = ? AND (f.viewer_id = ? OR (v.phone <> '' AND v.phone =
			(SELECT phone FROM viewers WHERE tenant_id = ? AND id = ?)))`,
		m.TenantID, info.HostID, m.ViewerID, m.TenantID, m.ViewerID)
	if err != nil {
		return false, fmt.Errorf("live: is follower: %w", err)
	}
	if n > 0 {
		d.s.follows.Put(key, true)
	}
	return n > 0, nil
}
