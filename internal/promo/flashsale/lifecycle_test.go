package flashsale_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestNotStartedAndEnded: a scheduled sale is announced with its start time, refuses
// purchases until then, is announced again when it starts, refuses after its duration
// and, when the end job runs, gives the unsold units back to the SKU.
func TestNotStartedAndEnded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 40)
		starts := e.Clock.Now().Add(time.Minute)
		f, err := e.svc.Launch(e.Ctx, e.Owner, e.Session, flashsale.Input{ProductID: e.product.ID, Price: 100, Stock: 10,
			PerUserLimit: 1, StartsAt: &starts, DurationSeconds: 30})
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != flashsale.StatusScheduled || f.EndsAt == nil || !f.EndsAt.Equal(starts.Add(30*time.Second)) {
			t.Fatalf("launched %+v", f)
		}
		e.Room.WaitFor(t, "flash_sale", `"status":"scheduled"`, `"starts_at":"`+starts.UTC().Format(time.RFC3339))
		v := e.Viewer("早鸟")
		_, err = e.svc.Buy(e.Ctx, v, f.ID, 1)
		promotest.Code(t, "before the start", err, flashsale.ErrNotStarted)
		_, err = e.svc.JoinWaitlist(e.Ctx, v, f.ID)
		promotest.Code(t, "waitlist before the start", err, flashsale.ErrNotStarted)

		e.Clock.Add(time.Minute)
		e.RunDue()
		e.Room.WaitFor(t, "flash_sale", `"status":"running"`)
		e.buy(v, f.ID, 1)

		e.Clock.Add(30 * time.Second)
		_, err = e.svc.Buy(e.Ctx, e.Viewer("迟到"), f.ID, 1)
		promotest.Code(t, "after the duration", err, flashsale.ErrSaleEnded)
		if e.skuStock() != 30 {
			t.Fatalf("units went back before the end job: SKU stock %d", e.skuStock())
		}
		e.RunDue()
		got := e.reconcile(f.ID, 40)
		if got.Status != flashsale.StatusEnded || got.Returned != 9 || e.skuStock() != 39 || got.EndedAt == nil {
			t.Fatalf("after the end job: %+v, SKU stock %d", got, e.skuStock())
		}
		if n := e.Events.Count(flashsale.EventEnded); n != 1 {
			t.Fatalf("flash_sale.ended published %d times", n)
		}
		e.Room.WaitFor(t, "flash_sale", `"status":"ended"`)
		list, err := e.svc.ViewerSales(e.Ctx, v)
		if err != nil || len(list) != 0 {
			t.Fatalf("viewers still see the ended sale: %+v %v", list, err)
		}
	})
}

// TestWaitlistGetsFirstClaim: when a sold-out sale gets units back (an unpaid order
// expires, a buyer cancels), the head of the waitlist gets each unit as an unpaid
// order and a private claim event; only with nobody waiting is a unit free for anyone.
func TestWaitlistGetsFirstClaim(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 10)
		f := e.launch(2, 1)
		a, b, c, d, x := e.Viewer("A"), e.Viewer("B"), e.Viewer("C"), e.Viewer("D"), e.Viewer("X")
		_, err := e.svc.JoinWaitlist(e.Ctx, c, f.ID)
		promotest.Code(t, "waiting while units are left", err, flashsale.ErrNotSoldOut)
		e.buy(a, f.ID, 1)
		e.Clock.Add(10 * time.Minute)
		ob := e.buy(b, f.ID, 1)
		_, err = e.svc.JoinWaitlist(e.Ctx, a, f.ID)
		promotest.Code(t, "a buyer at the limit waits", err, flashsale.ErrLimitReached)
		for i, v := range []promo.Viewer{c, d} {
			pos, err := e.svc.JoinWaitlist(e.Ctx, v, f.ID)
			if err != nil || pos.Position != int64(i+1) {
				t.Fatalf("join %d: %+v %v", i, pos, err)
			}
		}
		if again, err := e.svc.JoinWaitlist(e.Ctx, c, f.ID); err != nil || again.Position != 1 {
			t.Fatalf("joining twice: %+v %v", again, err)
		}
		if got := e.sale(f.ID); got.Waitlist != 2 || got.Status != flashsale.StatusSoldOut {
			t.Fatalf("sold out with two waiting: %+v", got)
		}

		// A's order expires unpaid: C gets the unit.
		e.Clock.Add(6 * time.Minute)
		e.RunDue()
		claim := e.Room.WaitFor(t, "flash_sale_claim", fmt.Sprintf(`"sale_id":%d`, f.ID))
		if claim.Viewer != c.ID {
			t.Fatalf("claim went to viewer %d, want C (%d): %s", claim.Viewer, c.ID, claim.Raw)
		}
		vc, _ := e.svc.ViewerSale(e.Ctx, c, f.ID)
		vd, _ := e.svc.ViewerSale(e.Ctx, d, f.ID)
		if vc.MyQuantity != 1 || vc.MyWaitlistPosition != 0 || vd.MyWaitlistPosition != 1 || vc.Sold != 2 || vc.Waitlist != 1 {
			t.Fatalf("after the expiry: C %+v, D %+v", vc, vd)
		}
		_, err = e.svc.Buy(e.Ctx, x, f.ID, 1)
		promotest.Code(t, "X while D waits", err, flashsale.ErrSoldOut)

		// B cancels: D gets it. Then C's claimed order expires and nobody waits: free.
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(b), ob.OrderID); err != nil {
			t.Fatal(err)
		}
		e.Room.WaitFor(t, "flash_sale_claim", fmt.Sprintf(`"sale_id":%d`, f.ID), `"quantity":1`)
		if vd, _ := e.svc.ViewerSale(e.Ctx, d, f.ID); vd.MyQuantity != 1 || vd.Waitlist != 0 {
			t.Fatalf("after B cancelled: D %+v", vd)
		}
		e.Clock.Add(16 * time.Minute)
		e.RunDue()
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := e.svc.Buy(e.Ctx, x, f.ID, 1)
			if err == nil {
				break
			}
			promotest.Code(t, "X once nobody waits", err, flashsale.ErrSoldOut)
			if time.Now().After(deadline) {
				t.Fatal("the returned units never became free")
			}
			time.Sleep(2 * time.Millisecond)
		}
		e.reconcile(f.ID, 10)
	})
}

// TestEndReturnsUnsoldStock: ending gives the SKU every unit not in a live order,
// exactly once; an order released after the end returns its unit to the SKU.
func TestEndReturnsUnsoldStock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 20)
		f := e.launch(10, 1)
		var first flashsale.BuyResult
		var firstBuyer promo.Viewer
		for i := range 3 {
			v := e.Viewer(fmt.Sprint("买家", i))
			r := e.buy(v, f.ID, 1)
			if i == 0 {
				first, firstBuyer = r, v
			}
		}
		if e.skuStock() != 10 {
			t.Fatalf("SKU stock %d while the sale holds 10 of 20", e.skuStock())
		}
		for range 2 {
			got, err := e.svc.End(e.Ctx, e.Owner, f.ID)
			if err != nil || got.Status != flashsale.StatusEnded || got.Returned != 7 {
				t.Fatalf("end: %+v %v", got, err)
			}
		}
		if e.skuStock() != 17 || e.Events.Count(flashsale.EventEnded) != 1 {
			t.Fatalf("after ending twice: SKU stock %d, ended events %d", e.skuStock(), e.Events.Count(flashsale.EventEnded))
		}
		_, err := e.svc.Buy(e.Ctx, e.Viewer("迟到"), f.ID, 1)
		promotest.Code(t, "after the end", err, flashsale.ErrSaleEnded)
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(firstBuyer), first.OrderID); err != nil {
			t.Fatal(err)
		}
		got := e.reconcile(f.ID, 20)
		if got.Sold != 2 || got.Returned != 8 || e.skuStock() != 18 {
			t.Fatalf("after a cancel past the end: %+v, SKU stock %d", got, e.skuStock())
		}
	})
}

// TestSessionEndEndsSale: a sale without a duration ends when its session does (the
// watch job) and gives its unsold units back.
func TestSessionEndEndsSale(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 10)
		f := e.launch(4, 1)
		e.buy(e.Viewer("一位"), f.ID, 1)
		e.Clock.Add(time.Minute)
		e.RunDue()
		if got := e.sale(f.ID); got.Status != flashsale.StatusRunning {
			t.Fatalf("the watch ended a sale of a live session: %+v", got)
		}
		if _, err := e.Live.End(e.Ctx, e.Owner, e.Session); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Minute)
		e.RunDue()
		if got := e.reconcile(f.ID, 10); got.Status != flashsale.StatusEnded || e.skuStock() != 9 {
			t.Fatalf("after the session ended: %+v, SKU stock %d", got, e.skuStock())
		}
	})
}
