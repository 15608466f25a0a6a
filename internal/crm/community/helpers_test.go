package community_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand with staff of several roles, wired as the server wires the
// community service (live, CRM, segments, job queue, webhooks recorded), on a fresh
// store with a fake clock.
type env struct {
	*crmtest.Env
	live   *live.Service
	svc    *community.Service
	events *testkit.Events
	agent  org.Principal // customers.manage, not a manager of any group until made one
	kos    org.Principal // customers.view only
	host   org.Principal // hosts sessions
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: crmtest.New(t, store), events: &testkit.Events{}}
	e.NewQueue()
	e.live = live.NewService(store, live.Options{Now: e.Clock.Now, Org: e.Org, PublicURL: "https://live.example.cn"})
	e.NewCRM(crm.Options{Queue: e.Queue})
	e.live.SetPeopleWatcher(e.CRM)
	e.NewSegments(segment.Options{})
	e.svc = community.NewService(store, community.Options{Now: e.Clock.Now, Org: e.Org, Queue: e.Queue, Events: e.events,
		Live: e.live, CRM: e.CRM, Segments: e.Segments, PublicURL: "https://live.example.cn/"})
	e.Owner = e.Signup("Brand")
	e.agent = e.Staff("agent", org.RoleAgent)
	e.kos = e.Staff("kos", org.RoleKOS)
	e.host = e.Staff("host", org.RoleHost)
	return e
}

// each runs f on a fresh env of every engine (dbtest.Each).
func each(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, store *db.DB) { f(t, newEnv(t, store)) })
}

// community creates a community as p.
func (e *env) community(p org.Principal, in community.Input) community.Community {
	e.T.Helper()
	c, err := e.svc.Create(e.Ctx, p, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// customer creates a CRM customer of p's tenant.
func (e *env) customer(p org.Principal, name string, tags ...string) int64 {
	e.T.Helper()
	return e.Customer(p, crm.CustomerInput{Name: name, Tags: tags}).ID
}

// member joins an open community through its page as a new guest.
func (e *env) member(c community.Community, nick string) community.Guest {
	e.T.Helper()
	j, err := e.svc.Join(e.Ctx, c.Code, "", community.JoinInput{Nickname: nick})
	if err != nil {
		e.T.Fatal(err)
	}
	g, err := e.svc.AuthenticateGuest(e.Ctx, j.Token)
	if err != nil {
		e.T.Fatal(err)
	}
	return g
}

// session schedules a session hosted by e.host a day ahead.
func (e *env) session(title string) int64 {
	e.T.Helper()
	s, err := e.live.Create(e.Ctx, e.host, live.CreateInput{Title: title,
		ScheduledAt: e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		e.T.Fatal(err)
	}
	return s.ID
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
