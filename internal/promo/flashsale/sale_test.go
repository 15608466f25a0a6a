package flashsale_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestRacingBuyersNeverOversell: 50 viewers (five of them tapping twice) race for 10
// units with a limit of one each: exactly 10 orders, nobody holds two, the sale, the
// orders and the SKU agree, and the room and the webhook hear "sold out" once.
func TestRacingBuyersNeverOversell(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 30)
		f := e.launch(10, 1)
		if f.Status != flashsale.StatusRunning || f.StockLeft != 10 || e.skuStock() != 20 {
			t.Fatalf("launched %+v with SKU stock %d, want running with 10 left and 20 on the SKU", f, e.skuStock())
		}
		viewers := make([]promo.Viewer, 50)
		for i := range viewers {
			viewers[i] = e.Viewer(fmt.Sprintf("抢购%d", i))
		}
		var mu sync.Mutex
		answers := map[string]int{}
		held := map[int64]int{}
		var wg sync.WaitGroup
		for i := range 55 {
			v := viewers[i%50]
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := e.svc.Buy(e.Ctx, v, f.ID, 1)
				mu.Lock()
				defer mu.Unlock()
				answers[siyu.ErrorCode(err)]++
				if err == nil {
					held[v.ID]++
					if res.Total != 1990 || res.OrderID == 0 {
						t.Errorf("purchase answered %+v", res)
					}
				}
			}()
		}
		wg.Wait()
		if answers[""] != 10 || answers[flashsale.ErrSoldOut]+answers[flashsale.ErrLimitReached] != 45 {
			t.Fatalf("answers %v, want 10 orders and 45 sold_out or limit_reached", answers)
		}
		for v, n := range held {
			if n > 1 {
				t.Fatalf("viewer %d got %d units with a limit of 1", v, n)
			}
		}
		got := e.reconcile(f.ID, 30)
		if got.Sold != 10 || got.StockLeft != 0 || got.Status != flashsale.StatusSoldOut {
			t.Fatalf("after the race: %+v", got)
		}
		if n := e.Events.Count(flashsale.EventSoldOut); n != 1 {
			t.Fatalf("flash_sale.sold_out published %d times", n)
		}
		e.Room.WaitFor(t, "flash_sale", `"status":"sold_out"`, `"sold":10`)
	})
}

// TestPerUserLimit: the limit counts the viewer's live orders: a cancelled order frees
// its units for the same viewer again; asking for more than the limit is refused.
func TestPerUserLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 50)
		f := e.launch(10, 2)
		v, w := e.Viewer("小美"), e.Viewer("小帅")
		first := e.buy(v, f.ID, 2)
		_, err := e.svc.Buy(e.Ctx, v, f.ID, 1)
		promotest.Code(t, "a third unit", err, flashsale.ErrLimitReached)
		_, err = e.svc.Buy(e.Ctx, w, f.ID, 3)
		promotest.Code(t, "three at once", err, flashsale.ErrLimitReached)
		_, err = e.svc.Buy(e.Ctx, w, f.ID, 0)
		promotest.Code(t, "zero", err, siyu.EINVALID, "quantity")
		e.buy(w, f.ID, 1)
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(v), first.OrderID); err != nil {
			t.Fatal(err)
		}
		// The owner hears of the release after its commit.
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := e.svc.Buy(e.Ctx, v, f.ID, 1)
			if err == nil {
				break
			}
			promotest.Code(t, "buy after cancelling", err, flashsale.ErrLimitReached)
			if time.Now().After(deadline) {
				t.Fatal("the cancelled order still counts against the limit")
			}
			time.Sleep(2 * time.Millisecond)
		}
		vs, err := e.svc.ViewerSale(e.Ctx, v, f.ID)
		if err != nil || vs.MyQuantity != 1 || vs.MyWaitlistPosition != 0 {
			t.Fatalf("viewer's sale: %+v %v", vs, err)
		}
		if got := e.reconcile(f.ID, 50); got.Sold != 2 || got.StockLeft != 8 {
			t.Fatalf("books: %+v", got)
		}
	})
}

// TestPaidAndRefunded: paying counts on the sale; a refund takes the units out of
// sold and paid and makes them free again.
func TestPaidAndRefunded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 5)
		f := e.launch(1, 1)
		v := e.Viewer("付款人")
		r := e.buy(v, f.ID, 1)
		pay, err := e.Commerce.Pay(e.Ctx, promotest.Buyer(v), r.OrderID, commerce.PayInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Commerce.Sandbox().Act(e.Ctx, pay.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
			t.Fatal(err)
		}
		if got := e.sale(f.ID); got.Paid != 1 || got.Sold != 1 || got.Status != flashsale.StatusSoldOut {
			t.Fatalf("after paying: %+v", got)
		}
		if _, err := e.Commerce.Refund(e.Ctx, e.Owner, r.OrderID, commerce.RefundInput{Reason: "不想要了"}); err != nil {
			t.Fatal(err)
		}
		if got := e.reconcile(f.ID, 5); got.Paid != 0 || got.Sold != 0 || got.StockLeft != 1 {
			t.Fatalf("after the refund: %+v", got)
		}
		w := e.Viewer("下一位")
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := e.svc.Buy(e.Ctx, w, f.ID, 1); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("refunded unit never came back: %v", err)
			}
			time.Sleep(2 * time.Millisecond)
		}
	})
}

// TestRestartRebuilds: a new service on the same store (a restarted node) resumes
// exactly: the units left, each viewer's holdings, and releases after the restart.
func TestRestartRebuilds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 8)
		f := e.launch(5, 1)
		vs := make([]promo.Viewer, 7)
		orders := map[int64]int64{}
		for i := range vs {
			vs[i] = e.Viewer(fmt.Sprint("观众", i))
		}
		for _, v := range vs[:3] {
			orders[v.ID] = e.buy(v, f.ID, 1).OrderID
		}
		e.build()
		_, err := e.svc.Buy(e.Ctx, vs[0], f.ID, 1)
		promotest.Code(t, "a buyer again after the restart", err, flashsale.ErrLimitReached)
		e.buy(vs[3], f.ID, 1)
		e.buy(vs[4], f.ID, 1)
		_, err = e.svc.Buy(e.Ctx, vs[5], f.ID, 1)
		promotest.Code(t, "the sixth buyer", err, flashsale.ErrSoldOut)
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(vs[1]), orders[vs[1].ID]); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := e.svc.Buy(e.Ctx, vs[5], f.ID, 1); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("released unit never came back after the restart: %v", err)
			}
			time.Sleep(2 * time.Millisecond)
		}
		if got := e.reconcile(f.ID, 8); got.Sold != 5 {
			t.Fatalf("after the restart: %+v", got)
		}
	})
}

// TestLaunchValidation: bad input names the field; the session must be live and the
// tenant's own; the SKU keeps its stock when a launch is refused.
func TestLaunchValidation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 10)
		past := e.Clock.Now().Add(-time.Hour)
		ok := flashsale.Input{ProductID: e.product.ID, Price: 100, Stock: 5, PerUserLimit: 1}
		for field, in := range map[string]flashsale.Input{
			"price":            {ProductID: e.product.ID, Price: 0, Stock: 5, PerUserLimit: 1},
			"stock":            {ProductID: e.product.ID, Price: 100, Stock: 11, PerUserLimit: 1},
			"per_user_limit":   {ProductID: e.product.ID, Price: 100, Stock: 5},
			"product_id":       {ProductID: 999999, Price: 100, Stock: 5, PerUserLimit: 1},
			"sku_id":           {ProductID: e.product.ID, SKUID: 999999, Price: 100, Stock: 5, PerUserLimit: 1},
			"starts_at":        {ProductID: e.product.ID, Price: 100, Stock: 5, PerUserLimit: 1, StartsAt: &past},
			"duration_seconds": {ProductID: e.product.ID, Price: 100, Stock: 5, PerUserLimit: 1, DurationSeconds: -1},
		} {
			_, err := e.svc.Launch(e.Ctx, e.Owner, e.Session, in)
			promotest.Code(t, field, err, siyu.EINVALID, field)
		}
		above := ok
		above.Price = 9901
		_, err := e.svc.Launch(e.Ctx, e.Owner, e.Session, above)
		promotest.Code(t, "above the regular price", err, siyu.EINVALID, "price")
		_, err = e.svc.Launch(e.Ctx, e.Owner, 999999, ok)
		promotest.Code(t, "unknown session", err, siyu.ENOTFOUND)
		draft, err := e.Live.Create(e.Ctx, e.Owner, live.CreateInput{Title: "还没开播"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Launch(e.Ctx, e.Owner, draft.ID, ok)
		promotest.Code(t, "draft session", err, "session_not_live")
		if e.skuStock() != 10 {
			t.Fatalf("refused launches took stock: %d", e.skuStock())
		}
	})
}

// TestRefusedBatchFailsAlone: when committing an order fails (the product was archived
// meanwhile), the buyer gets the reason, no unit is lost, and once the product is back
// every unit sells.
func TestRefusedBatchFailsAlone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 6)
		f := e.launch(3, 1)
		if _, err := e.Commerce.ArchiveProduct(e.Ctx, e.Owner, e.product.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Buy(e.Ctx, e.Viewer("被拒"), f.ID, 1)
		promotest.Code(t, "archived product", err, siyu.ECONFLICT)
		if got := e.sale(f.ID); got.Sold != 0 || got.StockLeft != 3 {
			t.Fatalf("a refused order took a unit: %+v", got)
		}
		if _, err := e.Commerce.RestoreProduct(e.Ctx, e.Owner, e.product.ID); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			e.buy(e.Viewer(fmt.Sprint("补买", i)), f.ID, 1)
		}
		_, err = e.svc.Buy(e.Ctx, e.Viewer("第四"), f.ID, 1)
		promotest.Code(t, "a fourth unit", err, flashsale.ErrSoldOut)
		e.reconcile(f.ID, 6)
	})
}

// TestBatchOrdersMatchOneByOne: an order the group commit writes (in a batch) is the
// same order CreateOrderTx writes one by one: lines, prices, source, held stock,
// expiry, and an expiry job that cancels it; only the ids and buyers differ (and the
// source: the twin is made under another one, so the sale's release hook leaves it be).
func TestBatchOrdersMatchOneByOne(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 10)
		f := e.launch(5, 1)
		v, w := e.Viewer("批量"), e.Viewer("单笔")
		batch := e.buy(v, f.ID, 1)
		var single commerce.Order
		err := store.Tx(e.Ctx, func(tx *db.Tx) error {
			var err error
			single, err = e.Commerce.CreateOrderTx(e.Ctx, tx, commerce.NewOrder{TenantID: w.TenantID, SessionID: w.SessionID,
				ViewerID: w.ID, Source: "twin", SourceID: f.ID, StockHeld: true, // no hooks: the sale's books stay as they are
				Lines: []commerce.NewLine{{ProductID: e.product.ID, Quantity: 1, Price: 1990}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Commerce.ViewerOrder(e.Ctx, promotest.Buyer(v), batch.OrderID)
		if err != nil {
			t.Fatal(err)
		}
		norm := func(o commerce.Order) string {
			o.ID, o.ViewerID, o.BuyerNickname, o.Source = 0, 0, "", ""
			o.Payments = nil
			raw, _ := json.Marshal(o)
			return string(raw)
		}
		if a, b := norm(got), norm(single); a != b {
			t.Fatalf("batch order differs from a one-by-one order:\n%s\n%s", a, b)
		}
		if got.Total != 1990 || got.Source != flashsale.Source || !got.StockHeld || got.Lines[0].SKUID != e.product.SKUs[0].ID {
			t.Fatalf("batch order: %+v", got)
		}
		// Its expiry job runs like any order's.
		e.Clock.Add(16 * time.Minute)
		e.RunDue()
		if o, _ := e.Commerce.ViewerOrder(e.Ctx, promotest.Buyer(v), batch.OrderID); o.Status != commerce.StatusCancelled || o.CancelReason != commerce.CancelExpired {
			t.Fatalf("batch order after its expiry: %s %s", o.Status, o.CancelReason)
		}
	})
}
