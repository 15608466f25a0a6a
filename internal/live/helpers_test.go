package live_test

import (
	"context"
	"encoding/json"
	"github.com/siyu-live/siyu/internal/testkit"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// clock is the injected fake clock: tests move time instead of sleeping.
type clock = testkit.Clock

// recorder is the bus as the live domain sees it: it keeps every control message.
type recorder struct {
	mu   sync.Mutex
	msgs []room.Control
}

func (r *recorder) Publish(_ context.Context, subject string, data []byte) error {
	var c room.Control
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	if subject != room.ControlSubject(c.SessionID) {
		panic("control message for session " + subject + " sent on the wrong subject")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, c)
	return nil
}

// take returns and forgets the messages so far.
func (r *recorder) take() []room.Control {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs
	r.msgs = nil
	return out
}

// events records webhook event types.
type events = testkit.Events

// env is one tenant with an owner, a host and an agent, and the live service on a
// fresh store with a fake clock.
type env struct {
	t      *testing.T
	ctx    context.Context
	store  *db.DB
	clock  *clock
	org    *org.Service
	svc    *live.Service
	queue  *jobs.Queue
	bus    *recorder
	events *events
	owner  org.Principal
	host   org.Principal
	agent  org.Principal
	token  string // the owner's staff token
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, bus: &recorder{}, events: &events{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))} // a Wednesday, 20:00 in Shanghai
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.owner, e.token = e.signup("Live Brand")
	e.host = e.staff(e.owner, "host", org.RoleHost)
	e.agent = e.staff(e.owner, "agent", org.RoleAgent)
	e.svc, e.queue = e.build()
	return e
}

// build makes a new Service and Queue on the same store, as a restarted node would.
func (e *env) build() (*live.Service, *jobs.Queue) {
	q := jobs.New(e.store, e.clock.Now, nil)
	svc := live.NewService(e.store, live.Options{Now: e.clock.Now, Org: e.org, Queue: q, Bus: e.bus, Events: e.events,
		PublicURL: "https://live.example.cn/"})
	return svc, q
}

func (e *env) signup(name string) (org.Principal, string) {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: strings.ToLower(strings.ReplaceAll(name, " ", "")) +
		time.Now().Format("150405.000000000") + "@x.io", OwnerPassword: "password-123", OwnerName: name + " 老板"})
	if err != nil {
		e.t.Fatal(err)
	}
	return principal(res.User), res.Token
}

func principal(u org.User) org.Principal {
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(owner org.Principal, name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, owner, org.StaffInput{Email: name + time.Now().Format("150405.000000000") + "@x.io",
		Name: name + " 名", Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return principal(u)
}

// tokenOf issues a staff API token for p.
func (e *env) tokenOf(p org.Principal) string {
	e.t.Helper()
	u, err := e.org.GetStaff(e.ctx, p, p.UserID)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.org.IssueLoginToken(e.ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// session creates a session hosted by the host.
func (e *env) session(title string) live.Session {
	e.t.Helper()
	s, err := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: title})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// live creates a session and starts it.
func (e *env) live(title string) live.Session {
	e.t.Helper()
	s := e.session(title)
	s, err := e.svc.Start(e.ctx, e.host, s.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) viewer(sessionID int64, nick string) live.ViewerCreated {
	e.t.Helper()
	v, err := e.svc.CreateViewer(e.ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// stats writes room counters as the room engine would.
func (e *env) stats(sessionID, viewers int64) {
	e.t.Helper()
	if _, err := e.store.ExecContext(e.ctx, `UPDATE live_sessions SET viewers = ? WHERE id = ?`, viewers, sessionID); err != nil {
		e.t.Fatal(err)
	}
}

// code asserts err's code (and field, when given).
func code(t *testing.T, what string, err error, want string, field ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != want {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, siyu.ErrorCode(err), want)
	}
	if len(field) > 0 && siyu.ErrorField(err) != field[0] {
		t.Fatalf("%s: error field %q, want %q (%v)", what, siyu.ErrorField(err), field[0], err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
