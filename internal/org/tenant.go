package org

import (
	"time"
)

// Plan is the account type of SPEC §1: personal accounts are free but limited (one
// lottery a month); enterprise accounts are verified and unrestricted.
type Plan string

// The two plans.
const (
	PlanPersonal   Plan = "personal"
	PlanEnterprise Plan = "enterprise"
)

// Tenant is one brand or merchant; every row of every domain belongs to exactly one.
type Tenant struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Plan      Plan      `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a staff member of a tenant.
type User struct {
	ID          int64     `json:"id"`
	TenantID    int64     `json:"tenant_id"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	LastLoginAt time.Time `json:"last_login_at,omitzero"`
}

// Principal is who is acting on a request: a staff member of one tenant, authenticated by
// a bearer token or a console session. Every service call takes one, and every query
// uses its TenantID, which is what keeps tenants apart.
type Principal struct {
	TenantID int64
	UserID   int64
	Email    string
	Name     string
	Role     Role
	Plan     Plan
	TokenID  int64 // 0 for console sessions
}

// Can reports whether the principal's role holds p.
func (p Principal) Can(perm Permission) bool { return p.Role.Can(perm) }
