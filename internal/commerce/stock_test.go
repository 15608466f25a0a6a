package commerce_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestStockNeverNegative: 50 buyers at once for 10 units: exactly 10 orders, stock 0,
// every other answer sold_out, and the reserved units add up.
func TestStockNeverNegative(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("限量款手袋", 129900, 10)
		buyers := make([]commerce.Buyer, 50)
		for i := range buyers {
			buyers[i] = e.viewer(e.session, fmt.Sprintf("买家%d", i))
		}
		var ok, soldOut atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, b := range buyers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := e.svc.PlaceOrder(e.ctx, b, e.session, commerce.OrderInput{
					Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: 1}}, Address: &home})
				switch siyu.ErrorCode(err) {
				case "":
					ok.Add(1)
				case commerce.ErrSoldOut:
					soldOut.Add(1)
				default:
					t.Errorf("order: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok.Load() != 10 || soldOut.Load() != 40 {
			t.Fatalf("%d orders and %d sold_out, want 10 and 40", ok.Load(), soldOut.Load())
		}
		if left, _ := e.stock(p.ID); left != 0 {
			t.Fatalf("stock left %d, want 0", left)
		}
		var units int64
		if err := store.GetContext(e.ctx, &units, `SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE product_id = ?`, p.ID); err != nil || units != 10 {
			t.Fatalf("ordered units %d (%v), want 10", units, err)
		}
	})
}

// TestMultiLineOrdersDoNotDeadlock: orders naming two SKUs in opposite orders race
// without deadlocking (rows are locked in SKU order) and without overselling either.
func TestMultiLineOrdersDoNotDeadlock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a, b := e.product("上衣", 100, 10), e.product("裤子", 100, 10)
		var ok atomic.Int64
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lines := []commerce.LineInput{{ProductID: a.ID, Quantity: 1}, {ProductID: b.ID, Quantity: 1}}
				if i%2 == 1 {
					lines[0], lines[1] = lines[1], lines[0]
				}
				_, err := e.svc.PlaceOrder(e.ctx, e.buyer, e.session, commerce.OrderInput{Lines: lines, Address: &home})
				if err == nil {
					ok.Add(1)
				} else if siyu.ErrorCode(err) != commerce.ErrSoldOut {
					t.Errorf("order: %v", err)
				}
			}()
		}
		wg.Wait()
		la, _ := e.stock(a.ID)
		lb, _ := e.stock(b.ID)
		if ok.Load() != 10 || la != 0 || lb != 0 {
			t.Fatalf("%d orders, stock %d and %d; want 10, 0, 0", ok.Load(), la, lb)
		}
	})
}
