package broadcast_test

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/poster"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/testkit"
	"github.com/siyu-live/siyu/internal/webhook"
)

const publicURL = "http://siyu.test"

// env is one brand with an owner, an agent (customers.manage) and a host (no
// customers.manage), and the services a broadcast needs, wired as the server does.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *db.DB
	clock   *testkit.Clock
	org     *org.Service
	queue   *jobs.Queue
	live    *live.Service
	crm     *crm.Service
	seg     *segment.Service
	hooks   *webhook.Service
	svc     *broadcast.Service
	posters *fakePosters
	owner   org.Principal
	agent   org.Principal
	host    org.Principal
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// fakePosters records what was asked of the poster renderer.
type fakePosters struct {
	mu  sync.Mutex
	got []poster.Input
}

func (f *fakePosters) PNG(in poster.Input) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, in)
	return []byte("\x89PNG fake " + in.QRURL), nil
}

func newEnv(t *testing.T, store *db.DB, tune ...func(*broadcast.Options)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, posters: &fakePosters{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 4, 0, 0, 0, time.UTC))} // Wednesday noon in Shanghai
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.queue = jobs.New(store, e.clock.Now, nil)
	client := webhook.NewClient(true)
	e.hooks = webhook.NewService(store, e.queue, client, e.clock.Now)
	e.live = live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org, Queue: e.queue, PublicURL: publicURL})
	e.crm = crm.NewService(store, crm.Options{Now: e.clock.Now, Queue: e.queue})
	e.seg = segment.NewService(store, segment.Options{Now: e.clock.Now, PageSize: 100})
	e.crm.AddObserver(e.seg)
	opt := broadcast.Options{Now: e.clock.Now, Queue: e.queue, Live: e.live, Org: e.org, Segments: e.seg,
		HTTPClient: client, PublicURL: publicURL, Posters: e.posters, Covers: noCover}
	for _, f := range tune {
		f(&opt)
	}
	e.svc = broadcast.NewService(store, opt)
	e.owner = e.signup("Brand")
	e.agent = e.staff("agent", org.RoleAgent)
	e.host = e.staff("host", org.RoleHost)
	return e
}

func noCover(context.Context, string) image.Image { return nil }

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: strings.ToLower(name) +
		time.Now().Format("150405.000000000") + "@x.io", OwnerPassword: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	u := res.User
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, e.owner, org.StaffInput{Email: name + time.Now().Format("150405.000000000") + "@x.io",
		Name: name, Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// session creates a live of p's tenant scheduled at at (zero: unscheduled).
func (e *env) session(p org.Principal, title string, at time.Time) live.Session {
	e.t.Helper()
	in := live.CreateInput{Title: title}
	if !at.IsZero() {
		in.ScheduledAt = at.Format(time.RFC3339)
	}
	s, err := e.live.Create(e.ctx, p, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// viewerCustomer makes a viewer of an earlier session and lets the CRM see them join,
// so a customer with a viewer identity exists; it returns the viewer and customer ids.
func (e *env) viewerCustomer(p org.Principal, sessionID int64, nick string, tags ...string) (int64, int64) {
	e.t.Helper()
	v, err := e.live.CreateViewer(e.ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.t.Fatal(err)
	}
	e.crm.OnActivity(room.Activity{TenantID: p.TenantID, SessionID: sessionID,
		Viewers: []room.ViewerActivity{{ViewerID: v.ID, Joins: 1, FirstJoin: true, LastSeen: e.clock.Now().UnixMilli()}}})
	if err := e.crm.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	var cid int64
	if err := e.store.GetContext(e.ctx, &cid, `SELECT customer_id FROM customer_identities WHERE tenant_id = ? AND kind = 'viewer' AND value = ?`,
		p.TenantID, strconv.FormatInt(v.ID, 10)); err != nil {
		e.t.Fatal(err)
	}
	if len(tags) > 0 {
		if _, err := e.crm.AddTags(e.ctx, p, cid, crm.TagsInput{Tags: tags}); err != nil {
			e.t.Fatal(err)
		}
	}
	return v.ID, cid
}

// customer creates a customer through the CRM (phone optional) with tags.
func (e *env) customer(p org.Principal, name, phone string, tags ...string) int64 {
	e.t.Helper()
	c, err := e.crm.Create(e.ctx, p, crm.CustomerInput{Name: name, Phone: phone, Tags: tags})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

func (e *env) segment(p org.Principal, name, rule string) int64 {
	e.t.Helper()
	s, err := e.seg.Create(e.ctx, p, segment.Input{Name: name, Rule: rule})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

// run runs every due job (the send and its hand-overs) to the end.
func (e *env) run() {
	e.t.Helper()
	if _, err := e.queue.RunDue(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) get(id int64) broadcast.Broadcast {
	e.t.Helper()
	b, err := e.svc.Get(e.ctx, e.owner, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// recipients returns every recipient of a broadcast by customer id.
func (e *env) recipients(id int64) map[int64]broadcast.Recipient {
	e.t.Helper()
	page, err := e.svc.Recipients(e.ctx, e.owner, id, "", "", 200)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]broadcast.Recipient{}
	for _, r := range page.Items {
		out[r.CustomerID] = r
	}
	return out
}

// token reads a recipient's link token (the API never shows it; the message carries it).
func (e *env) token(recipientID int64) string {
	e.t.Helper()
	var tok string
	if err := e.store.GetContext(e.ctx, &tok, `SELECT token FROM broadcast_recipients WHERE id = ?`, recipientID); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// receiver is the brand's system at the other end of the webhook channel: it checks
// every signature and counts every message by dedupe key.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	fail   int // answer 503 to this many more requests
	posts  int
	byKey  map[string]notify.WebhookMessage
	dups   int
	badSig int
}

func (e *env) receiver(p org.Principal) *receiver {
	e.t.Helper()
	rc := &receiver{t: e.t, byKey: map[string]notify.WebhookMessage{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	e.t.Cleanup(rc.srv.Close)
	ep, err := e.hooks.CreateEndpoint(e.ctx, p.TenantID, webhook.EndpointInput{URL: rc.srv.URL + "/hook", Events: []string{broadcast.EventMessage}})
	if err != nil {
		e.t.Fatal(err)
	}
	rc.secret = ep.Secret
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if err := webhook.Verify(rc.secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 100*365*24*time.Hour); err != nil {
		rc.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var b notify.WebhookBody
	if err := json.Unmarshal(body, &b); err != nil || b.Type != broadcast.EventMessage {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	for _, m := range b.Data.Messages {
		if _, dup := rc.byKey[m.DedupeKey]; dup {
			rc.dups++
			continue
		}
		rc.byKey[m.DedupeKey] = m
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) snapshot() (map[string]notify.WebhookMessage, int, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]notify.WebhookMessage, len(rc.byKey))
	for k, v := range rc.byKey {
		out[k] = v
	}
	return out, rc.dups, rc.badSig
}
