// Package org holds tenants (brands), their staff, roles and permissions, credentials
// (passwords, API tokens, console sessions) and the per-tenant rule settings. It is the
// gate every other domain relies on: a Principal from here carries the tenant that every
// query is scoped to.
package org

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/ratelimit"
)

// EventPublisher receives staff and settings events for outbound webhooks; it writes in
// the caller's transaction so an event exists exactly when its change does.
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// Options tune a Service; zero values take the production defaults.
type Options struct {
	Now            func() time.Time
	Password       PasswordParams
	SessionTTL     time.Duration
	LoginPerMinute int
	Events         EventPublisher
}

// Service implements the organisation rules.
type Service struct {
	store        *db.DB
	now          func() time.Time
	pw           PasswordParams
	sessionTTL   time.Duration
	loginByEmail *ratelimit.Keyed
	loginByIP    *ratelimit.Keyed
	events       EventPublisher
}

// NewService builds the organisation service on store.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Password.Memory == 0 {
		opt.Password = DefaultPasswordParams
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.LoginPerMinute <= 0 {
		opt.LoginPerMinute = 10
	}
	return &Service{
		store: store, now: opt.Now, pw: opt.Password, sessionTTL: opt.SessionTTL, events: opt.Events,
		loginByEmail: ratelimit.New(opt.LoginPerMinute, time.Minute, opt.LoginPerMinute, opt.Now),
		loginByIP:    ratelimit.New(opt.LoginPerMinute*5, time.Minute, opt.LoginPerMinute*5, opt.Now),
	}
}

// SetEvents attaches the webhook publisher after construction (it is built later in
// wiring because it needs the job queue).
func (s *Service) SetEvents(e EventPublisher) { s.events = e }

func (s *Service) publish(ctx context.Context, q db.Querier, tenantID int64, typ string, data any) error {
	if s.events == nil {
		return nil
	}
	return s.events.Publish(ctx, q, tenantID, typ, data)
}

// SignupInput is the body of POST /api/v1/tenants.
type SignupInput struct {
	Name          string `json:"name"`
	OwnerEmail    string `json:"owner_email"`
	OwnerPassword string `json:"owner_password"`
	OwnerName     string `json:"owner_name,omitempty"`
}

// SignupResult is what a new brand gets: its tenant, its owner and a first API token.
type SignupResult struct {
	Tenant Tenant `json:"tenant"`
	User   User   `json:"user"`
	Token  string `json:"token"`
}

func normEmail(field, email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.IndexByte(email, '@'):], ".") {
		return "", siyu.Invalid(field, "%s must be an e-mail address like name@example.com", field)
	}
	if len(email) > 254 {
		return "", siyu.Invalid(field, "%s is longer than 254 characters", field)
	}
	return email, nil
}

func checkPassword(field, pw string) error {
	if n := len([]rune(pw)); n < 8 || n > 128 {
		return siyu.Invalid(field, "%s must be 8 to 128 characters", field)
	}
	return nil
}

func checkName(field, name string, required bool) (string, error) {
	name = strings.TrimSpace(name)
	if required && name == "" {
		return "", siyu.Invalid(field, "%s is required", field)
	}
	if len([]rune(name)) > 100 {
		return "", siyu.Invalid(field, "%s must be at most 100 characters", field)
	}
	return name, nil
}

// Signup creates a tenant with its owner in one transaction.
func (s *Service) Signup(ctx context.Context, in SignupInput) (SignupResult, error) {
	name, err := checkName("name", in.Name, true)
	if err != nil {
		return SignupResult{}, err
	}
	email, err := normEmail("owner_email", in.OwnerEmail)
	if err != nil {
		return SignupResult{}, err
	}
	if err := checkPassword("owner_password", in.OwnerPassword); err != nil {
		return SignupResult{}, err
	}
	ownerName, err := checkName("owner_name", in.OwnerName, false)
	if err != nil {
		return SignupResult{}, err
	}
	hash, err := HashPassword(in.OwnerPassword, s.pw)
	if err != nil {
		return SignupResult{}, err
	}
	var res SignupResult
	now := s.now()
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		settings, _ := json.Marshal(DefaultSettings())
		tid, err := db.Insert(ctx, tx, `INSERT INTO tenants (name, plan, settings, created_at) VALUES (?, ?, ?, ?)`,
			name, string(PlanPersonal), string(settings), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("org: insert tenant: %w", err)
		}
		uid, err := insertUser(ctx, tx, tid, email, ownerName, hash, RoleOwner, now)
		if err != nil {
			if siyu.ErrorField(err) == "email" {
				return &siyu.Error{Code: siyu.ECONFLICT, Field: "owner_email", Message: siyu.ErrorMessage(err)}
			}
			return err
		}
		_, token, err := issueToken(ctx, tx, tid, uid, "signup", now, s.sessionTTL)
		if err != nil {
			return err
		}
		res.Token = token
		res.Tenant = Tenant{ID: tid, Name: name, Plan: PlanPersonal, CreatedAt: time.UnixMilli(now.UnixMilli()).UTC()}
		res.User = User{ID: uid, TenantID: tid, Email: email, Name: ownerName, Role: RoleOwner, CreatedAt: res.Tenant.CreatedAt}
		return audit.Record(ctx, tx, now, audit.Entry{TenantID: tid, UserID: uid, Actor: email, Action: "tenant.create",
			Target: fmt.Sprintf("tenant:%d", tid), Detail: name})
	})
	return res, err
}

// Login checks e-mail and password under the login rate limits (per e-mail and per
// client address) and returns the user and tenant. It does not issue a credential: the
// API issues a token and the console a session.
func (s *Service) Login(ctx context.Context, email, password, ip string) (User, Tenant, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return User{}, Tenant{}, siyu.Invalid("email", "email is required")
	}
	if password == "" {
		return User{}, Tenant{}, siyu.Invalid("password", "password is required")
	}
	if !s.loginByIP.Allow(ip) || !s.loginByEmail.Allow(email) {
		return User{}, Tenant{}, siyu.Errorf(siyu.ERATELIMITED, "too many login attempts; wait a minute and try again")
	}
	r, err := getUserByEmail(ctx, s.store, email)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		CheckPassword(dummyHash, password) // same work as a real check: no timing oracle for e-mails
		return User{}, Tenant{}, siyu.Errorf(siyu.EUNAUTHORIZED, "e-mail or password is wrong")
	} else if err != nil {
		return User{}, Tenant{}, err
	}
	if !CheckPassword(r.PasswordHash, password) {
		return User{}, Tenant{}, siyu.Errorf(siyu.EUNAUTHORIZED, "e-mail or password is wrong")
	}
	if r.Disabled != 0 {
		return User{}, Tenant{}, siyu.Errorf(siyu.EUNAUTHORIZED, "this account is disabled; ask your administrator")
	}
	t, err := getTenant(ctx, s.store, r.TenantID)
	if err != nil {
		return User{}, Tenant{}, err
	}
	now := s.now()
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now.UnixMilli(), r.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{TenantID: r.TenantID, UserID: r.ID, Actor: r.Email, Action: "staff.login"})
	})
	return r.user(), t.tenant(), err
}

var dummyHash, _ = HashPassword("dummy-password-for-timing", DefaultPasswordParams)

// IssueLoginToken gives an API client a bearer token that expires with the session TTL.
func (s *Service) IssueLoginToken(ctx context.Context, u User) (string, error) {
	_, tok, err := issueToken(ctx, s.store, u.TenantID, u.ID, "login", s.now(), s.sessionTTL)
	return tok, err
}

// Tenant returns the caller's tenant.
func (s *Service) Tenant(ctx context.Context, tenantID int64) (Tenant, error) {
	r, err := getTenant(ctx, s.store, tenantID)
	return r.tenant(), err
}

// Settings returns a tenant's rule settings, defaults filled in.
func (s *Service) Settings(ctx context.Context, tenantID int64) (Settings, error) {
	r, err := getTenant(ctx, s.store, tenantID)
	if err != nil {
		return Settings{}, err
	}
	return decodeSettings(r.Settings), nil
}

// UpdateSettings applies a partial update; all values are checked before anything is saved.
func (s *Service) UpdateSettings(ctx context.Context, p Principal, patch map[string]json.RawMessage) (Settings, error) {
	if !p.Can(PermSettingsManage) {
		return Settings{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not change tenant settings")
	}
	var out Settings
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getTenant(ctx, tx, p.TenantID)
		if err != nil {
			return err
		}
		before := decodeSettings(r.Settings)
		after, err := before.Apply(patch)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(after)
		if _, err := tx.ExecContext(ctx, `UPDATE tenants SET settings = ? WHERE id = ?`, string(raw), p.TenantID); err != nil {
			return fmt.Errorf("org: save settings: %w", err)
		}
		out = after
		changed, _ := json.Marshal(patch)
		if err := audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: "settings.update", Target: "settings", Detail: string(changed)}); err != nil {
			return err
		}
		return s.publish(ctx, tx, p.TenantID, "tenant.settings_updated", after)
	})
	return out, err
}

// AuditLog returns the tenant's audit entries for owners and admins.
func (s *Service) AuditLog(ctx context.Context, p Principal, beforeID int64, limit int) ([]audit.Entry, error) {
	if !p.Can(PermAuditView) {
		return nil, siyu.Errorf(siyu.EFORBIDDEN, "only owners and admins may read the audit log")
	}
	return audit.List(ctx, s.store, p.TenantID, beforeID, limit)
}
