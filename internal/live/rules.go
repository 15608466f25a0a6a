package live

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// RulesOutcome is what the host rules concluded when a session ended.
type RulesOutcome struct {
	DurationSeconds        int64 `json:"duration_seconds"`
	Qualifying             bool  `json:"qualifying"` // counts toward the goods permission
	QualifyingBroadcasts   int   `json:"qualifying_broadcasts"`
	GoodsPermissionGranted bool  `json:"goods_permission_granted"`
	ExposureCreditsGranted int   `json:"exposure_credits_granted"`
}

type privilegeRow struct {
	GoodsAt   int64 `db:"goods_permission_at"`
	Credits   int64 `db:"exposure_credits"`
	NewHostAt int64 `db:"new_host_granted_at"`
}

// lockPrivileges creates the host's privilege row if needed and returns it. The upsert
// takes the row lock on PostgreSQL, so two sessions of one host ending at once are
// evaluated one after the other and a grant is never given twice.
func lockPrivileges(ctx context.Context, q db.Querier, tenantID, userID int64) (privilegeRow, error) {
	var p privilegeRow
	err := q.WriteGetContext(ctx, &p, `INSERT INTO host_privileges (tenant_id, user_id) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id
		RETURNING goods_permission_at, exposure_credits, new_host_granted_at`, tenantID, userID)
	if err != nil {
		return p, fmt.Errorf("live: host privileges: %w", err)
	}
	return p, nil
}

func qualifyingCount(ctx context.Context, q db.Querier, tenantID, hostID int64, set org.Settings) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM live_sessions WHERE tenant_id = ? AND host_id = ? AND status = ?
		AND viewers >= ? AND live_ms >= ?`, tenantID, hostID, StatusEnded, set.GoodsPermissionViewers,
		int64(set.GoodsPermissionMinutes)*time.Minute.Milliseconds())
	return n, err
}

// evaluateRules applies SPEC §3's host rules to a session that has just ended, inside
// the ending transaction (r carries the final live_ms and the flushed counters):
//
//   - goods permission (带货权限): granted once the host has GoodsPermissionBroadcasts
//     ended sessions each with ≥ GoodsPermissionViewers viewers and lasting ≥
//     GoodsPermissionMinutes (interruptions excluded);
//   - new-host incentive: if this is the host's first ended broadcast and it lasted ≥
//     NewHostMinutes, NewHostExposureCredits are granted, once. A short first broadcast
//     forfeits the incentive: it is for a strong first show, not a retry.
func (s *Service) evaluateRules(ctx context.Context, tx *db.Tx, r sessionRow, set org.Settings, now int64) (RulesOutcome, error) {
	out := RulesOutcome{DurationSeconds: r.LiveMs / 1000}
	out.Qualifying = r.Viewers >= int64(set.GoodsPermissionViewers) &&
		r.LiveMs >= int64(set.GoodsPermissionMinutes)*time.Minute.Milliseconds()
	priv, err := lockPrivileges(ctx, tx, r.TenantID, r.HostID)
	if err != nil {
		return out, err
	}
	if out.QualifyingBroadcasts, err = qualifyingCount(ctx, tx, r.TenantID, r.HostID, set); err != nil {
		return out, fmt.Errorf("live: count qualifying broadcasts: %w", err)
	}
	if priv.GoodsAt == 0 && out.QualifyingBroadcasts >= set.GoodsPermissionBroadcasts {
		if _, err := tx.ExecContext(ctx, `UPDATE host_privileges SET goods_permission_at = ? WHERE user_id = ?`, now, r.HostID); err != nil {
			return out, fmt.Errorf("live: grant goods permission: %w", err)
		}
		out.GoodsPermissionGranted = true
	}
	var ended int
	if err := tx.GetContext(ctx, &ended, `SELECT COUNT(*) FROM live_sessions WHERE tenant_id = ? AND host_id = ? AND status = ?`,
		r.TenantID, r.HostID, StatusEnded); err != nil {
		return out, fmt.Errorf("live: count broadcasts: %w", err)
	}
	if priv.NewHostAt == 0 && ended == 1 && r.LiveMs >= int64(set.NewHostMinutes)*time.Minute.Milliseconds() {
		if _, err := tx.ExecContext(ctx, `UPDATE host_privileges SET exposure_credits = exposure_credits + ?,
			new_host_granted_at = ? WHERE user_id = ?`, set.NewHostExposureCredits, now, r.HostID); err != nil {
			return out, fmt.Errorf("live: grant new-host credits: %w", err)
		}
		out.ExposureCreditsGranted = set.NewHostExposureCredits
	}
	return out, nil
}

// HostReport is a host's standing under the rules, for GET /api/v1/hosts/{id}.
type HostReport struct {
	Host                 Person          `json:"host"`
	GoodsPermission      bool            `json:"goods_permission"`
	GoodsPermissionAt    time.Time       `json:"goods_permission_at,omitzero"`
	QualifyingBroadcasts int             `json:"qualifying_broadcasts"`
	RequiredBroadcasts   int             `json:"required_broadcasts"`
	MinViewers           int             `json:"min_viewers"`
	MinMinutes           int             `json:"min_minutes"`
	EndedBroadcasts      int             `json:"ended_broadcasts"`
	ExposureCredits      int64           `json:"exposure_credits"`
	NewHostCreditsAt     time.Time       `json:"new_host_credits_at,omitzero"`
	FirstBroadcast       *FirstBroadcast `json:"first_broadcast,omitempty"`
}

// FirstBroadcast describes the host's first ended session, the one the new-host
// incentive looks at.
type FirstBroadcast struct {
	SessionID       int64     `json:"session_id"`
	Title           string    `json:"title"`
	DurationSeconds int64     `json:"duration_seconds"`
	EndedAt         time.Time `json:"ended_at"`
	Qualified       bool      `json:"qualified"` // long enough for the new-host incentive
}

// HostPrivileges reports a staff member's host standing: goods permission, qualifying
// broadcasts n of N, exposure credits and the first broadcast.
func (s *Service) HostPrivileges(ctx context.Context, p org.Principal, userID int64) (HostReport, error) {
	var out HostReport
	err := s.store.GetContext(ctx, &out.Host, `SELECT id, name FROM users WHERE tenant_id = ? AND id = ?`, p.TenantID, userID)
	if db.IsNoRows(err) {
		return out, siyu.Errorf(siyu.ENOTFOUND, "host %d not found", userID)
	} else if err != nil {
		return out, fmt.Errorf("live: host: %w", err)
	}
	set, err := s.settings(ctx, p.TenantID)
	if err != nil {
		return out, err
	}
	out.RequiredBroadcasts, out.MinViewers, out.MinMinutes = set.GoodsPermissionBroadcasts, set.GoodsPermissionViewers, set.GoodsPermissionMinutes
	var priv privilegeRow
	err = s.store.GetContext(ctx, &priv, `SELECT goods_permission_at, exposure_credits, new_host_granted_at
		FROM host_privileges WHERE tenant_id = ? AND user_id = ?`, p.TenantID, userID)
	if err != nil && !db.IsNoRows(err) {
		return out, fmt.Errorf("live: host privileges: %w", err)
	}
	out.GoodsPermission, out.GoodsPermissionAt = priv.GoodsAt > 0, msTime(priv.GoodsAt)
	out.ExposureCredits, out.NewHostCreditsAt = priv.Credits, msTime(priv.NewHostAt)
	if out.QualifyingBroadcasts, err = qualifyingCount(ctx, s.store, p.TenantID, userID, set); err != nil {
		return out, fmt.Errorf("live: qualifying broadcasts: %w", err)
	}
	if err := s.store.GetContext(ctx, &out.EndedBroadcasts, `SELECT COUNT(*) FROM live_sessions
		WHERE tenant_id = ? AND host_id = ? AND status = ?`, p.TenantID, userID, StatusEnded); err != nil {
		return out, fmt.Errorf("live: broadcasts: %w", err)
	}
	var first struct {
		ID      int64  `db:"id"`
		Title   string `db:"title"`
		LiveMs  int64  `db:"live_ms"`
		EndedAt int64  `db:"ended_at"`
	}
	err = s.store.GetContext(ctx, &first, `SELECT id, title, live_ms, ended_at FROM live_sessions
		WHERE tenant_id = ? AND host_id = ? AND status = ? ORDER BY ended_at, id LIMIT 1`, p.TenantID, userID, StatusEnded)
	if err == nil {
		out.FirstBroadcast = &FirstBroadcast{SessionID: first.ID, Title: first.Title, DurationSeconds: first.LiveMs / 1000,
			EndedAt: msTime(first.EndedAt), Qualified: first.LiveMs >= int64(set.NewHostMinutes)*time.Minute.Milliseconds()}
	} else if !db.IsNoRows(err) {
		return out, fmt.Errorf("live: first broadcast: %w", err)
	}
	return out, nil
}
