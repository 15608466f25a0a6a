package promo_test

import (
	"context"
	"encoding/json"
	"github.com/siyu-live/siyu/internal/testkit"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/room"
)

// clock is the injected fake clock: tests move time instead of sleeping.
type clock = testkit.Clock

// roomEvent is one event a notifier received; viewer is 0 for broadcasts.
type roomEvent struct {
	session, viewer int64
	typ             string
	raw             string
}

// notifier records room events as the room engine would receive them.
type notifier struct {
	mu     sync.Mutex
	events []roomEvent
}

func (n *notifier) record(session, viewer int64, event any) error {
	raw, err := json.Marshal(event)
	if err != nil {
		return err
	}
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &head)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.events = append(n.events, roomEvent{session: session, viewer: viewer, typ: head.Type, raw: string(raw)})
	return nil
}

func (n *notifier) Broadcast(_ context.Context, sessionID int64, event any) error {
	return n.record(sessionID, 0, event)
}

func (n *notifier) SendTo(_ context.Context, sessionID, viewerID int64, event any) error {
	return n.record(sessionID, viewerID, event)
}

// ofType returns the recorded events of one type.
func (n *notifier) ofType(typ string) []roomEvent {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []roomEvent
	for _, e := range n.events {
		if e.typ == typ {
			out = append(out, e)
		}
	}
	return out
}

// events records webhook event types.
type events = testkit.Events

// env is one tenant with an owner and a host, a live session, and the promo service on
// a fresh store with a fake clock.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *db.DB
	clock   *clock
	org     *org.Service
	live    *live.Service
	svc     *promo.Service
	queue   *jobs.Queue
	room    *notifier
	events  *events
	owner   org.Principal
	host    org.Principal
	session int64
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, room: &notifier{}, events: &events{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))} // 20:00 in Shanghai
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.owner = e.signup("Promo Brand")
	u, err := e.org.CreateStaff(e.ctx, e.owner, org.StaffInput{Email: "host" + time.Now().Format("150405.000000000") + "@x.io",
		Name: "主播", Role: org.RoleHost, Password: "password-123"})
	if err != nil {
		t.Fatal(err)
	}
	e.host = principal(u)
	e.live = live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org})
	e.session = e.liveSession(e.host)
	e.build()
	return e
}

// build makes a new promo Service and Queue on the same store, as a restarted node
// would; the previous service is stopped first.
func (e *env) build() {
	if e.svc != nil {
		e.svc.Stop()
	}
	e.queue = jobs.New(e.store, e.clock.Now, slog.New(slog.DiscardHandler))
	e.svc = promo.NewService(e.store, promo.Options{Now: e.clock.Now, Org: e.org, Queue: e.queue, Events: e.events,
		Follows: e.live.Directory(), Notifier: e.room, Logger: slog.New(slog.DiscardHandler)})
	e.svc.Start(e.ctx)
	svc := e.svc
	e.t.Cleanup(svc.Stop)
}

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: strings.ToLower(strings.ReplaceAll(name, " ", "")) +
		time.Now().Format("150405.000000000") + "@x.io", OwnerPassword: "password-123", OwnerName: name + " 老板"})
	if err != nil {
		e.t.Fatal(err)
	}
	return principal(res.User)
}

func principal(u org.User) org.Principal {
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// liveSession creates and starts a session hosted by p.
func (e *env) liveSession(p org.Principal) int64 {
	e.t.Helper()
	s, err := e.live.Create(e.ctx, p, live.CreateInput{Title: "直播间"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.live.Start(e.ctx, p, s.ID); err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

// viewer creates a viewer of a session.
func (e *env) viewer(sessionID int64, nick string) promo.Viewer {
	e.t.Helper()
	v, err := e.live.CreateViewer(e.ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.t.Fatal(err)
	}
	return promo.Viewer{ID: v.ID, TenantID: v.TenantID, SessionID: v.SessionID, Nickname: v.Nickname}
}

func (e *env) follow(v promo.Viewer) {
	e.t.Helper()
	if _, err := e.live.Directory().Follow(e.ctx, room.Member{TenantID: v.TenantID, SessionID: v.SessionID,
		Role: room.RoleViewer, ViewerID: v.ID}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.store.ExecContext(e.ctx, q, args...); err != nil {
		e.t.Fatal(err)
	}
}

// runDue runs the due jobs and fails on a handler error.
func (e *env) runDue() int {
	e.t.Helper()
	n, err := e.queue.RunDue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
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

func codeOf(err error) string { return siyu.ErrorCode(err) }
