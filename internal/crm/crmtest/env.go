// Package crmtest builds the fixtures the CRM suites share (crm, segment, transfer,
// community, broadcast, script): a signed-up brand with staff, the CRM, the segment
// index and the job queue wired as the server wires them, and customers made through
// the CRM. Everything goes through the real services on the store a dbtest.Each
// subtest gives, with a fake clock, so the fixtures obey the production rules on SQLite
// and PostgreSQL alike. A suite's env embeds Env and adds the service under test.
package crmtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/testkit"
)

// Start is the fake clock's starting time: 20:00 in Shanghai, a Wednesday.
var Start = time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC)

// Cheap password hashing keeps signing up brands and staff fast in tests.
var Cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// Env is one store with a fake clock and the org service; the suite builds the rest
// in the order the server does (NewQueue, NewCRM, NewSegments), then signs up its
// brand as Owner and adds staff with Staff.
type Env struct {
	T        *testing.T
	Ctx      context.Context
	Store    *db.DB
	Clock    *testkit.Clock
	Org      *org.Service
	Queue    *jobs.Queue      // nil until NewQueue
	CRM      *crm.Service     // nil until NewCRM
	Segments *segment.Service // nil until NewSegments
	Owner    org.Principal    // the suite's brand owner: every permission
}

// New starts an env on store with the clock at Start.
func New(t *testing.T, store *db.DB) *Env {
	t.Helper()
	e := &Env{T: t, Ctx: context.Background(), Store: store, Clock: testkit.NewClock(Start)}
	e.Org = org.NewService(store, org.Options{Now: e.Clock.Now, Password: Cheap})
	return e
}

// NewQueue makes the job queue on the store with the fake clock as e.Queue.
func (e *Env) NewQueue() *jobs.Queue {
	e.Queue = jobs.New(e.Store, e.Clock.Now, nil)
	return e.Queue
}

// NewCRM builds the CRM as e.CRM; opt's clock defaults to the env's fake clock.
func (e *Env) NewCRM(opt crm.Options) *crm.Service {
	if opt.Now == nil {
		opt.Now = e.Clock.Now
	}
	e.CRM = crm.NewService(e.Store, opt)
	return e.CRM
}

// NewSegments builds the segment service as e.Segments and registers it on the CRM,
// as the server does, so the index hears every customer change; opt's clock defaults
// to the env's fake clock.
func (e *Env) NewSegments(opt segment.Options) *segment.Service {
	if opt.Now == nil {
		opt.Now = e.Clock.Now
	}
	e.Segments = segment.NewService(e.Store, opt)
	e.CRM.AddObserver(e.Segments)
	return e.Segments
}

var seq atomic.Int64

// unique makes e-mail addresses that never collide within a store.
func unique(prefix string) string { return fmt.Sprintf("%s%d@x.io", prefix, seq.Add(1)) }

// Signup signs up a brand and returns its owner: the suite's own (as Owner) or
// another, to prove one brand never sees another's data.
func (e *Env) Signup(brand string) org.Principal {
	e.T.Helper()
	res, err := e.Org.Signup(e.Ctx, org.SignupInput{Name: brand, OwnerEmail: unique("owner"), OwnerPassword: "password-123"})
	if err != nil {
		e.T.Fatal(err)
	}
	return Principal(res.User)
}

// Staff adds a staff member with role to Owner's brand, e.g. a host who may view
// customers but not their contacts.
func (e *Env) Staff(name string, role org.Role) org.Principal {
	e.T.Helper()
	u, err := e.Org.CreateStaff(e.Ctx, e.Owner, org.StaffInput{Email: unique(string(role)), Name: name, Role: role,
		Password: "password-123"})
	if err != nil {
		e.T.Fatal(err)
	}
	return Principal(u)
}

// Principal is how the API would authenticate u.
func Principal(u org.User) org.Principal {
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// Customer creates a customer of p's brand through the CRM.
func (e *Env) Customer(p org.Principal, in crm.CustomerInput) crm.Customer {
	e.T.Helper()
	c, err := e.CRM.Create(e.Ctx, p, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// RunJobs runs the jobs due on the fake clock, and those they make due, until none is
// left (at most 20 rounds); it fails on a handler error.
func (e *Env) RunJobs() {
	e.T.Helper()
	for range 20 {
		n, err := e.Queue.RunDue(e.Ctx)
		if err != nil {
			e.T.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// Code fails the test unless err has the code (and, when given, names the field), as
// the API would answer it.
func Code(t testing.TB, err error, code string, field ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Fatalf("error %v: code %q, want %q", err, siyu.ErrorCode(err), code)
	}
	if len(field) > 0 && siyu.ErrorField(err) != field[0] {
		t.Fatalf("error %v: field %q, want %q", err, siyu.ErrorField(err), field[0])
	}
}

// Ptr returns a pointer to v, for optional input fields.
func Ptr[T any](v T) *T { return &v }
