package live

import (
	"context"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room/wordfilter"
)

func need(p org.Principal, perm org.Permission) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}

// checkHost makes sure a session's host is an active staff member of the tenant who
// may host lives, so the room never grants the host role to a stranger.
func checkHost(ctx context.Context, q db.Querier, tenantID, userID int64) error {
	var u struct {
		Role     string `db:"role"`
		Disabled int64  `db:"disabled"`
	}
	err := q.GetContext(ctx, &u, `SELECT role, disabled FROM users WHERE tenant_id = ? AND id = ?`, tenantID, userID)
	if db.IsNoRows(err) {
		return siyu.Invalid("host_id", "host_id %d is not a staff member of this brand", userID)
	} else if err != nil {
		return fmt.Errorf("live: check host: %w", err)
	}
	if u.Disabled != 0 || !org.Role(u.Role).Can(org.PermLiveHost) {
		return siyu.Invalid("host_id", "staff member %d may not host lives (needs an active account with %s)", userID, org.PermLiveHost)
	}
	return nil
}

// Create makes a draft session, or a scheduled one when in.ScheduledAt is set.
func (s *Service) Create(ctx context.Context, p org.Principal, in CreateInput) (Session, error) {
	if err := need(p, org.PermSessionsManage); err != nil {
		return Session{}, err
	}
	now := s.now()
	r := sessionRow{TenantID: p.TenantID, Theme: Themes[0], Rundown: "[]", BannedWords: "[]", Status: StatusDraft}
	var err error
	if r.Title, err = text("title", in.Title, 1, MaxTitleRunes, false); err != nil {
		return Session{}, err
	}
	in.SessionPatch.Title = nil
	if err := in.SessionPatch.apply(&r); err != nil {
		return Session{}, err
	}
	if strings.TrimSpace(in.ScheduledAt) != "" {
		at, err := parseFuture("scheduled_at", in.ScheduledAt, now)
		if err != nil {
			return Session{}, err
		}
		r.ScheduledAt, r.Status = at.UnixMilli(), StatusScheduled
	}
	switch {
	case in.HostID != nil:
		r.HostID = *in.HostID
	case p.Can(org.PermLiveHost):
		r.HostID = p.UserID
	default:
		return Session{}, siyu.Invalid("host_id", "host_id is required: choose a staff member who may host lives")
	}
	var out Session
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkHost(ctx, tx, p.TenantID, r.HostID); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO live_sessions (tenant_id, host_id, title, description, cover_url, theme,
			announcement, video_url, rundown, banned_words, slow_mode_seconds, followers_only, status, scheduled_at,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID, r.HostID, r.Title, r.Description, r.CoverURL, r.Theme, r.Announcement, r.VideoURL, r.Rundown,
			r.BannedWords, r.SlowMode, r.FollowersOnly, r.Status, r.ScheduledAt, now.UnixMilli(), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("live: create session: %w", err)
		}
		if r, err = getSession(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if out, err = s.toSession(ctx, tx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, AuditSessionCreate, id, r.Title)
	})
	return out, err
}

// Get returns one session of the caller's tenant.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Session, error) {
	r, err := getSession(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Session{}, err
	}
	return s.toSession(ctx, s.store, r)
}

// List returns the tenant's sessions newest first, optionally of one status, below the
// id before (0 for the newest), with the cursor of the next page ("" on the last).
func (s *Service) List(ctx context.Context, p org.Principal, status string, before int64, limit int) ([]Session, string, error) {
	q := `SELECT ` + sessionCols + sessionFrom + ` WHERE s.tenant_id = ?`
	args := []any{p.TenantID}
	switch status {
	case "":
	case StatusDraft, StatusScheduled, StatusLive, StatusEnded:
		q += ` AND s.status = ?`
		args = append(args, status)
	default:
		return nil, "", siyu.Invalid("status", "status must be draft, scheduled, live or ended")
	}
	if before > 0 {
		q += ` AND s.id < ?`
		args = append(args, before)
	}
	var rows []sessionRow
	if err := s.store.SelectContext(ctx, &rows, q+fmt.Sprintf(` ORDER BY s.id DESC LIMIT %d`, limit), args...); err != nil {
		return nil, "", fmt.Errorf("live: list sessions: %w", err)
	}
	out, err := s.toSessions(ctx, s.store, p.TenantID, rows...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) == limit {
		next = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, next, nil
}

// change runs fn on the locked session in one transaction, saves nothing itself, tells
// the rooms the session changed and answers the session as it is afterwards.
func (s *Service) change(ctx context.Context, p org.Principal, perm org.Permission, id int64, fn func(tx *db.Tx, r *sessionRow, now int64) error) (Session, error) {
	if err := need(p, perm); err != nil {
		return Session{}, err
	}
	var out Session
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := lockSession(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if err := fn(tx, &r, s.now().UnixMilli()); err != nil {
			return err
		}
		if r, err = getSession(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if out, err = s.toSession(ctx, tx, r); err != nil {
			return err
		}
		s.changed(tx, id)
		return nil
	})
	return out, err
}

// Update changes a session's settings. The host cannot change once the session is live
// or ended: the room's host role and the host rules are tied to who broadcast it.
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, in SessionPatch) (Session, error) {
	return s.change(ctx, p, org.PermSessionsManage, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		if err := in.apply(r); err != nil {
			return err
		}
		if in.HostID != nil && *in.HostID != r.HostID {
			if r.Status == StatusLive || r.Status == StatusEnded {
				return siyu.Errorf(siyu.ECONFLICT, "session %d is %s; its host can no longer change", id, r.Status)
			}
			if err := checkHost(ctx, tx, p.TenantID, *in.HostID); err != nil {
				return err
			}
			r.HostID = *in.HostID
		}
		return saveSettings(ctx, tx, *r, now)
	})
}

// SetBannedWords replaces the session's banned words. Each is trimmed and must be 1 to
// 50 characters; words the room's filter cannot use (only punctuation or emoji) are
// refused by name, and words that normalize alike are kept once. It answers the list
// as saved.
func (s *Service) SetBannedWords(ctx context.Context, p org.Principal, id int64, words []string) ([]string, error) {
	if len(words) > MaxBannedWords {
		return nil, siyu.Invalid("words", "at most %d banned words are allowed, got %d", MaxBannedWords, len(words))
	}
	clean := make([]string, len(words))
	for i, w := range words {
		t, err := text("words", w, 1, MaxBannedWordRunes, false)
		if err != nil {
			return nil, siyu.Invalid("words", "banned word %d (%q) must be 1 to %d characters without control characters",
				i+1, w, MaxBannedWordRunes)
		}
		clean[i] = t
	}
	f, err := wordfilter.New(clean)
	if err != nil {
		return nil, siyu.Invalid("words", "%s", strings.TrimPrefix(err.Error(), "wordfilter: "))
	}
	saved := f.Words()
	if saved == nil {
		saved = []string{}
	}
	_, err = s.change(ctx, p, org.PermSessionsManage, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		r.BannedWords = encodeJSON(saved)
		if err := s.audit(ctx, tx, p, AuditSessionBannedWords, id, fmt.Sprintf("%d words", len(saved))); err != nil {
			return err
		}
		return saveSettings(ctx, tx, *r, now)
	})
	return saved, err
}
