package commentbuy_test

import (
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/commentbuy"
	"github.com/siyu-live/siyu/internal/promo/promotest"
	"github.com/siyu-live/siyu/internal/room"
)

// env is a brand with an owner, a live session, commerce and the comment-to-buy
// service, on a fresh store with a fake clock.
type env struct {
	*promotest.Env
	svc *commentbuy.Service
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "Comment Shop", "评论下单专场")}
	e.NewCommerce(commerce.Options{})
	e.svc = e.build()
	return e
}

// build makes another comment-to-buy service on the same store: a second node.
func (e *env) build() *commentbuy.Service {
	svc := commentbuy.NewService(e.Store, commentbuy.Options{Now: e.Clock.Now, Commerce: e.Commerce, Notifier: e.Room,
		Logger: promotest.Quiet})
	e.T.Cleanup(svc.Stop)
	return svc
}

// viewer joins the session as a new viewer and returns their id.
func (e *env) viewer(nick string) int64 {
	e.T.Helper()
	return e.Viewer(nick).ID
}

func (e *env) arm(in commentbuy.Input) commentbuy.CommentBuy {
	e.T.Helper()
	c, err := e.svc.Arm(e.Ctx, e.Owner, e.Session, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// say has the viewer comment text as the room would tell it, and waits until the
// service has handled it.
func (e *env) say(svc *commentbuy.Service, viewer int64, text string) {
	svc.OnComment(room.ViewerComment{TenantID: e.Owner.TenantID, SessionID: e.Session, ViewerID: viewer, Nickname: "观众",
		Text: text, At: e.Clock.Now()})
	svc.Drain()
}

// orders lists the viewer's orders, newest first.
func (e *env) orders(viewer int64) []commerce.Order {
	e.T.Helper()
	list, _, err := e.Commerce.ViewerOrders(e.Ctx, commerce.Buyer{TenantID: e.Owner.TenantID, ViewerID: viewer, SessionID: e.Session}, 0, 100)
	if err != nil {
		e.T.Fatal(err)
	}
	return list
}

func (e *env) offer(id int64) commentbuy.CommentBuy {
	e.T.Helper()
	c, err := e.svc.CommentBuy(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

func field(t *testing.T, err error, want string) {
	t.Helper()
	if siyu.ErrorField(err) != want {
		t.Fatalf("error %v: field %q, want %q", err, siyu.ErrorField(err), want)
	}
}
