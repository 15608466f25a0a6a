package org

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
)

// Token is an API bearer token as staff see it in the console. Only its hash is stored;
// the plaintext is shown once, when it is created.
type Token struct {
	ID         int64     `json:"id" db:"id"`
	UserID     int64     `json:"user_id" db:"user_id"`
	Name       string    `json:"name" db:"name"`
	Prefix     string    `json:"prefix" db:"prefix"`
	CreatedAt  time.Time `json:"created_at" db:"-"`
	LastUsedAt time.Time `json:"last_used_at,omitzero" db:"-"`
	ExpiresAt  time.Time `json:"expires_at,omitzero" db:"-"`
	Revoked    bool      `json:"revoked" db:"-"`

	CreatedMs  int64 `json:"-" db:"created_at"`
	LastUsedMs int64 `json:"-" db:"last_used_at"`
	ExpiresMs  int64 `json:"-" db:"expires_at"`
	RevokedMs  int64 `json:"-" db:"revoked_at"`
}

func (t *Token) fill() {
	t.CreatedAt = time.UnixMilli(t.CreatedMs).UTC()
	if t.LastUsedMs > 0 {
		t.LastUsedAt = time.UnixMilli(t.LastUsedMs).UTC()
	}
	if t.ExpiresMs > 0 {
		t.ExpiresAt = time.UnixMilli(t.ExpiresMs).UTC()
	}
	t.Revoked = t.RevokedMs > 0
}

// newSecret returns a random credential with a readable prefix, so a leaked token can be
// recognised as ours by secret scanners.
func newSecret(prefix string) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("org: crypto/rand failed: %v", err))
	}
	return prefix + hex.EncodeToString(b)
}

// HashSecret is how tokens and session cookies are stored: a database leak reveals no
// usable credential.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func issueToken(ctx context.Context, q db.Querier, tenantID, userID int64, name string, now time.Time, ttl time.Duration) (int64, string, error) {
	plain := newSecret("sy_")
	var expires int64
	if ttl > 0 {
		expires = now.Add(ttl).UnixMilli()
	}
	id, err := db.Insert(ctx, q, `INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tenantID, userID, name, HashSecret(plain), plain[:10], now.UnixMilli(), expires)
	if err != nil {
		return 0, "", fmt.Errorf("org: issue token: %w", err)
	}
	return id, plain, nil
}

// CreateToken makes a long-lived API token for the calling staff member.
func (s *Service) CreateToken(ctx context.Context, p Principal, name string) (Token, string, error) {
	if !p.Can(PermTokensOwn) {
		return Token{}, "", siyu.Errorf(siyu.EFORBIDDEN, "your role may not create API tokens")
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return Token{}, "", siyu.Invalid("name", "name must be 1 to 100 characters")
	}
	var tok Token
	var plain string
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		id, secret, err := issueToken(ctx, tx, p.TenantID, p.UserID, name, s.now(), 0)
		if err != nil {
			return err
		}
		plain = secret
		if err := tx.GetContext(ctx, &tok, `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at
			FROM api_tokens WHERE tenant_id = ? AND id = ?`, p.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: "token.create", Target: fmt.Sprintf("token:%d", id), Detail: name})
	})
	tok.fill()
	return tok, plain, err
}

// ListTokens lists the caller's tokens; staff managers see every token of the tenant,
// so a leaked token of a colleague can be revoked without waiting for them.
func (s *Service) ListTokens(ctx context.Context, p Principal) ([]Token, error) {
	var out []Token
	q := `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at FROM api_tokens
		WHERE tenant_id = ? AND expires_at = 0`
	args := []any{p.TenantID}
	if !p.Can(PermStaffManage) {
		q += ` AND user_id = ?`
		args = append(args, p.UserID)
	}
	if err := s.store.SelectContext(ctx, &out, q+` ORDER BY id DESC`, args...); err != nil {
		return nil, fmt.Errorf("org: list tokens: %w", err)
	}
	for i := range out {
		out[i].fill()
	}
	return out, nil
}

// RevokeToken stops a token from working at once.
func (s *Service) RevokeToken(ctx context.Context, p Principal, id int64) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		var owner int64
		err := tx.GetContext(ctx, &owner, `SELECT user_id FROM api_tokens WHERE tenant_id = ? AND id = ?`, p.TenantID, id)
		if db.IsNoRows(err) || (err == nil && owner != p.UserID && !p.Can(PermStaffManage)) {
			return siyu.Errorf(siyu.ENOTFOUND, "token %d not found", id)
		} else if err != nil {
			return fmt.Errorf("org: revoke token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at = 0`,
			s.now().UnixMilli(), p.TenantID, id); err != nil {
			return fmt.Errorf("org: revoke token: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: "token.revoke", Target: fmt.Sprintf("token:%d", id)})
	})
}

type authRow struct {
	TokenID   int64  `db:"token_id"`
	ExpiresMs int64  `db:"expires_at"`
	RevokedMs int64  `db:"revoked_at"`
	LastUsed  int64  `db:"last_used_at"`
	Plan      string `db:"plan"`
	userRow
}

// Authenticate turns a bearer token into the principal it belongs to. Revoked, expired
// and disabled-user tokens all answer unauthorized.
func (s *Service) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	if !strings.HasPrefix(bearer, "sy_") {
		return Principal{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid or expired token")
	}
	var r authRow
	err := s.store.GetContext(ctx, &r, `SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at, tn.plan,
		u.id, u.tenant_id, u.email, u.name, u.password_hash, u.role, u.disabled, u.created_at, u.last_login_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.tenant_id = t.tenant_id JOIN tenants tn ON tn.id = t.tenant_id
		WHERE t.token_hash = ?`, HashSecret(bearer))
	if db.IsNoRows(err) {
		return Principal{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid or expired token")
	} else if err != nil {
		return Principal{}, fmt.Errorf("org: authenticate: %w", err)
	}
	now := s.now()
	if r.RevokedMs > 0 || r.Disabled != 0 || (r.ExpiresMs > 0 && now.UnixMilli() >= r.ExpiresMs) {
		return Principal{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid or expired token")
	}
	if now.UnixMilli()-r.LastUsed > time.Minute.Milliseconds() {
		// Recorded at most once a minute per token: the console shows it, and writing it on
		// every request would put the single SQLite writer on every read path.
		_, _ = s.store.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now.UnixMilli(), r.TokenID)
	}
	return Principal{TenantID: r.TenantID, UserID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role),
		Plan: Plan(r.Plan), TokenID: r.TokenID}, nil
}
