package room

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Comment is a stored comment as staff see it: hidden ones included and flagged.
type Comment struct {
	ID        int64     `json:"id"`
	ViewerID  int64     `json:"viewer_id"`
	UserID    int64     `json:"user_id,omitempty"`
	Nickname  string    `json:"nickname"`
	Text      string    `json:"text"`
	Hidden    bool      `json:"hidden"`
	Reason    string    `json:"hidden_reason,omitempty"` // banned_word | deleted
	CreatedAt time.Time `json:"created_at"`
}

type commentRow struct {
	ID        int64  `db:"id"`
	ViewerID  int64  `db:"viewer_id"`
	UserID    int64  `db:"user_id"`
	Nickname  string `db:"nickname"`
	Text      string `db:"text"`
	Hidden    int    `db:"hidden"`
	CreatedAt int64  `db:"created_at"`
}

// Comments lists a session's comments newest first; cursor is the next_cursor of the
// previous page.
func (s *Service) Comments(ctx context.Context, tenant, session int64, cursor string, limit int) ([]Comment, string, error) {
	before := int64(1<<62 - 1)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", siyu.Invalid("cursor", "cursor must be the next_cursor of a previous page")
		}
		before = n
	}
	if limit < 1 || limit > 200 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return nil, "", err
	}
	var rows []commentRow
	err := s.store.SelectContext(ctx, &rows, `SELECT e.id, e.viewer_id, e.user_id, e.text, e.hidden, e.created_at,
		COALESCE(v.nickname, u.name, '') AS nickname
		FROM room_events e
		LEFT JOIN viewers v ON v.id = e.viewer_id AND v.tenant_id = e.tenant_id
		LEFT JOIN users u ON u.id = e.user_id AND u.tenant_id = e.tenant_id
		WHERE e.tenant_id = ? AND e.session_id = ? AND e.kind = 'comment' AND e.id < ?
		ORDER BY e.id DESC LIMIT ?`, tenant, session, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("room: comments: %w", err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = strconv.FormatInt(rows[limit-1].ID, 10)
	}
	out := make([]Comment, len(rows))
	for i, r := range rows {
		out[i] = Comment{ID: r.ID, ViewerID: r.ViewerID, UserID: r.UserID, Nickname: r.Nickname, Text: r.Text,
			Hidden: r.Hidden != Visible, CreatedAt: time.UnixMilli(r.CreatedAt).UTC()}
		switch r.Hidden {
		case HiddenBanned:
			out[i].Reason = "banned_word"
		case HiddenDeleted:
			out[i].Reason = "deleted"
		}
	}
	return out, next, nil
}

// DeleteComment hides a comment and removes it from every viewer's screen.
func (s *Service) DeleteComment(ctx context.Context, tenant, session, comment int64) error {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return err
	}
	res, err := s.store.ExecContext(ctx, `UPDATE room_events SET hidden = ?
		WHERE id = ? AND tenant_id = ? AND session_id = ? AND kind = 'comment'`, HiddenDeleted, comment, tenant, session)
	if err != nil {
		return fmt.Errorf("room: delete comment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "comment %d not found", comment)
	}
	s.publishControl(ctx, Control{Type: "delete_comment", SessionID: session, CommentID: comment})
	return nil
}

// MicRequest is a viewer waiting for the host to take them on mic (上麦).
type MicRequest struct {
	ViewerID    int64     `json:"viewer_id"`
	Nickname    string    `json:"nickname"`
	RequestedAt time.Time `json:"requested_at"`
}

type micRow struct {
	ViewerID  int64  `db:"viewer_id"`
	Nickname  string `db:"nickname"`
	CreatedAt int64  `db:"created_at"`
}

// pendingMics are the viewers whose latest mic event is a request.
func pendingMics(ctx context.Context, q db.Querier, tenant, session int64) ([]micRow, error) {
	var rows []micRow
	err := q.SelectContext(ctx, &rows, `SELECT e.viewer_id, e.created_at, COALESCE(v.nickname, '') AS nickname
		FROM room_events e LEFT JOIN viewers v ON v.id = e.viewer_id AND v.tenant_id = e.tenant_id
		WHERE e.tenant_id = ? AND e.session_id = ? AND e.kind = 'mic_request'
		AND e.id = (SELECT MAX(x.id) FROM room_events x WHERE x.tenant_id = e.tenant_id AND x.session_id = e.session_id
			AND x.viewer_id = e.viewer_id AND x.kind IN ('mic_request', 'mic_cancel', 'mic_approved', 'mic_refused'))
		ORDER BY e.id`, tenant, session)
	if err != nil {
		return nil, fmt.Errorf("room: mic requests: %w", err)
	}
	return rows, nil
}

// MicRequests lists the pending on-mic requests, oldest first.
func (s *Service) MicRequests(ctx context.Context, tenant, session int64) ([]MicRequest, error) {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return nil, err
	}
	rows, err := pendingMics(ctx, s.store, tenant, session)
	if err != nil {
		return nil, err
	}
	out := make([]MicRequest, len(rows))
	for i, r := range rows {
		out[i] = MicRequest{ViewerID: r.ViewerID, Nickname: r.Nickname, RequestedAt: time.UnixMilli(r.CreatedAt).UTC()}
	}
	return out, nil
}

// DecideMic approves or refuses a pending on-mic request; the viewer gets
// mic{state:"approved"|"refused"} on whichever node they are.
func (s *Service) DecideMic(ctx context.Context, tenant, session, viewer int64, approve bool, by int64) error {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return err
	}
	rows, err := pendingMics(ctx, s.store, tenant, session)
	if err != nil {
		return err
	}
	pending := false
	for _, r := range rows {
		pending = pending || r.ViewerID == viewer
	}
	if !pending {
		return siyu.Errorf(siyu.ENOTFOUND, "viewer %d has no pending mic request", viewer)
	}
	kind, state := KindMicNo, "refused"
	if approve {
		kind, state = KindMicOK, "approved"
	}
	if _, err := s.store.ExecContext(ctx, `INSERT INTO room_events (tenant_id, session_id, viewer_id, user_id, kind, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, tenant, session, viewer, by, kind, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("room: decide mic: %w", err)
	}
	s.publishControl(ctx, Control{Type: "mic", SessionID: session, ViewerID: viewer, Text: state})
	return nil
}

// SessionStats answers the stats API: this node's live view of the room when it
// serves it, else the stored aggregates (online 0).
func (s *Service) SessionStats(ctx context.Context, tenant, session int64) (Stats, error) {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return Stats{}, err
	}
	s.mu.Lock()
	h := s.hubs[session]
	s.mu.Unlock()
	if h != nil {
		return h.snapshot(ctx), nil
	}
	var st Stats
	err := s.store.GetContext(ctx, &st.Peak, `SELECT peak_online FROM live_sessions WHERE id = ? AND tenant_id = ?`, session, tenant)
	if err == nil {
		var row struct {
			Viewers   int64 `db:"viewers"`
			Likes     int64 `db:"likes"`
			Comments  int64 `db:"comments"`
			Shares    int64 `db:"shares"`
			Follows   int64 `db:"follows"`
			GiftValue int64 `db:"gift_value"`
			Hidden    int64 `db:"hidden"`
		}
		err = s.store.GetContext(ctx, &row, `SELECT viewers, likes, comments, shares, follows, gift_value,
			(SELECT COUNT(*) FROM room_events e WHERE e.tenant_id = s.tenant_id AND e.session_id = s.id
				AND e.kind = 'comment' AND e.hidden = 1) AS hidden
			FROM live_sessions s WHERE s.id = ? AND s.tenant_id = ?`, session, tenant)
		st.Viewers, st.Likes, st.Comments, st.Shares, st.Follows, st.GiftValue, st.HiddenComments =
			row.Viewers, row.Likes, row.Comments, row.Shares, row.Follows, row.GiftValue, row.Hidden
	}
	if err != nil {
		return Stats{}, fmt.Errorf("room: stats: %w", err)
	}
	return st, nil
}
