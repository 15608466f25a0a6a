package commerce_test

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
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// clock is the injected fake clock: tests move time instead of sleeping.
type clock = testkit.Clock

// rooms is a fake RoomNotifier keeping every broadcast as JSON.
type rooms struct {
	mu  sync.Mutex
	got []string
}

func (r *rooms) Broadcast(_ context.Context, sessionID int64, ev any) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, string(b))
	return nil
}

func (r *rooms) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// events records webhook event types.
type events = testkit.Events

// env is one brand with an owner and a host, a session with one viewer, and the
// commerce service on a fresh store with a fake clock.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *db.DB
	clock   *clock
	org     *org.Service
	live    *live.Service
	svc     *commerce.Service
	queue   *jobs.Queue
	rooms   *rooms
	events  *events
	owner   org.Principal
	host    org.Principal
	session int64
	buyer   commerce.Buyer
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, rooms: &rooms{}, events: &events{},
		clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))}
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.live = live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org})
	e.owner = e.signup("Shop")
	e.host = e.staff(e.owner, "host", org.RoleHost)
	e.svc, e.queue = e.build()
	e.session = e.newSession(e.host)
	e.buyer = e.viewer(e.session, "小美")
	return e
}

// build makes a new Service and Queue on the same store, as a restarted node would.
func (e *env) build() (*commerce.Service, *jobs.Queue) {
	q := jobs.New(e.store, e.clock.Now, nil)
	svc := commerce.NewService(e.store, commerce.Options{Now: e.clock.Now, Queue: q, Events: e.events,
		Rooms: e.rooms, PublicURL: "https://shop.example.cn/"})
	return svc, q
}

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: strings.ToLower(name) +
		time.Now().Format("150405.000000000") + "@x.io", OwnerPassword: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return principal(res.User)
}

func principal(u org.User) org.Principal {
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(owner org.Principal, name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, owner, org.StaffInput{Email: name + time.Now().Format("150405.000000000") + "@x.io",
		Name: name, Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return principal(u)
}

func (e *env) newSession(p org.Principal) int64 {
	e.t.Helper()
	s, err := e.live.Create(e.ctx, p, live.CreateInput{Title: "上新专场"})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

func (e *env) viewer(sessionID int64, nick string) commerce.Buyer {
	e.t.Helper()
	v, err := e.live.CreateViewer(e.ctx, sessionID, live.ViewerInput{Nickname: nick})
	if err != nil {
		e.t.Fatal(err)
	}
	return commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: sessionID}
}

func ptr[T any](v T) *T { return &v }

// product creates a one-SKU product with price and stock and puts it in the showcase.
func (e *env) product(name string, price, stock int64) commerce.Product {
	e.t.Helper()
	p, err := e.svc.CreateProduct(e.ctx, e.owner, commerce.ProductInput{Name: name, Price: ptr(price), Stock: ptr(stock)})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AddToShowcase(e.ctx, e.owner, e.session, p.ID); err != nil {
		e.t.Fatal(err)
	}
	return p
}

var home = commerce.Address{Name: "王小美", Phone: "13800138000", Province: "上海市", City: "上海市", District: "静安区",
	Detail: "南京西路 1266 号 恒隆广场"}

// order places an order of qty units of p with an address.
func (e *env) order(b commerce.Buyer, p commerce.Product, qty int64) commerce.Order {
	e.t.Helper()
	o, err := e.svc.PlaceOrder(e.ctx, b, e.session, commerce.OrderInput{
		Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: qty}}, Address: &home})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// pay pays o through the sandbox cashier's success button.
func (e *env) pay(b commerce.Buyer, o commerce.Order) commerce.Order {
	e.t.Helper()
	res, err := e.svc.Pay(e.ctx, b, o.ID, commerce.PayInput{})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Sandbox().Act(e.ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
		e.t.Fatal(err)
	}
	return e.get(b, o.ID)
}

func (e *env) get(b commerce.Buyer, id int64) commerce.Order {
	e.t.Helper()
	o, err := e.svc.ViewerOrder(e.ctx, b, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// stock reads a product's stock left and sold count.
func (e *env) stock(id int64) (left, sold int64) {
	e.t.Helper()
	p, err := e.svc.Product(e.ctx, e.owner, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Stock, p.Sold
}

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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
