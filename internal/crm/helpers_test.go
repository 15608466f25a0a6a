package crm_test

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand with staff of several roles, a live session, and the CRM wired to
// live and commerce as the server wires it (room activity is told by the test, as the
// rooms would), on a fresh store with a fake clock.
type env struct {
	*crmtest.Env
	live    *live.Service
	shop    *commerce.Service
	obs     *observer
	events  *testkit.Events
	host    org.Principal // customers.view, no contacts.view
	kos     org.Principal // customers.view only
	agent   org.Principal // customers.manage and contacts.view
	session int64         // a live session
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: crmtest.New(t, store), obs: &observer{}, events: &testkit.Events{}}
	e.NewQueue()
	e.live = live.NewService(store, live.Options{Now: e.Clock.Now, Org: e.Org})
	e.shop = commerce.NewService(store, commerce.Options{Now: e.Clock.Now, Queue: e.Queue, PublicURL: "https://shop.example.cn/"})
	e.NewCRM(crm.Options{Queue: e.Queue, Events: e.events})
	e.CRM.AddObserver(e.obs)
	e.live.SetPeopleWatcher(e.CRM)
	e.CRM.WireCommerce(e.shop)
	e.Owner = e.Signup("Brand")
	e.host = e.Staff("host", org.RoleHost)
	e.kos = e.Staff("kos", org.RoleKOS)
	e.agent = e.Staff("agent", org.RoleAgent)
	e.session = e.startSession("上新专场")
	return e
}

// newSession creates a session hosted by e.host (not started).
func (e *env) newSession(title string) int64 {
	e.T.Helper()
	s, err := e.live.Create(e.Ctx, e.host, live.CreateInput{Title: title})
	if err != nil {
		e.T.Fatal(err)
	}
	return s.ID
}

func (e *env) startSession(title string) int64 {
	e.T.Helper()
	id := e.newSession(title)
	if _, err := e.live.Start(e.Ctx, e.host, id); err != nil {
		e.T.Fatal(err)
	}
	return id
}

// entry creates an entry link of a channel for a session and returns its code.
func (e *env) entry(session int64, channel string) live.EntryLink {
	e.T.Helper()
	l, err := e.live.CreateEntry(e.Ctx, e.Owner, session, live.EntryInput{Channel: channel})
	if err != nil {
		e.T.Fatal(err)
	}
	return l
}

// viewer creates a viewer of a session, through an entry code when given.
func (e *env) viewer(session int64, nick string, entry ...string) live.Viewer {
	e.T.Helper()
	in := live.ViewerInput{Nickname: nick}
	if len(entry) > 0 {
		in.Entry = entry[0]
	}
	vc, err := e.live.CreateViewer(e.Ctx, session, in)
	if err != nil {
		e.T.Fatal(err)
	}
	v, err := e.live.AuthenticateViewer(e.Ctx, vc.Token)
	if err != nil {
		e.T.Fatal(err)
	}
	return v
}

// join tells the CRM the viewer joined its room (as the room would after committing).
func (e *env) join(v live.Viewer) {
	e.CRM.OnActivity(room.Activity{TenantID: v.TenantID, SessionID: v.SessionID, Viewers: []room.ViewerActivity{{
		ViewerID: v.ID, EntryLinkID: v.EntryLinkID, Joins: 1, FirstJoin: true, LastSeen: e.Clock.Now().UnixMilli()}}})
	e.flush()
}

// watch books watch time for a viewer (as the room's presence booking would).
func (e *env) watch(v live.Viewer, d time.Duration) {
	e.Clock.Add(d)
	e.CRM.OnActivity(room.Activity{TenantID: v.TenantID, SessionID: v.SessionID, Viewers: []room.ViewerActivity{{
		ViewerID: v.ID, WatchMs: d.Milliseconds(), LastSeen: e.Clock.Now().UnixMilli()}}})
	e.flush()
}

func (e *env) flush() {
	e.T.Helper()
	if err := e.CRM.Flush(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
}

// buy has the viewer buy qty of a new product at price (fen) in its session, and pay.
func (e *env) buy(v live.Viewer, name string, price, qty int64) commerce.Order {
	e.T.Helper()
	p, err := e.shop.CreateProduct(e.Ctx, e.Owner, commerce.ProductInput{Name: name, Price: crmtest.Ptr(price), Stock: crmtest.Ptr(int64(100))})
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.shop.AddToShowcase(e.Ctx, e.Owner, v.SessionID, p.ID); err != nil {
		e.T.Fatal(err)
	}
	b := commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: v.SessionID}
	o, err := e.shop.PlaceOrder(e.Ctx, b, v.SessionID, commerce.OrderInput{Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: qty}},
		Address: &commerce.Address{Name: "王小美", Phone: "13800138000", Province: "上海市", City: "上海市", District: "静安区", Detail: "南京西路 1266 号"}})
	if err != nil {
		e.T.Fatal(err)
	}
	res, err := e.shop.Pay(e.Ctx, b, o.ID, commerce.PayInput{})
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.shop.Sandbox().Act(e.Ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
		e.T.Fatal(err)
	}
	e.flush()
	o, err = e.shop.ViewerOrder(e.Ctx, b, o.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	return o
}

// verify has the viewer verify a phone through the SMS code, as the viewer page does.
func (e *env) verify(v live.Viewer, phone string) {
	e.T.Helper()
	if _, err := e.live.SendPhoneCode(e.Ctx, v, live.PhoneInput{Phone: phone}); err != nil {
		e.T.Fatal(err)
	}
	sms, _, err := e.live.SandboxSMS(e.Ctx, e.Owner, phone, 0, 1)
	if err != nil || len(sms) == 0 {
		e.T.Fatalf("sms outbox: %v %v", sms, err)
	}
	i := strings.Index(sms[0].Body, "验证码是 ") + len("验证码是 ")
	if _, err := e.live.VerifyPhone(e.Ctx, v, live.VerifyInput{Phone: phone, Code: sms[0].Body[i : i+6]}); err != nil {
		e.T.Fatal(err)
	}
	e.Clock.Add(time.Minute) // the next code may be asked for
	e.flush()
}

// of returns the profile of a viewer, as the owner sees it.
func (e *env) of(v live.Viewer) crm.Customer {
	e.T.Helper()
	c, err := e.CRM.ByIdentity(e.Ctx, e.Owner, crm.KindViewer, strconv.FormatInt(v.ID, 10))
	if err != nil {
		e.T.Fatalf("profile of viewer %d: %v", v.ID, err)
	}
	return c
}

func (e *env) get(id int64) crm.Profile {
	e.T.Helper()
	p, err := e.CRM.Get(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}

func (e *env) ruleTag(name, rule string) crm.Tag {
	e.T.Helper()
	t, err := e.CRM.CreateTag(e.Ctx, e.Owner, crm.TagInput{Name: name, Rule: rule})
	if err != nil {
		e.T.Fatal(err)
	}
	e.RunJobs()
	return t
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
