package assist_test

import (
	"testing"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// env is one tenant with an owner and a host, a live session, a virtual product with
// stock, and the assist service over commerce on a fresh store with a fake clock.
type env struct {
	*promotest.Env
	svc     *assist.Service
	product commerce.Product
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "助力店", "助力专场")}
	e.NewCommerce(commerce.Options{Queue: e.Queue, Events: e.Events, PublicURL: "https://shop.example.cn"})
	e.svc = assist.NewService(store, assist.Options{Now: e.Clock.Now, Commerce: e.Commerce, Queue: e.Queue,
		Events: e.Events, Notifier: e.Room, Logger: promotest.Quiet})
	e.product = e.VirtualProduct("助力面膜", 9900, 10)
	return e
}

// launch starts an offer of e.product at 3900 fen.
func (e *env) launch(helpers, seconds int) assist.Assist {
	e.T.Helper()
	a, err := e.svc.Launch(e.Ctx, e.Host, e.Session, assist.Input{ProductID: e.product.ID, Price: 3900, HelpersNeeded: helpers,
		TimeLimitSeconds: seconds})
	if err != nil {
		e.T.Fatal(err)
	}
	return a
}

// stock reads e.product's stock left and sold count.
func (e *env) stock() (left, sold int64) {
	e.T.Helper()
	p := e.ProductNow(e.product.ID)
	return p.Stock, p.Sold
}
