package org

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/db"
)

// StaffInput creates a staff member.
type StaffInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password"`
}

// StaffUpdate changes a staff member; nil fields stay as they are.
type StaffUpdate struct {
	Name     *string `json:"name,omitempty"`
	Role     *Role   `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Password *string `json:"password,omitempty"`
}

// ListStaff lists the tenant's staff. Every staff member may see colleagues (an agent
// needs to know who else is on shift); only managers may change them.
func (s *Service) ListStaff(ctx context.Context, p Principal) ([]User, error) {
	return listUsers(ctx, s.store, p.TenantID)
}

// GetStaff returns one staff member of the caller's tenant.
func (s *Service) GetStaff(ctx context.Context, p Principal, id int64) (User, error) {
	r, err := getUser(ctx, s.store, p.TenantID, id)
	return r.user(), err
}

// CreateStaff adds a staff member. Only owners may create owners.
func (s *Service) CreateStaff(ctx context.Context, p Principal, in StaffInput) (User, error) {
	if !p.Can(PermStaffManage) {
		return User{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage staff")
	}
	email, err := normEmail("email", in.Email)
	if err != nil {
		return User{}, err
	}
	name, err := checkName("name", in.Name, false)
	if err != nil {
		return User{}, err
	}
	if !in.Role.Valid() {
		return User{}, siyu.Invalid("role", "role must be one of owner, admin, host, agent, kos, store_manager")
	}
	if in.Role == RoleOwner && p.Role != RoleOwner {
		return User{}, siyu.Errorf(siyu.EFORBIDDEN, "only an owner may create another owner")
	}
	if err := checkPassword("password", in.Password); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(in.Password, s.pw)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := insertUser(ctx, tx, p.TenantID, email, name, hash, in.Role, s.now())
		if err != nil {
			return err
		}
		r, err := getUser(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		u = r.user()
		if err := audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: "staff.create", Target: fmt.Sprintf("staff:%d", id), Detail: fmt.Sprintf("%s (%s)", email, in.Role)}); err != nil {
			return err
		}
		return s.publish(ctx, tx, p.TenantID, "staff.created", u)
	})
	return u, err
}

// UpdateStaff changes name, role, password or the disabled flag. Disabling someone ends
// their sessions and tokens at once. A tenant always keeps one active owner, and nobody
// disables or demotes themselves by accident.
func (s *Service) UpdateStaff(ctx context.Context, p Principal, id int64, in StaffUpdate) (User, error) {
	if !p.Can(PermStaffManage) {
		return User{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage staff")
	}
	if in.Role != nil && !in.Role.Valid() {
		return User{}, siyu.Invalid("role", "role must be one of owner, admin, host, agent, kos, store_manager")
	}
	if in.Password != nil {
		if err := checkPassword("password", *in.Password); err != nil {
			return User{}, err
		}
	}
	if in.Name != nil {
		if _, err := checkName("name", *in.Name, false); err != nil {
			return User{}, err
		}
	}
	var u User
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getUser(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if (Role(r.Role) == RoleOwner || (in.Role != nil && *in.Role == RoleOwner)) && p.Role != RoleOwner {
			return siyu.Errorf(siyu.EFORBIDDEN, "only an owner may change an owner or make one")
		}
		if id == p.UserID && ((in.Disabled != nil && *in.Disabled) || (in.Role != nil && *in.Role != Role(r.Role))) {
			return siyu.Errorf(siyu.ECONFLICT, "you cannot disable yourself or change your own role")
		}
		var details []string
		if in.Name != nil {
			r.Name, _ = checkName("name", *in.Name, false)
			details = append(details, "name")
		}
		if in.Role != nil {
			r.Role = string(*in.Role)
			details = append(details, "role="+r.Role)
		}
		if in.Password != nil {
			if r.PasswordHash, err = HashPassword(*in.Password, s.pw); err != nil {
				return err
			}
			details = append(details, "password")
		}
		wasDisabled := r.Disabled != 0
		if in.Disabled != nil {
			r.Disabled = b2i(*in.Disabled)
			details = append(details, fmt.Sprintf("disabled=%v", *in.Disabled))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, password_hash = ?, disabled = ? WHERE tenant_id = ? AND id = ?`,
			r.Name, r.Role, r.PasswordHash, r.Disabled, p.TenantID, id); err != nil {
			return fmt.Errorf("org: update staff: %w", err)
		}
		if n, err := countActiveOwners(ctx, tx, p.TenantID); err != nil {
			return err
		} else if n == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "a brand must keep at least one active owner")
		}
		if r.Disabled != 0 || in.Password != nil {
			if err := revokeUserCredentials(ctx, tx, p.TenantID, id, s.now()); err != nil {
				return err
			}
		}
		u = r.user()
		if err := audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: "staff.update", Target: fmt.Sprintf("staff:%d", id), Detail: fmt.Sprint(details)}); err != nil {
			return err
		}
		if r.Disabled != 0 && !wasDisabled {
			return s.publish(ctx, tx, p.TenantID, "staff.disabled", u)
		}
		return nil
	})
	return u, err
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// UserByEmail finds a staff member across tenants by e-mail; for start-up tooling such as
// the demo seed, never for request handling (it takes no principal).
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	r, err := getUserByEmail(ctx, s.store, email)
	return r.user(), err
}
