package broadcast_test

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/crm/poster"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/webhook"
)

const publicURL = "http://siyu.test"

// env is one brand with an owner, an agent (customers.manage) and a host (no
// customers.manage), and the services a broadcast needs, wired as the server does.
type env struct {
	*crmtest.Env
	live    *live.Service
	hooks   *webhook.Service
	svc     *broadcast.Service
	posters *fakePosters
	agent   org.Principal
	host    org.Principal
}

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
	e := &env{Env: crmtest.New(t, store), posters: &fakePosters{}}
	e.Clock.Set(time.Date(2030, 3, 6, 4, 0, 0, 0, time.UTC)) // Wednesday noon in Shanghai
	e.NewQueue()
	client := webhook.NewClient(true)
	e.hooks = webhook.NewService(store, e.Queue, client, e.Clock.Now)
	e.live = live.NewService(store, live.Options{Now: e.Clock.Now, Org: e.Org, Queue: e.Queue, PublicURL: publicURL})
	e.NewCRM(crm.Options{Queue: e.Queue})
	e.NewSegments(segment.Options{PageSize: 100})
	opt := broadcast.Options{Now: e.Clock.Now, Queue: e.Queue, Live: e.live, Org: e.Org, Segments: e.Segments,
		HTTPClient: client, PublicURL: publicURL, Posters: e.posters, Covers: noCover}
	for _, f := range tune {
		f(&opt)
	}
	e.svc = broadcast.NewService(store, opt)
	e.Owner = e.Signup("Brand")
	e.agent = e.Staff("agent", org.RoleAgent)
	e.host = e.Staff("host", org.RoleHost)
	return e
}

func noCover(context.Context, string) image.Image { return nil }

// session creates a live of p's tenant scheduled at at (zero: unscheduled).
func (e *env) session(p org.Principal, title string, at time.Time) live.Session {
	e.T.Helper()
	in := live.CreateInput{Title: title}
	if !at.IsZero() {
		in.ScheduledAt = at.Format(time.RFC3339)
	}
	s, err := e.live.Create(e.Ctx, p, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return s
}

// viewerCustomer makes a viewer of an earlier session and lets the CRM see them join,
// so a customer with a viewer identity exists; it returns the viewer and customer ids.
func (e *env) viewerCustomer(p org.Principal, sessionID int64, nick string, tags ...string) (int64, int64) {
	e.T.Helper()
	v, err := e.live.CreateViewer(e.Ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.T.Fatal(err)
	}
	e.CRM.OnActivity(room.Activity{TenantID: p.TenantID, SessionID: sessionID,
		Viewers: []room.ViewerActivity{{ViewerID: v.ID, Joins: 1, FirstJoin: true, LastSeen: e.Clock.Now().UnixMilli()}}})
	if err := e.CRM.Flush(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
	var cid int64
	if err := e.Store.GetContext(e.Ctx, &cid, `SELECT customer_id FROM customer_identities WHERE tenant_id = ? AND kind = 'viewer' AND value = ?`,
		p.TenantID, strconv.FormatInt(v.ID, 10)); err != nil {
		e.T.Fatal(err)
	}
	if len(tags) > 0 {
		if _, err := e.CRM.AddTags(e.Ctx, p, cid, crm.TagsInput{Tags: tags}); err != nil {
			e.T.Fatal(err)
		}
	}
	return v.ID, cid
}

// customer creates a customer through the CRM (phone optional) with tags.
func (e *env) customer(p org.Principal, name, phone string, tags ...string) int64 {
	e.T.Helper()
	return e.Customer(p, crm.CustomerInput{Name: name, Phone: phone, Tags: tags}).ID
}

func (e *env) segment(p org.Principal, name, rule string) int64 {
	e.T.Helper()
	s, err := e.Segments.Create(e.Ctx, p, segment.Input{Name: name, Rule: rule})
	if err != nil {
		e.T.Fatal(err)
	}
	return s.ID
}

// run runs every due job (the send and its hand-overs) to the end.
func (e *env) run() {
	e.T.Helper()
	if _, err := e.Queue.RunDue(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
}

func (e *env) get(id int64) broadcast.Broadcast {
	e.T.Helper()
	b, err := e.svc.Get(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return b
}

// recipients returns every recipient of a broadcast by customer id.
func (e *env) recipients(id int64) map[int64]broadcast.Recipient {
	e.T.Helper()
	page, err := e.svc.Recipients(e.Ctx, e.Owner, id, "", "", 200)
	if err != nil {
		e.T.Fatal(err)
	}
	out := map[int64]broadcast.Recipient{}
	for _, r := range page.Items {
		out[r.CustomerID] = r
	}
	return out
}

// token reads a recipient's link token (the API never shows it; the message carries it).
func (e *env) token(recipientID int64) string {
	e.T.Helper()
	var tok string
	if err := e.Store.GetContext(e.Ctx, &tok, `SELECT token FROM broadcast_recipients WHERE id = ?`, recipientID); err != nil {
		e.T.Fatal(err)
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
	e.T.Helper()
	rc := &receiver{t: e.T, byKey: map[string]notify.WebhookMessage{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	e.T.Cleanup(rc.srv.Close)
	ep, err := e.hooks.CreateEndpoint(e.Ctx, p.TenantID, webhook.EndpointInput{URL: rc.srv.URL + "/hook", Events: []string{broadcast.EventMessage}})
	if err != nil {
		e.T.Fatal(err)
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
