package crm_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand with staff of several roles, a live session, and the CRM wired to
// live and commerce as the server wires it (room activity is told by the test, as the
// rooms would), on a fresh store with a fake clock.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *db.DB
	clock   *testkit.Clock
	org     *org.Service
	live    *live.Service
	shop    *commerce.Service
	queue   *jobs.Queue
	svc     *crm.Service
	obs     *observer
	events  *testkit.Events
	owner   org.Principal // admin: every permission
	host    org.Principal // customers.view, no contacts.view
	kos     org.Principal // customers.view only
	agent   org.Principal // customers.manage and contacts.view
	session int64         // a live session
	n       int
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, obs: &observer{}, events: &testkit.Events{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))}
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.queue = jobs.New(store, e.clock.Now, nil)
	e.live = live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org})
	e.shop = commerce.NewService(store, commerce.Options{Now: e.clock.Now, Queue: e.queue, PublicURL: "https://shop.example.cn/"})
	e.svc = crm.NewService(store, crm.Options{Now: e.clock.Now, Queue: e.queue, Events: e.events})
	e.svc.AddObserver(e.obs)
	e.live.SetPeopleWatcher(e.svc)
	e.svc.WireCommerce(e.shop)
	e.owner = e.signup("Brand")
	e.host = e.staff("host", org.RoleHost)
	e.kos = e.staff("kos", org.RoleKOS)
	e.agent = e.staff("agent", org.RoleAgent)
	e.session = e.startSession("上新专场")
	return e
}

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

// newSession creates a session hosted by e.host (not started).
func (e *env) newSession(title string) int64 {
	e.t.Helper()
	s, err := e.live.Create(e.ctx, e.host, live.CreateInput{Title: title})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

func (e *env) startSession(title string) int64 {
	e.t.Helper()
	id := e.newSession(title)
	if _, err := e.live.Start(e.ctx, e.host, id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// entry creates an entry link of a channel for a session and returns its code.
func (e *env) entry(session int64, channel string) live.EntryLink {
	e.t.Helper()
	l, err := e.live.CreateEntry(e.ctx, e.owner, session, live.EntryInput{Channel: channel})
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// viewer creates a viewer of a session, through an entry code when given.
func (e *env) viewer(session int64, nick string, entry ...string) live.Viewer {
	e.t.Helper()
	in := live.ViewerInput{Nickname: nick}
	if len(entry) > 0 {
		in.Entry = entry[0]
	}
	vc, err := e.live.CreateViewer(e.ctx, session, in)
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := e.live.AuthenticateViewer(e.ctx, vc.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// join tells the CRM the viewer joined its room (as the room would after committing).
func (e *env) join(v live.Viewer) {
	e.svc.OnActivity(room.Activity{TenantID: v.TenantID, SessionID: v.SessionID, Viewers: []room.ViewerActivity{{
		ViewerID: v.ID, EntryLinkID: v.EntryLinkID, Joins: 1, FirstJoin: true, LastSeen: e.clock.Now().UnixMilli()}}})
	e.flush()
}

// watch books watch time for a viewer (as the room's presence booking would).
func (e *env) watch(v live.Viewer, d time.Duration) {
	e.clock.Add(d)
	e.svc.OnActivity(room.Activity{TenantID: v.TenantID, SessionID: v.SessionID, Viewers: []room.ViewerActivity{{
		ViewerID: v.ID, WatchMs: d.Milliseconds(), LastSeen: e.clock.Now().UnixMilli()}}})
	e.flush()
}

func (e *env) flush() {
	e.t.Helper()
	if err := e.svc.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// buy has the viewer buy qty of a new product at price (fen) in its session, and pay.
func (e *env) buy(v live.Viewer, name string, price, qty int64) commerce.Order {
	e.t.Helper()
	p, err := e.shop.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: name, Price: ptr(price), Stock: ptr(int64(100))})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.shop.AddToShowcase(e.ctx, e.owner, v.SessionID, p.ID); err != nil {
		e.t.Fatal(err)
	}
	b := commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: v.SessionID}
	o, err := e.shop.PlaceOrder(e.ctx, b, v.SessionID, commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: qty}},
		Address: &commerce.Address{Name: "王小美", Phone: "13800138000", Province: "上海市", City: "上海市", District: "静安区", Detail: "南京西路 1266 号"}})
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.shop.Pay(e.ctx, b, o.ID, commerce.PayInput{})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.shop.Sandbox().Act(e.ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
		e.t.Fatal(err)
	}
	e.flush()
	o, err = e.shop.ViewerOrder(e.ctx, b, o.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// verify has the viewer verify a phone through the SMS code, as the viewer page does.
func (e *env) verify(v live.Viewer, phone string) {
	e.t.Helper()
	if _, err := e.live.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone}); err != nil {
		e.t.Fatal(err)
	}
	sms, _, err := e.live.SandboxSMS(e.ctx, e.owner, phone, 0, 1)
	if err != nil || len(sms) == 0 {
		e.t.Fatalf("sms outbox: %v %v", sms, err)
	}
	i := strings.Index(sms[0].Body, "验证码是 ") + len("验证码是 ")
	if _, err := e.live.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: sms[0].Body[i : i+6]}); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Add(time.Minute) // the next code may be asked for
	e.flush()
}

// of returns the profile of a viewer, as the owner sees it.
func (e *env) of(v live.Viewer) crm.Customer {
	e.t.Helper()
	c, err := e.svc.ByIdentity(e.ctx, e.owner, crm.KindViewer, strconv.FormatInt(v.ID, 10))
	if err != nil {
		e.t.Fatalf("profile of viewer %d: %v", v.ID, err)
	}
	return c
}

func (e *env) get(id int64) crm.Profile {
	e.t.Helper()
	p, err := e.svc.Get(e.ctx, e.owner, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) create(in crm.CustomerInput) crm.Customer {
	e.t.Helper()
	c, err := e.svc.Create(e.ctx, e.owner, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) ruleTag(name, rule string) crm.Tag {
	e.t.Helper()
	t, err := e.svc.CreateTag(e.ctx, e.owner, crm.TagInput{Name: name, Rule: rule})
	if err != nil {
		e.t.Fatal(err)
	}
	e.runJobs()
	return t
}

func (e *env) runJobs() {
	e.t.Helper()
	for range 20 {
		n, err := e.queue.RunDue(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func tagNames(c crm.Customer) []string {
	var out []string
	for _, t := range c.Tags {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out
}

func hasTag(c crm.Customer, name string) bool { return slices.Contains(tagNames(c), name) }

// wantCode fails unless err has the code (and, when given, the field).
func wantCode(t *testing.T, err error, code string, field ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Fatalf("error %v: code %q, want %q", err, siyu.ErrorCode(err), code)
	}
	if len(field) > 0 && siyu.ErrorField(err) != field[0] {
		t.Fatalf("error %v: field %q, want %q", err, siyu.ErrorField(err), field[0])
	}
}

// observer records what the CRM tells its observers, in order.
type observer struct {
	mu      sync.Mutex
	facts   []crm.Facts
	added   map[int64][]int64
	removed map[int64][]int64
}

func (o *observer) TagsChanged(_, customerID int64, added, removed []int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.added == nil {
		o.added, o.removed = map[int64][]int64{}, map[int64][]int64{}
	}
	o.added[customerID] = append(o.added[customerID], added...)
	o.removed[customerID] = append(o.removed[customerID], removed...)
}

func (o *observer) CustomerChanged(_ int64, f crm.Facts) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.facts = append(o.facts, f)
}

// last returns the latest facts told about a customer.
func (o *observer) last(id int64) (crm.Facts, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.facts) - 1; i >= 0; i-- {
		if o.facts[i].ID == id {
			return o.facts[i], true
		}
	}
	return crm.Facts{}, false
}

func (o *observer) tags(id int64) (added, removed []int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.added[id]), slices.Clone(o.removed[id])
}
