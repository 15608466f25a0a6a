package flashsale_test

import (
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// env is one tenant with a live session, a product and the flash-sale service on a
// fresh store with a fake clock.
type env struct {
	*promotest.Env
	svc     *flashsale.Service
	product commerce.Product
}

// newEnv builds the env with a virtual product (no address needed to pay) of one SKU
// priced 9900 fen with stock units.
func newEnv(t *testing.T, store *db.DB, stock int64) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "Flash Brand", "秒杀专场")}
	e.build()
	e.product = e.VirtualProduct("羊绒围巾", 9900, stock)
	return e
}

// build makes new commerce and flash-sale services and a queue on the same store, as
// a restarted node would; the previous flash-sale service is stopped first.
func (e *env) build() {
	if e.svc != nil {
		e.svc.Stop()
	}
	e.Queue = e.NewQueue()
	e.NewCommerce(commerce.Options{Queue: e.Queue, Events: e.Events, PublicURL: "https://shop.example.cn"})
	e.svc = flashsale.NewService(e.Store, flashsale.Options{Now: e.Clock.Now, Commerce: e.Commerce, Queue: e.Queue,
		Events: e.Events, Notifier: e.Room, Logger: promotest.Quiet, EventEvery: 20 * time.Millisecond})
	e.svc.Start(e.Ctx)
	e.T.Cleanup(e.svc.Stop)
}

// launch launches a sale of the product with the given stock and limit, starting now.
func (e *env) launch(stock, limit int64) flashsale.FlashSale {
	e.T.Helper()
	f, err := e.svc.Launch(e.Ctx, e.Owner, e.Session, flashsale.Input{ProductID: e.product.ID, Price: 1990, Stock: stock,
		PerUserLimit: limit})
	if err != nil {
		e.T.Fatal(err)
	}
	return f
}

// buy buys qty units and fails the test on any error.
func (e *env) buy(v promo.Viewer, id, qty int64) flashsale.BuyResult {
	e.T.Helper()
	res, err := e.svc.Buy(e.Ctx, v, id, qty)
	if err != nil {
		e.T.Fatalf("viewer %d buys %d of sale %d: %v", v.ID, qty, id, err)
	}
	return res
}

func (e *env) sale(id int64) flashsale.FlashSale {
	e.T.Helper()
	f, err := e.svc.Get(e.Ctx, e.Owner, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return f
}

// skuStock is what the product's SKU has left to sell outside any sale.
func (e *env) skuStock() int64 {
	e.T.Helper()
	return e.ProductNow(e.product.ID).SKUs[0].Stock
}

// liveOrders counts the sale's orders that are not cancelled or refunded, and their units.
func (e *env) liveOrders(id int64) (orders, units int64) {
	e.T.Helper()
	var r struct {
		N int64 `db:"n"`
		U int64 `db:"u"`
	}
	if err := e.Store.GetContext(e.Ctx, &r, `SELECT COUNT(DISTINCT o.id) AS n, COALESCE(SUM(l.quantity), 0) AS u
		FROM orders o JOIN order_lines l ON l.order_id = o.id
		WHERE o.source = 'flash_sale' AND o.source_id = ? AND o.status NOT IN ('cancelled', 'refunded')`, id); err != nil {
		e.T.Fatal(err)
	}
	return r.N, r.U
}

// reconcile checks the sale's books against the orders and the SKU: sold = units in
// live orders, sold + stock_left = stock, and the SKU lacks exactly what the sale holds.
func (e *env) reconcile(id, skuInitial int64) flashsale.FlashSale {
	e.T.Helper()
	f := e.sale(id)
	_, u := e.liveOrders(id)
	if f.Sold != u || f.Sold+f.StockLeft != f.Stock {
		e.T.Fatalf("sale %d: sold %d, stock_left %d, stock %d; live orders hold %d units", id, f.Sold, f.StockLeft, f.Stock, u)
	}
	held := f.Stock - f.Returned // all units before the end, the sold ones after
	if got := e.skuStock(); got != skuInitial-held {
		e.T.Fatalf("sale %d: SKU stock %d, want %d − %d held by the sale (returned %d)", id, got, skuInitial, held, f.Returned)
	}
	return f
}
