package community_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand with staff of several roles, wired as the server wires the
// community service (live, CRM, segments, job queue, webhooks recorded), on a fresh
// store with a fake clock.
type env struct {
	t      *testing.T
	ctx    context.Context
	store  *db.DB
	clock  *testkit.Clock
	org    *org.Service
	live   *live.Service
	crm    *crm.Service
	segs   *segment.Service
	queue  *jobs.Queue
	svc    *community.Service
	events *testkit.Events
	owner  org.Principal // everything
	agent  org.Principal // customers.manage, not a manager of any group until made one
	kos    org.Principal // customers.view only
	host   org.Principal // hosts sessions
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

var seq atomic.Int64

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, events: &testkit.Events{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))}
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.queue = jobs.New(store, e.clock.Now, nil)
	e.live = live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org, PublicURL: "https://live.example.cn"})
	e.crm = crm.NewService(store, crm.Options{Now: e.clock.Now, Queue: e.queue})
	e.live.SetPeopleWatcher(e.crm)
	e.segs = segment.NewService(store, segment.Options{Now: e.clock.Now})
	e.crm.AddObserver(e.segs)
	e.svc = community.NewService(store, community.Options{Now: e.clock.Now, Org: e.org, Queue: e.queue, Events: e.events,
		Live: e.live, CRM: e.crm, Segments: e.segs, PublicURL: "https://live.example.cn/"})
	e.owner = e.signup("Brand")
	e.agent = e.staff("agent", org.RoleAgent)
	e.kos = e.staff("kos", org.RoleKOS)
	e.host = e.staff("host", org.RoleHost)
	return e
}

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: fmt.Sprintf("%s%d@x.io", strings.ToLower(name), seq.Add(1)),
		OwnerPassword: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	u := res.User
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, e.owner, org.StaffInput{Email: fmt.Sprintf("%s%d@x.io", name, seq.Add(1)),
		Name: name, Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// community creates a community as p.
func (e *env) community(p org.Principal, in community.Input) community.Community {
	e.t.Helper()
	c, err := e.svc.Create(e.ctx, p, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// customer creates a CRM customer of p's tenant.
func (e *env) customer(p org.Principal, name string, tags ...string) int64 {
	e.t.Helper()
	c, err := e.crm.Create(e.ctx, p, crm.CustomerInput{Name: name, Tags: tags})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

// member joins an open community through its page as a new guest.
func (e *env) member(c community.Community, nick string) community.Guest {
	e.t.Helper()
	j, err := e.svc.Join(e.ctx, c.Code, "", community.JoinInput{Nickname: nick})
	if err != nil {
		e.t.Fatal(err)
	}
	g, err := e.svc.AuthenticateGuest(e.ctx, j.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// session schedules a session hosted by e.host a day ahead.
func (e *env) session(title string) int64 {
	e.t.Helper()
	s, err := e.live.Create(e.ctx, e.host, live.CreateInput{Title: title,
		ScheduledAt: e.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

// runJobs runs every due job.
func (e *env) runJobs() {
	e.t.Helper()
	for range 10 {
		n, err := e.queue.RunDue(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func wantCode(t *testing.T, err error, code string, field ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Fatalf("err = %v (code %q), want code %q", err, siyu.ErrorCode(err), code)
	}
	if len(field) > 0 && siyu.ErrorField(err) != field[0] {
		t.Fatalf("err field = %q (%v), want %q", siyu.ErrorField(err), err, field[0])
	}
}

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
