package org

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type userRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	Email        string `db:"email"`
	Name         string `db:"name"`
	PasswordHash string `db:"password_hash"`
	Role         string `db:"role"`
	Disabled     int64  `db:"disabled"`
	CreatedAt    int64  `db:"created_at"`
	LastLoginAt  int64  `db:"last_login_at"`
}

func (r userRow) user() User {
	u := User{ID: r.ID, TenantID: r.TenantID, Email: r.Email, Name: r.Name, Role: Role(r.Role),
		Disabled: r.Disabled != 0, CreatedAt: time.UnixMilli(r.CreatedAt).UTC()}
	if r.LastLoginAt > 0 {
		u.LastLoginAt = time.UnixMilli(r.LastLoginAt).UTC()
	}
	return u
}

const userCols = `id, tenant_id, email, name, password_hash, role, disabled, created_at, last_login_at`

type tenantRow struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Plan      string `db:"plan"`
	Settings  string `db:"settings"`
	CreatedAt int64  `db:"created_at"`
}

func (r tenantRow) tenant() Tenant {
	return Tenant{ID: r.ID, Name: r.Name, Plan: Plan(r.Plan), CreatedAt: time.UnixMilli(r.CreatedAt).UTC()}
}

func getTenant(ctx context.Context, q db.Querier, id int64) (tenantRow, error) {
	var r tenantRow
	err := q.GetContext(ctx, &r, `SELECT id, name, plan, settings, created_at FROM tenants WHERE id = ?`, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "tenant %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("org: get tenant: %w", err)
	}
	return r, nil
}

func getUserByEmail(ctx context.Context, q db.Querier, email string) (userRow, error) {
	var r userRow
	err := q.GetContext(ctx, &r, `SELECT `+userCols+` FROM users WHERE email = ?`, email)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "no staff member with e-mail %s", email)
	} else if err != nil {
		return r, fmt.Errorf("org: get user: %w", err)
	}
	return r, nil
}

func getUser(ctx context.Context, q db.Querier, tenantID, id int64) (userRow, error) {
	var r userRow
	err := q.GetContext(ctx, &r, `SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "staff member %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("org: get user: %w", err)
	}
	return r, nil
}

func listUsers(ctx context.Context, q db.Querier, tenantID int64) ([]User, error) {
	var rows []userRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+userCols+` FROM users WHERE tenant_id = ? ORDER BY id`, tenantID); err != nil {
		return nil, fmt.Errorf("org: list users: %w", err)
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

func insertUser(ctx context.Context, q db.Querier, tenantID int64, email, name, hash string, role Role, now time.Time) (int64, error) {
	id, err := db.Insert(ctx, q, `INSERT INTO users (tenant_id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		tenantID, email, name, hash, string(role), now.UnixMilli())
	if db.IsUniqueViolation(err) {
		return 0, &siyu.Error{Code: siyu.ECONFLICT, Field: "email", Message: fmt.Sprintf("e-mail %s is already registered", email)}
	} else if err != nil {
		return 0, fmt.Errorf("org: insert user: %w", err)
	}
	return id, nil
}

func countActiveOwners(ctx context.Context, q db.Querier, tenantID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = 'owner' AND disabled = 0`, tenantID)
	return n, err
}

// revokeUserCredentials ends every session and token of a user, so disabling someone
// takes effect on the next request, not when their login would have expired.
func revokeUserCredentials(ctx context.Context, q db.Querier, tenantID, userID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at = 0`,
		now.UnixMilli(), tenantID, userID); err != nil {
		return fmt.Errorf("org: revoke tokens: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM console_sessions WHERE tenant_id = ? AND user_id = ?`, tenantID, userID); err != nil {
		return fmt.Errorf("org: end sessions: %w", err)
	}
	return nil
}
