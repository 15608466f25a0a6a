package org_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
)

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(store *db.DB, c *clock) *org.Service {
	return org.NewService(store, org.Options{Now: c.now, Password: cheap, SessionTTL: time.Hour, LoginPerMinute: 100})
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h, err := org.HashPassword("开门-sesame", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !org.CheckPassword(h, "开门-sesame") || org.CheckPassword(h, "开门-sesamE") {
		t.Fatal("password check is wrong")
	}
	h2, _ := org.HashPassword("开门-sesame", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "plain", "$argon2id$v=19$m=x$a$b"} {
		if org.CheckPassword(bad, "x") {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
}

func TestRolePermissions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		role org.Role
		perm org.Permission
		want bool
	}{
		{org.RoleOwner, org.PermStaffManage, true},
		{org.RoleAdmin, org.PermStaffManage, true},
		{org.RoleHost, org.PermLiveHost, true},
		{org.RoleHost, org.PermStaffManage, false},
		{org.RoleAgent, org.PermInboxReply, true},
		{org.RoleAgent, org.PermSettingsManage, false},
		{org.RoleKOS, org.PermContactsView, false},
		{org.RoleStoreManager, org.PermStoresManage, true},
		{org.Role("boss"), org.PermTokensOwn, false},
	}
	for _, c := range cases {
		if got := c.role.Can(c.perm); got != c.want {
			t.Errorf("%s can %s = %v, want %v", c.role, c.perm, got, c.want)
		}
	}
}

func TestSettingsApply(t *testing.T) {
	t.Parallel()
	s := org.DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	out, err := s.Apply(map[string]json.RawMessage{"weekly_top_n": json.RawMessage(`50`)})
	if err != nil || out.WeeklyTopN != 50 || s.WeeklyTopN != 100 {
		t.Fatalf("apply: %v %d", err, out.WeeklyTopN)
	}
	_, err = s.Apply(map[string]json.RawMessage{"weekly_top_n": json.RawMessage(`0`)})
	if siyu.ErrorField(err) != "weekly_top_n" {
		t.Fatalf("out of range: %v", err)
	}
	for _, f := range s.Fields() {
		if f.Zh == "" || f.En == "" || f.Max <= f.Min && f.Max != 0 {
			t.Errorf("setting %s lacks labels or bounds: %+v", f.Key, f)
		}
	}
}

func TestSessionsAndTokensExpire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		svc := newService(store, c)
		res, err := svc.Signup(ctx, org.SignupInput{Name: "Expiry", OwnerEmail: "e@x.io", OwnerPassword: "password-1"})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := svc.CreateSession(ctx, res.User, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		p, csrf, err := svc.SessionPrincipal(ctx, cs.Cookie)
		if err != nil || p.TenantID != res.Tenant.ID || csrf != cs.CSRF {
			t.Fatalf("session: %+v %v", p, err)
		}
		if _, err := svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("signup token: %v", err)
		}
		long, plain, err := svc.CreateToken(ctx, p, "ci")
		if err != nil || long.ExpiresAt != (time.Time{}) {
			t.Fatalf("token: %+v %v", long, err)
		}

		c.t = c.t.Add(time.Hour + time.Second)
		if _, _, err := svc.SessionPrincipal(ctx, cs.Cookie); siyu.ErrorCode(err) != siyu.EUNAUTHORIZED {
			t.Fatalf("expired session still valid: %v", err)
		}
		if _, err := svc.Authenticate(ctx, res.Token); siyu.ErrorCode(err) != siyu.EUNAUTHORIZED {
			t.Fatalf("expired login token still valid: %v", err)
		}
		if _, err := svc.Authenticate(ctx, plain); err != nil {
			t.Fatalf("a long-lived token expired: %v", err)
		}
		if err := svc.EndSession(ctx, cs.Cookie); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLastOwnerIsKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now()}
		svc := newService(store, c)
		res, err := svc.Signup(ctx, org.SignupInput{Name: "Owners", OwnerEmail: "o1@x.io", OwnerPassword: "password-1"})
		if err != nil {
			t.Fatal(err)
		}
		p := org.Principal{TenantID: res.Tenant.ID, UserID: res.User.ID, Email: res.User.Email, Role: org.RoleOwner}
		o2, err := svc.CreateStaff(ctx, p, org.StaffInput{Email: "o2@x.io", Role: org.RoleOwner, Password: "password-2"})
		if err != nil {
			t.Fatal(err)
		}
		p2 := org.Principal{TenantID: res.Tenant.ID, UserID: o2.ID, Email: o2.Email, Role: org.RoleOwner}
		admin := org.RoleAdmin
		if _, err := svc.UpdateStaff(ctx, p2, res.User.ID, org.StaffUpdate{Role: &admin}); err != nil {
			t.Fatalf("demote the first owner: %v", err)
		}
		// o2 is now the only owner; nobody can demote or disable them.
		if _, err := svc.UpdateStaff(ctx, p2, o2.ID, org.StaffUpdate{Role: &admin}); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("last owner demoted themselves: %v", err)
		}
		staff, _ := svc.ListStaff(ctx, p2)
		if len(staff) != 2 {
			t.Fatalf("staff = %d, want 2", len(staff))
		}
	})
}
