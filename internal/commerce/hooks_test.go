package commerce_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// hookLog records hook calls with the order status each hook saw through its tx.
type hookLog struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (h *hookLog) hook(kind string) commerce.Hook {
	return func(ctx context.Context, tx *db.Tx, o commerce.Order) error {
		var status string
		if err := tx.GetContext(ctx, &status, `SELECT status FROM orders WHERE id = ?`, o.ID); err != nil {
			return err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.fail != nil {
			return h.fail
		}
		h.calls = append(h.calls, kind+":"+o.Status+"/"+status+"/"+o.CancelReason)
		return nil
	}
}

func (h *hookLog) set(err error) { h.mu.Lock(); h.fail = err; h.mu.Unlock() }

func (h *hookLog) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

// TestHooksForHeldStock: an order created with CreateOrderTx and StockHeld leaves
// product stock alone, charges the caller's price, and calls the source's paid and
// release hooks inside the transition's transaction (they see the new status).
// Hooks of other sources are not called.
func TestHooksForHeldStock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("秒杀大衣", 59900, 10)
		var h, other hookLog
		e.svc.OnPaid("flash_sale", h.hook("paid"))
		e.svc.OnRelease("flash_sale", h.hook("release"))
		e.svc.OnRelease("showcase", other.hook("release"))
		create := func() commerce.Order {
			var o commerce.Order
			err := store.Tx(e.ctx, func(tx *db.Tx) error {
				var err error
				o, err = e.svc.CreateOrderTx(e.ctx, tx, commerce.NewOrder{TenantID: e.owner.TenantID, SessionID: e.session,
					ViewerID: e.buyer.ViewerID, Source: "flash_sale", SourceID: 7, StockHeld: true, Address: &home,
					ExpiresAfter: 5 * time.Minute, Lines: []commerce.NewLine{{ProductID: p.ID, Quantity: 1, Price: 39900}}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		o := create()
		if o.Total != 39900 || !o.StockHeld || o.Source != "flash_sale" || o.SourceID != 7 || !o.ExpiresAt.Equal(e.clock.Now().Add(5*time.Minute)) {
			t.Fatalf("held order: %+v", o)
		}
		if left, _ := e.stock(p.ID); left != 10 {
			t.Fatalf("a held order took product stock: %d", left)
		}
		e.pay(e.buyer, o)
		if got := h.take(); len(got) != 1 || got[0] != "paid:paid/paid/" {
			t.Fatalf("paid hooks: %v", got)
		}
		o2 := create()
		e.clock.Add(6 * time.Minute)
		if _, err := e.queue.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := h.take(); len(got) != 1 || got[0] != "release:cancelled/cancelled/expired" {
			t.Fatalf("release hooks on expiry: %v", got)
		}
		if left, _ := e.stock(p.ID); left != 10 {
			t.Fatalf("expiry of a held order changed product stock: %d", left)
		}
		if _, err := e.svc.Refund(e.ctx, e.owner, o.ID, commerce.RefundInput{}); err != nil {
			t.Fatal(err)
		}
		if got := h.take(); len(got) != 1 || got[0] != "release:refunded/refunded/" {
			t.Fatalf("release hooks on refund: %v", got)
		}
		if got := other.take(); len(got) != 0 {
			t.Fatalf("showcase hooks ran for flash-sale orders: %v", got)
		}
		if got := e.get(e.buyer, o2.ID); got.Status != "cancelled" || got.CancelReason != "expired" {
			t.Fatalf("held order after expiry: %+v", got)
		}
	})
}

// TestFailingHookRollsBack: a hook that fails undoes its transition: the payment
// callback leaves the order created and the attempt pending (and the redelivered
// event then succeeds); a cancel leaves the order created with its stock reserved.
func TestFailingHookRollsBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("衬衫", 29900, 5)
		var h hookLog
		e.svc.OnPaid("showcase", h.hook("paid"))
		e.svc.OnRelease("showcase", h.hook("release"))
		h.set(errors.New("the promo books are closed"))

		o := e.order(e.buyer, p, 2)
		res, err := e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{})
		if err != nil {
			t.Fatal(err)
		}
		cb := commerce.CallbackResult{ProviderRef: res.Payment.ProviderRef, OrderID: o.ID, AmountFen: o.Total, Status: "succeeded", EventID: "evt_hook"}
		if _, err := e.svc.HandleCallback(e.ctx, "sandbox", e.callback(cb, e.clock.Now(), nil)); err == nil {
			t.Fatal("a failing paid hook did not fail the callback")
		}
		got := e.get(e.buyer, o.ID)
		if got.Status != "created" || got.Payments[0].Status != "pending" {
			t.Fatalf("a failed hook left the payment applied: %+v", got)
		}
		if _, sold := e.stock(p.ID); sold != 0 {
			t.Fatalf("sold %d after a rolled-back payment", sold)
		}
		if _, err := e.svc.CancelOrder(e.ctx, e.buyer, o.ID); err == nil {
			t.Fatal("a failing release hook did not fail the cancel")
		}
		if got := e.get(e.buyer, o.ID); got.Status != "created" {
			t.Fatalf("cancel went through: %+v", got)
		}
		if left, _ := e.stock(p.ID); left != 3 {
			t.Fatalf("stock %d after a rolled-back cancel, want 3", left)
		}
		h.set(nil) // the provider redelivers the same event; now it applies
		if _, err := e.svc.HandleCallback(e.ctx, "sandbox", e.callback(cb, e.clock.Now(), nil)); err != nil {
			t.Fatal(err)
		}
		if got := e.get(e.buyer, o.ID); got.Status != "paid" {
			t.Fatalf("redelivery after the hook recovered: %+v", got)
		}
		if got := h.take(); len(got) != 1 || got[0] != "paid:paid/paid/" {
			t.Fatalf("paid hooks: %v", got)
		}
	})
}

// TestCreateOrdersTxBatch: a flash sale's group commit persists several held-stock
// orders in its own transaction; a bad one fails the whole batch (and the caller's
// transaction with it), so nothing of the batch remains.
func TestCreateOrdersTxBatch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("秒杀围巾", 9900, 100)
		var ins []commerce.NewOrder
		for i := range 3 {
			ins = append(ins, commerce.NewOrder{TenantID: e.owner.TenantID, SessionID: e.session, ViewerID: e.viewer(e.session, "抢购"+itoa(int64(i))).ViewerID,
				Source: "flash_sale", SourceID: 1, StockHeld: true, Lines: []commerce.NewLine{{ProductID: p.ID, Quantity: 1, Price: 4900}}})
		}
		batch := func(extra ...commerce.NewOrder) ([]commerce.Order, error) {
			var out []commerce.Order
			err := store.Tx(e.ctx, func(tx *db.Tx) error {
				var err error
				out, err = e.svc.CreateOrdersTx(e.ctx, tx, append(ins, extra...))
				return err
			})
			return out, err
		}
		orders, err := batch()
		if err != nil || len(orders) != 3 || orders[2].Total != 4900 || orders[2].Status != "created" {
			t.Fatalf("batch: %+v %v", orders, err)
		}
		_, err = batch(commerce.NewOrder{TenantID: e.owner.TenantID, ViewerID: e.buyer.ViewerID, Source: "flash_sale",
			Lines: []commerce.NewLine{{ProductID: p.ID, Quantity: 0}}})
		wantCode(t, err, "invalid", "lines[0].quantity")
		var n int
		_ = store.GetContext(e.ctx, &n, `SELECT COUNT(*) FROM orders WHERE source = 'flash_sale'`)
		if n != 3 {
			t.Fatalf("%d flash-sale orders after a failed batch, want 3", n)
		}
		if left, _ := e.stock(p.ID); left != 100 {
			t.Fatalf("held orders took product stock: %d", left)
		}
	})
}
