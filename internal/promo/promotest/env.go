// Package promotest builds the fixtures the in-room tools' tests share (flashsale,
// groupbuy, assist, coupon, commentbuy): a signed-up tenant with an owner and a host,
// a live session, viewers, products and paid orders, a fake clock and a recording
// room. Everything is made through the real services on the store a dbtest.Each
// subtest gives, so the fixtures obey the same rules as production data and work on
// SQLite and PostgreSQL alike.
package promotest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/testkit"
)

// Start is the fake clock's starting time: 20:00 in Shanghai, the middle of a show.
var Start = time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC)

// Cheap password hashing keeps signing up tenants and staff fast in tests.
var Cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// Quiet is a logger that drops everything, for services whose logs a test ignores.
var Quiet = slog.New(slog.DiscardHandler)

// Env is one tenant (Owner) with a host (Host) whose session (Session) is live, the
// org, live and job services on a fresh store with a fake clock, and recorders for
// room events and webhooks. A tool's test env embeds it and adds its service;
// Commerce is nil until NewCommerce, because each tool wires commerce its own way.
type Env struct {
	T        *testing.T
	Ctx      context.Context
	Store    *db.DB
	Clock    *testkit.Clock
	Org      *org.Service
	Live     *live.Service
	Queue    *jobs.Queue
	Commerce *commerce.Service
	Room     *Room
	Events   *testkit.Events
	Owner    org.Principal
	Host     org.Principal
	Session  int64
}

// New signs up the tenant shop, adds a host and starts a session titled title.
func New(t *testing.T, store *db.DB, shop, title string) *Env {
	t.Helper()
	e := &Env{T: t, Ctx: context.Background(), Store: store, Clock: testkit.NewClock(Start), Room: &Room{},
		Events: &testkit.Events{}}
	e.Org = org.NewService(store, org.Options{Now: e.Clock.Now, Password: Cheap})
	e.Owner = e.Signup(shop)
	e.Host = e.Staff(org.RoleHost, "主播")
	e.Live = live.NewService(store, live.Options{Now: e.Clock.Now, Org: e.Org})
	e.Queue = e.NewQueue()
	e.Session = e.LiveSession(e.Host, title)
	return e
}

// NewQueue makes a job queue on the store with the fake clock; a test that restarts
// a node makes a new one.
func (e *Env) NewQueue() *jobs.Queue {
	return jobs.New(e.Store, e.Clock.Now, Quiet)
}

// NewCommerce builds the commerce service as e.Commerce; opt's clock and logger
// default to the env's fake clock and Quiet.
func (e *Env) NewCommerce(opt commerce.Options) *commerce.Service {
	if opt.Now == nil {
		opt.Now = e.Clock.Now
	}
	if opt.Logger == nil {
		opt.Logger = Quiet
	}
	e.Commerce = commerce.NewService(e.Store, opt)
	return e.Commerce
}

// unique makes e-mail addresses that never collide across tests sharing a server.
func unique(prefix string) string {
	return prefix + time.Now().Format("150405.000000000") + "@x.io"
}

// Signup signs up another tenant and returns its owner, e.g. to prove a tool hides
// one tenant's offers from another.
func (e *Env) Signup(shop string) org.Principal {
	e.T.Helper()
	res, err := e.Org.Signup(e.Ctx, org.SignupInput{Name: shop, OwnerEmail: unique("owner"), OwnerPassword: "password-123"})
	if err != nil {
		e.T.Fatal(err)
	}
	return Principal(res.User)
}

// Staff adds a staff member of the env's tenant with role, e.g. an agent who may not
// manage promotions.
func (e *Env) Staff(role org.Role, name string) org.Principal {
	e.T.Helper()
	u, err := e.Org.CreateStaff(e.Ctx, e.Owner, org.StaffInput{Email: unique(string(role)), Name: name,
		Role: role, Password: "password-123"})
	if err != nil {
		e.T.Fatal(err)
	}
	return Principal(u)
}

// Principal is how the API would authenticate u.
func Principal(u org.User) org.Principal {
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// LiveSession creates a session hosted by p and starts it.
func (e *Env) LiveSession(p org.Principal, title string) int64 {
	e.T.Helper()
	s, err := e.Live.Create(e.Ctx, p, live.CreateInput{Title: title})
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Live.Start(e.Ctx, p, s.ID); err != nil {
		e.T.Fatal(err)
	}
	return s.ID
}

// Viewer joins the env's session as a new viewer.
func (e *Env) Viewer(nick string) promo.Viewer {
	e.T.Helper()
	return e.ViewerOf(e.Session, nick)
}

// ViewerOf joins a session as a new viewer, as the viewer routes would see them.
func (e *Env) ViewerOf(sessionID int64, nick string) promo.Viewer {
	e.T.Helper()
	v, err := e.Live.CreateViewer(e.Ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.T.Fatal(err)
	}
	return promo.Viewer{ID: v.ID, TenantID: v.TenantID, SessionID: v.SessionID, Nickname: v.Nickname}
}

// RunDue runs the jobs due on the fake clock and fails on a handler error.
func (e *Env) RunDue() int {
	e.T.Helper()
	n, err := e.Queue.RunDue(e.Ctx)
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Code asserts err's code (and field, when given), as the API would answer it.
func Code(t testing.TB, what string, err error, want string, field ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != want {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, siyu.ErrorCode(err), want)
	}
	if len(field) > 0 && siyu.ErrorField(err) != field[0] {
		t.Fatalf("%s: error field %q, want %q (%v)", what, siyu.ErrorField(err), field[0], err)
	}
}

// Ptr returns a pointer to v, for optional input fields.
func Ptr[T any](v T) *T { return &v }
