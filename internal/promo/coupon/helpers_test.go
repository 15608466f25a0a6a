package coupon_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// env is a brand with an owner and a host, a live session, commerce and coupons wired
// as the server wires them, on a fresh store with a fake clock.
type env struct {
	*promotest.Env
	svc *coupon.Service
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "Coupon Shop", "领券专场")}
	e.NewCommerce(commerce.Options{Queue: e.Queue})
	e.svc = coupon.NewService(store, coupon.Options{Now: e.Clock.Now, Events: e.Events, Notifier: e.Room,
		Logger: promotest.Quiet})
	e.Commerce.SetCouponRedeemer(e.svc)
	return e
}

// product creates a one-SKU product in the session's showcase.
func (e *env) product(name string, price, stock int64) commerce.Product {
	e.T.Helper()
	p := e.Product(name, price, stock)
	if _, err := e.Commerce.AddToShowcase(e.Ctx, e.Owner, e.Session, p.ID); err != nil {
		e.T.Fatal(err)
	}
	return p
}

func (e *env) issue(in coupon.Input) coupon.Coupon {
	e.T.Helper()
	c, err := e.svc.Issue(e.Ctx, e.Host, e.Session, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

func (e *env) claim(v promo.Viewer, id int64) coupon.Claim {
	e.T.Helper()
	k, err := e.svc.Claim(e.Ctx, v, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return k
}

var home = commerce.Address{Name: "王小美", Phone: "13800138000", Province: "上海市", City: "上海市", District: "静安区",
	Detail: "南京西路 1266 号"}

// order places an order of qty × p with the claim (0 = none).
func (e *env) order(v promo.Viewer, claimID int64, qty int64, ps ...commerce.Product) (commerce.Order, error) {
	in := commerce.OrderInput{Address: &home, CouponClaimID: claimID}
	for _, p := range ps {
		in.Lines = append(in.Lines, commerce.LineInput{ProductID: p.ID, Quantity: qty})
	}
	return e.Commerce.PlaceOrder(e.Ctx, promotest.Buyer(v), e.Session, in)
}

// claimOf finds the viewer's claim by id.
func (e *env) claimOf(v promo.Viewer, id int64) coupon.Claim {
	e.T.Helper()
	list, err := e.svc.ViewerClaims(e.Ctx, v)
	if err != nil {
		e.T.Fatal(err)
	}
	for _, k := range list {
		if k.ID == id {
			return k
		}
	}
	e.T.Fatalf("claim %d not among the viewer's %+v", id, list)
	return coupon.Claim{}
}

func (e *env) couponNow(id int64) coupon.Coupon {
	e.T.Helper()
	c, err := e.svc.Coupon(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// wantCode fails unless err has the code and its message contains each of says.
func wantCode(t *testing.T, err error, code string, says ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Fatalf("error %v: code %q, want %q", err, siyu.ErrorCode(err), code)
	}
	for _, s := range says {
		if !strings.Contains(siyu.ErrorMessage(err), s) {
			t.Fatalf("error message %q does not say %q", siyu.ErrorMessage(err), s)
		}
	}
}
