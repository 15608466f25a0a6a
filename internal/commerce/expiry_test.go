package commerce_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestExpiryReturnsStockOnce: an unpaid order is cancelled when the tenant's expiry
// passes and its stock comes back exactly once: running the jobs again, or on a
// restarted node (new Service and Queue on the same store), changes nothing.
func TestExpiryReturnsStockOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("大衣", 59900, 5)
		o := e.order(e.buyer, p, 3)
		e.clock.Add(14 * time.Minute)
		if n, err := e.queue.RunDue(e.ctx); err != nil || n != 0 {
			t.Fatalf("ran %d jobs before expiry (%v)", n, err)
		}
		e.clock.Add(2 * time.Minute)
		if n, err := e.queue.RunDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("ran %d jobs at expiry (%v)", n, err)
		}
		o = e.get(e.buyer, o.ID)
		if o.Status != "cancelled" || o.CancelReason != "expired" || o.CancelledAt.IsZero() {
			t.Fatalf("expired order: %+v", o)
		}
		if left, _ := e.stock(p.ID); left != 5 {
			t.Fatalf("stock after expiry %d, want 5", left)
		}
		if n, _ := e.queue.RunDue(e.ctx); n != 0 {
			t.Fatalf("the expiry ran again: %d", n)
		}
		svc2, q2 := e.build()
		if n, _ := q2.RunDue(e.ctx); n != 0 {
			t.Fatalf("a restarted node ran the expiry again: %d", n)
		}
		if left, _ := e.stock(p.ID); left != 5 {
			t.Fatalf("stock after restart %d, want 5", left)
		}
		if e.events.List() != "order.created,order.cancelled" {
			t.Fatalf("webhooks: %s", e.events.List())
		}

		// An order placed before a restart expires on the restarted node.
		o2 := e.order(e.buyer, p, 2)
		e.svc, e.queue = svc2, q2
		e.clock.Add(16 * time.Minute)
		if n, err := q2.RunDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("restarted node ran %d (%v)", n, err)
		}
		if o2 = e.get(e.buyer, o2.ID); o2.Status != "cancelled" {
			t.Fatalf("order across a restart: %+v", o2)
		}

		// A paid order never expires; the tenant's setting decides the delay.
		if _, err := e.org.UpdateSettings(e.ctx, e.owner, map[string]json.RawMessage{"order_expiry_minutes": json.RawMessage("5")}); err != nil {
			t.Fatal(err)
		}
		o3 := e.order(e.buyer, p, 1)
		if !o3.ExpiresAt.Equal(e.clock.Now().Add(5 * time.Minute)) {
			t.Fatalf("expiry %v, want 5 minutes from now", o3.ExpiresAt)
		}
		o3 = e.pay(e.buyer, o3)
		e.clock.Add(time.Hour)
		_, _ = e.queue.RunDue(e.ctx)
		if o3 = e.get(e.buyer, o3.ID); o3.Status != "paid" {
			t.Fatalf("a paid order expired: %+v", o3)
		}
		if left, _ := e.stock(p.ID); left != 4 {
			t.Fatalf("stock %d, want 4", left)
		}

		// Paying after the expiry but before the job ran: refused, stock back at once.
		o4 := e.order(e.buyer, p, 4)
		e.clock.Add(6 * time.Minute)
		_, err := e.svc.Pay(e.ctx, e.buyer, o4.ID, commerce.PayInput{})
		wantCode(t, err, siyu.ECONFLICT)
		if left, _ := e.stock(p.ID); left != 4 {
			t.Fatalf("stock after a late pay %d, want 4", left)
		}
	})
}

// TestCancelRacesExpiry: the buyer cancelling while the expiry job runs releases the
// stock once; whichever comes second finds the order cancelled.
func TestCancelRacesExpiry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("围巾", 9900, 20)
		var orders []commerce.Order
		for range 10 {
			orders = append(orders, e.order(e.buyer, p, 2))
		}
		e.clock.Add(time.Hour)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.queue.RunDue(e.ctx); err != nil {
				t.Error(err)
			}
		}()
		for _, o := range orders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.svc.CancelOrder(e.ctx, e.buyer, o.ID); err != nil && siyu.ErrorCode(err) != siyu.ECONFLICT {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		_, _ = e.queue.RunDue(e.ctx) // jobs that met a conflict retry and find the order cancelled
		e.clock.Add(time.Hour)
		_, _ = e.queue.RunDue(e.ctx)
		if left, _ := e.stock(p.ID); left != 20 {
			t.Fatalf("stock %d after racing cancels and expiries, want 20", left)
		}
		for _, o := range orders {
			if got := e.get(e.buyer, o.ID); got.Status != "cancelled" {
				t.Fatalf("order %d: %s", o.ID, got.Status)
			}
		}
	})
}
