package room

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Moderation limits.
const (
	MaxMuteSeconds  = 86400
	MaxReasonRunes  = 200
	sanctionsListed = 500
)

// Sanction is one moderation action on a viewer of a session. Sanctions are stored
// (room_sanctions) so a ban holds across reconnects, nodes and restarts.
type Sanction struct {
	ID        int64      `json:"id"`
	ViewerID  int64      `json:"viewer_id"`
	Nickname  string     `json:"nickname"`
	Kind      string     `json:"kind"` // mute | kick | ban
	Until     *time.Time `json:"until,omitempty"`
	Reason    string     `json:"reason"`
	ByUserID  int64      `json:"by_user_id"`
	CreatedAt time.Time  `json:"created_at"`
	LiftedAt  *time.Time `json:"lifted_at,omitempty"`
	Active    bool       `json:"active"`
}

type sanctionRow struct {
	ID        int64  `db:"id"`
	ViewerID  int64  `db:"viewer_id"`
	Nickname  string `db:"nickname"`
	Kind      string `db:"kind"`
	Until     int64  `db:"until"`
	Reason    string `db:"reason"`
	ByUserID  int64  `db:"by_user_id"`
	CreatedAt int64  `db:"created_at"`
	LiftedAt  int64  `db:"lifted_at"`
}

func (r sanctionRow) out(now int64) Sanction {
	s := Sanction{ID: r.ID, ViewerID: r.ViewerID, Nickname: r.Nickname, Kind: r.Kind, Reason: r.Reason,
		ByUserID: r.ByUserID, CreatedAt: time.UnixMilli(r.CreatedAt).UTC()}
	if r.Until > 0 {
		t := time.UnixMilli(r.Until).UTC()
		s.Until = &t
	}
	if r.LiftedAt > 0 {
		t := time.UnixMilli(r.LiftedAt).UTC()
		s.LiftedAt = &t
	}
	s.Active = r.LiftedAt == 0 && (r.Kind == "ban" || (r.Kind == "mute" && r.Until > now))
	return s
}

const sanctionCols = `s.id, s.viewer_id, COALESCE(v.nickname, '') AS nickname, s.kind, s.until, s.reason,
	s.by_user_id, s.created_at, s.lifted_at FROM room_sanctions s
	LEFT JOIN viewers v ON v.id = s.viewer_id AND v.tenant_id = s.tenant_id`

func activeSanctions(ctx context.Context, q db.Querier, tenant, session, now int64) ([]sanctionRow, error) {
	var rows []sanctionRow
	err := q.SelectContext(ctx, &rows, `SELECT `+sanctionCols+`
		WHERE s.tenant_id = ? AND s.session_id = ? AND s.lifted_at = 0 AND (s.kind = 'ban' OR (s.kind = 'mute' AND s.until > ?))`,
		tenant, session, now)
	if err != nil {
		return nil, fmt.Errorf("room: load sanctions: %w", err)
	}
	return rows, nil
}

// checkSession makes sure the session exists in the caller's tenant: another tenant's
// session is not found, never forbidden, so ids do not leak across tenants.
func (s *Service) checkSession(ctx context.Context, tenant, session int64) (SessionInfo, error) {
	info, err := s.dir.Session(ctx, session)
	if err != nil {
		return SessionInfo{}, err
	}
	if info.TenantID != tenant {
		return SessionInfo{}, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", session)
	}
	return info, nil
}

// checkViewer makes sure the viewer exists in the tenant and returns the nickname.
func (s *Service) checkViewer(ctx context.Context, tenant, viewer int64) (string, error) {
	var nick string
	err := s.store.GetContext(ctx, &nick, `SELECT nickname FROM viewers WHERE id = ? AND tenant_id = ?`, viewer, tenant)
	if db.IsNoRows(err) {
		return "", siyu.Errorf(siyu.ENOTFOUND, "viewer %d not found", viewer)
	} else if err != nil {
		return "", fmt.Errorf("room: viewer: %w", err)
	}
	return nick, nil
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxReasonRunes {
		return "", siyu.Invalid("reason", "reason must be at most %d characters of text", MaxReasonRunes)
	}
	return reason, nil
}

// Mute stops a viewer from commenting for seconds (1–86400) on every node.
func (s *Service) Mute(ctx context.Context, tenant, session, viewer int64, seconds int, reason string, by int64) (Sanction, error) {
	if seconds < 1 || seconds > MaxMuteSeconds {
		return Sanction{}, siyu.Invalid("seconds", "seconds must be between 1 and %d", MaxMuteSeconds)
	}
	until := s.now().Add(time.Duration(seconds) * time.Second).UnixMilli()
	return s.sanction(ctx, tenant, session, viewer, "mute", until, reason, by)
}

// Kick disconnects a viewer from the room on every node; they may rejoin.
func (s *Service) Kick(ctx context.Context, tenant, session, viewer int64, by int64) (Sanction, error) {
	return s.sanction(ctx, tenant, session, viewer, "kick", 0, "", by)
}

// Ban disconnects a viewer and refuses their joins to the session until unbanned.
func (s *Service) Ban(ctx context.Context, tenant, session, viewer int64, reason string, by int64) (Sanction, error) {
	return s.sanction(ctx, tenant, session, viewer, "ban", 0, reason, by)
}

func (s *Service) sanction(ctx context.Context, tenant, session, viewer int64, kind string, until int64, reason string, by int64) (Sanction, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Sanction{}, err
	}
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return Sanction{}, err
	}
	nick, err := s.checkViewer(ctx, tenant, viewer)
	if err != nil {
		return Sanction{}, err
	}
	now := s.now().UnixMilli()
	row := sanctionRow{ViewerID: viewer, Nickname: nick, Kind: kind, Until: until, Reason: reason, ByUserID: by, CreatedAt: now}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if kind != "kick" { // a new mute replaces the old one; a second ban replaces the first
			if _, err := tx.ExecContext(ctx, `UPDATE room_sanctions SET lifted_at = ?
				WHERE tenant_id = ? AND session_id = ? AND viewer_id = ? AND kind = ? AND lifted_at = 0`,
				now, tenant, session, viewer, kind); err != nil {
				return err
			}
		}
		row.ID, err = db.Insert(ctx, tx, `INSERT INTO room_sanctions (tenant_id, session_id, viewer_id, kind, until, by_user_id, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tenant, session, viewer, kind, until, by, reason, now)
		return err
	})
	if err != nil {
		return Sanction{}, fmt.Errorf("room: %s: %w", kind, err)
	}
	s.publishControl(ctx, Control{Type: kind, SessionID: session, ViewerID: viewer, Until: until, Text: reason})
	return row.out(now), nil
}

// Unmute lifts a viewer's mute; not_found when they are not muted.
func (s *Service) Unmute(ctx context.Context, tenant, session, viewer int64) error {
	return s.lift(ctx, tenant, session, viewer, "mute")
}

// Unban lifts a viewer's ban; not_found when they are not banned.
func (s *Service) Unban(ctx context.Context, tenant, session, viewer int64) error {
	return s.lift(ctx, tenant, session, viewer, "ban")
}

func (s *Service) lift(ctx context.Context, tenant, session, viewer int64, kind string) error {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return err
	}
	now := s.now().UnixMilli()
	res, err := s.store.ExecContext(ctx, `UPDATE room_sanctions SET lifted_at = ?
		WHERE tenant_id = ? AND session_id = ? AND viewer_id = ? AND kind = ? AND lifted_at = 0 AND (kind = 'ban' OR until > ?)`,
		now, tenant, session, viewer, kind, now)
	if err != nil {
		return fmt.Errorf("room: lift %s: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "viewer %d has no active %s in session %d", viewer, kind, session)
	}
	s.publishControl(ctx, Control{Type: "un" + kind, SessionID: session, ViewerID: viewer})
	return nil
}

// Sanctions lists a session's sanctions, newest first (the latest 500).
func (s *Service) Sanctions(ctx context.Context, tenant, session int64) ([]Sanction, error) {
	if _, err := s.checkSession(ctx, tenant, session); err != nil {
		return nil, err
	}
	var rows []sanctionRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+sanctionCols+`
		WHERE s.tenant_id = ? AND s.session_id = ? ORDER BY s.id DESC LIMIT ?`, tenant, session, sanctionsListed); err != nil {
		return nil, fmt.Errorf("room: sanctions: %w", err)
	}
	now := s.now().UnixMilli()
	out := make([]Sanction, len(rows))
	for i, r := range rows {
		out[i] = r.out(now)
	}
	return out, nil
}
