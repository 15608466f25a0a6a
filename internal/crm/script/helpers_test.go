package script_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand ("山野茶舍") with an owner, a host (customers.view only) and a KOS
// (inbox.reply), the CRM for customers, and the script library.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *db.DB
	clock *testkit.Clock
	org   *org.Service
	crm   *crm.Service
	lib   *script.Service
	owner org.Principal
	host  org.Principal
	kos   org.Principal
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))}
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.crm = crm.NewService(store, crm.Options{Now: e.clock.Now})
	e.lib = script.NewService(store, script.Options{Now: e.clock.Now})
	e.owner = e.signup("山野茶舍")
	e.host = e.staff(e.owner, "host", org.RoleHost)
	e.kos = e.staff(e.owner, "kos", org.RoleKOS)
	return e
}

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: "owner" + time.Now().Format("150405.000000000") + "@x.io",
		OwnerPassword: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	u := res.User
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(owner org.Principal, name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, owner, org.StaffInput{Email: name + time.Now().Format("150405.000000000") + "@x.io",
		Name: name, Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) category(p org.Principal, name string) script.Category {
	e.t.Helper()
	c, err := e.lib.CreateCategory(e.ctx, p, script.CategoryInput{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) script(p org.Principal, in script.Input) script.Script {
	e.t.Helper()
	s, err := e.lib.Create(e.ctx, p, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// wantErr fails unless err has code and its message mentions every part.
func wantErr(t *testing.T, what string, err error, code string, parts ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
		return
	}
	for _, p := range parts {
		if !strings.Contains(siyu.ErrorMessage(err), p) {
			t.Errorf("%s: message %q does not mention %q", what, siyu.ErrorMessage(err), p)
		}
	}
}

func text(s string) script.Snippet { return script.Snippet{Kind: script.KindText, Text: s} }
