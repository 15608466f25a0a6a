package org

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// ConsoleSession is a signed-in browser: the cookie value is a random secret whose hash
// is stored, and CSRF is the token every state-changing console request must echo.
type ConsoleSession struct {
	Cookie    string
	CSRF      string
	ExpiresAt time.Time
}

// CreateSession signs a user in to the console.
func (s *Service) CreateSession(ctx context.Context, u User, ip string) (ConsoleSession, error) {
	now := s.now()
	cs := ConsoleSession{Cookie: newSecret("sys_"), CSRF: newSecret("csrf_"), ExpiresAt: now.Add(s.sessionTTL)}
	_, err := s.store.ExecContext(ctx, `INSERT INTO console_sessions (tenant_id, user_id, token_hash, csrf, ip, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.TenantID, u.ID, HashSecret(cs.Cookie), cs.CSRF, ip, now.UnixMilli(), cs.ExpiresAt.UnixMilli())
	if err != nil {
		return cs, fmt.Errorf("org: create session: %w", err)
	}
	// Expired sessions are swept opportunistically; there is no separate cron for them.
	_, _ = s.store.ExecContext(ctx, `DELETE FROM console_sessions WHERE expires_at < ?`, now.UnixMilli())
	return cs, nil
}

type sessionRow struct {
	CSRF      string `db:"csrf"`
	ExpiresMs int64  `db:"expires_at"`
	Plan      string `db:"plan"`
	userRow
}

// SessionPrincipal resolves a console cookie to its principal and CSRF token.
func (s *Service) SessionPrincipal(ctx context.Context, cookie string) (Principal, string, error) {
	var r sessionRow
	err := s.store.GetContext(ctx, &r, `SELECT cs.csrf, cs.expires_at, tn.plan,
		u.id, u.tenant_id, u.email, u.name, u.password_hash, u.role, u.disabled, u.created_at, u.last_login_at
		FROM console_sessions cs JOIN users u ON u.id = cs.user_id AND u.tenant_id = cs.tenant_id JOIN tenants tn ON tn.id = cs.tenant_id
		WHERE cs.token_hash = ?`, HashSecret(cookie))
	if db.IsNoRows(err) {
		return Principal{}, "", siyu.Errorf(siyu.EUNAUTHORIZED, "please sign in")
	} else if err != nil {
		return Principal{}, "", fmt.Errorf("org: session: %w", err)
	}
	if r.Disabled != 0 || s.now().UnixMilli() >= r.ExpiresMs {
		return Principal{}, "", siyu.Errorf(siyu.EUNAUTHORIZED, "your session has ended; please sign in again")
	}
	return Principal{TenantID: r.TenantID, UserID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), Plan: Plan(r.Plan)}, r.CSRF, nil
}

// EndSession signs a browser out.
func (s *Service) EndSession(ctx context.Context, cookie string) error {
	_, err := s.store.ExecContext(ctx, `DELETE FROM console_sessions WHERE token_hash = ?`, HashSecret(cookie))
	return err
}
