package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// sessionRow mirrors live_sessions (plus the host's name).
type sessionRow struct {
	ID            int64  `db:"id"`
	TenantID      int64  `db:"tenant_id"`
	HostID        int64  `db:"host_id"`
	HostName      string `db:"host_name"`
	Title         string `db:"title"`
	Description   string `db:"description"`
	CoverURL      string `db:"cover_url"`
	Theme         string `db:"theme"`
	Announcement  string `db:"announcement"`
	VideoURL      string `db:"video_url"`
	Rundown       string `db:"rundown"`
	BannedWords   string `db:"banned_words"`
	SlowMode      int64  `db:"slow_mode_seconds"`
	FollowersOnly int64  `db:"followers_only"`
	Status        string `db:"status"`
	ScheduledAt   int64  `db:"scheduled_at"`
	StartedAt     int64  `db:"started_at"`
	EndedAt       int64  `db:"ended_at"`
	InterruptedAt int64  `db:"interrupted_at"`
	InterruptedMs int64  `db:"interrupted_ms"`
	LiveMs        int64  `db:"live_ms"`
	PeakOnline    int64  `db:"peak_online"`
	Viewers       int64  `db:"viewers"`
	Likes         int64  `db:"likes"`
	Comments      int64  `db:"comments"`
	Shares        int64  `db:"shares"`
	Follows       int64  `db:"follows"`
	GiftValue     int64  `db:"gift_value"`
	Reservations  int    `db:"reservations"`
	CoStream      int64  `db:"co_stream_session_id"`
	InviteFrom    int64  `db:"co_stream_invite_from"`
	InviteAt      int64  `db:"co_stream_invite_at"`
	CreatedAt     int64  `db:"created_at"`
	UpdatedAt     int64  `db:"updated_at"`
}

const sessionCols = `s.id, s.tenant_id, s.host_id, COALESCE(u.name, '') AS host_name, s.title, s.description,
	s.cover_url, s.theme, s.announcement, s.video_url, s.rundown, s.banned_words, s.slow_mode_seconds,
	s.followers_only, s.status, s.scheduled_at, s.started_at, s.ended_at, s.interrupted_at, s.interrupted_ms,
	s.live_ms, s.peak_online, s.viewers, s.likes, s.comments, s.shares, s.follows, s.gift_value,
	s.co_stream_session_id, s.co_stream_invite_from, s.co_stream_invite_at, s.created_at, s.updated_at,
	(SELECT COUNT(*) FROM reservations r WHERE r.tenant_id = s.tenant_id AND r.session_id = s.id) AS reservations`

const sessionFrom = ` FROM live_sessions s LEFT JOIN users u ON u.id = s.host_id`

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func encodeJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// onAirMs is how long the session has been on air at now, interruptions excluded.
func (r sessionRow) onAirMs(now int64) int64 {
	switch {
	case r.Status == StatusEnded:
		return r.LiveMs
	case r.Status != StatusLive || r.StartedAt == 0:
		return 0
	}
	paused := r.InterruptedMs
	if r.InterruptedAt > 0 {
		paused += now - r.InterruptedAt
	}
	return max(0, now-r.StartedAt-paused)
}

func (s *Service) session(r sessionRow) Session {
	out := Session{
		ID: r.ID, Title: r.Title, Description: r.Description, CoverURL: r.CoverURL, Theme: r.Theme,
		Announcement: r.Announcement, VideoURL: r.VideoURL, SlowModeSeconds: int(r.SlowMode),
		FollowersOnly: r.FollowersOnly != 0, Status: r.Status, Host: Person{ID: r.HostID, Name: r.HostName},
		ScheduledAt: msTime(r.ScheduledAt), StartedAt: msTime(r.StartedAt), EndedAt: msTime(r.EndedAt),
		Interrupted: r.InterruptedAt > 0, InterruptedAt: msTime(r.InterruptedAt),
		DurationSeconds: r.onAirMs(s.now().UnixMilli()) / 1000, CoStreamWith: r.CoStream,
		Stats: Stats{PeakOnline: r.PeakOnline, Viewers: r.Viewers, Likes: r.Likes, Comments: r.Comments,
			Shares: r.Shares, Follows: r.Follows, GiftValue: r.GiftValue},
		Reservations: r.Reservations, EntryURL: s.entryURL(r.ID), PreviewURL: s.previewURL(r.ID),
		CreatedAt: msTime(r.CreatedAt), UpdatedAt: msTime(r.UpdatedAt),
	}
	_ = json.Unmarshal([]byte(r.Rundown), &out.Rundown)
	_ = json.Unmarshal([]byte(r.BannedWords), &out.BannedWords)
	if out.Rundown == nil {
		out.Rundown = []Segment{}
	}
	if out.BannedWords == nil {
		out.BannedWords = []string{}
	}
	return out
}

// entryURL is the viewer page of a session entered directly (channel "direct"), and
// previewURL its preview (预告) page; entry links have /live/<code> instead.
func (s *Service) entryURL(id int64) string { return s.base + "/live/s/" + strconv.FormatInt(id, 10) }

func (s *Service) previewURL(id int64) string { return s.entryURL(id) + "/preview" }

// getSession reads one session of the tenant; another tenant's is not found.
func getSession(ctx context.Context, q db.Querier, tenantID, id int64) (sessionRow, error) {
	var r sessionRow
	err := q.GetContext(ctx, &r, `SELECT `+sessionCols+sessionFrom+` WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("live: get session %d: %w", id, err)
	}
	return r, nil
}

// lockSession reads a session inside a write transaction for a change. On PostgreSQL
// FOR UPDATE serializes concurrent lifecycle changes of one session; SQLite has a
// single writer already.
func lockSession(ctx context.Context, tx *db.Tx, tenantID, id int64) (sessionRow, error) {
	q := `SELECT ` + sessionCols + sessionFrom + ` WHERE s.tenant_id = ? AND s.id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR UPDATE OF s`
	}
	var r sessionRow
	err := tx.GetContext(ctx, &r, q, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("live: lock session %d: %w", id, err)
	}
	return r, nil
}

// getAnySession reads a session by id whatever its tenant, for the public routes and
// the room (the id itself is the capability there).
func getAnySession(ctx context.Context, q db.Querier, id int64) (sessionRow, error) {
	var r sessionRow
	err := q.GetContext(ctx, &r, `SELECT `+sessionCols+sessionFrom+` WHERE s.id = ?`, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("live: get session %d: %w", id, err)
	}
	return r, nil
}

// saveSettings writes the editable settings of r.
func saveSettings(ctx context.Context, q db.Querier, r sessionRow, now int64) error {
	_, err := q.ExecContext(ctx, `UPDATE live_sessions SET title = ?, description = ?, cover_url = ?, theme = ?,
		announcement = ?, video_url = ?, rundown = ?, banned_words = ?, slow_mode_seconds = ?, followers_only = ?,
		host_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		r.Title, r.Description, r.CoverURL, r.Theme, r.Announcement, r.VideoURL, r.Rundown, r.BannedWords,
		r.SlowMode, r.FollowersOnly, r.HostID, now, r.TenantID, r.ID)
	if err != nil {
		return fmt.Errorf("live: save session %d: %w", r.ID, err)
	}
	return nil
}
