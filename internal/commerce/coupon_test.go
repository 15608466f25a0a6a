package commerce_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// redeemer is a fake CouponRedeemer: a fixed discount, an optional refusal, and a log
// of what was redeemed and restored.
type redeemer struct {
	mu       sync.Mutex
	discount int64
	refuse   error
	redeemed []commerce.CouponRedemption
	restored []int64 // order ids
}

func (r *redeemer) Redeem(_ context.Context, _ *db.Tx, red commerce.CouponRedemption) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refuse != nil {
		return 0, r.refuse
	}
	r.redeemed = append(r.redeemed, red)
	return r.discount, nil
}

func (r *redeemer) Restore(_ context.Context, _ *db.Tx, o commerce.Order) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.restored = append(r.restored, o.ID)
	return nil
}

func (r *redeemer) restoredOf() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.restored...)
}

// TestCouponAtCheckout: an order naming a coupon claim is redeemed in its transaction
// (subtotal, discount, total = subtotal − discount, never below 1 fen); a refusal
// leaves no order and no stock taken; cancelling or expiring gives the coupon back,
// a refund does not; without a redeemer wired, coupons are refused.
func TestCouponAtCheckout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("真丝衬衫", 6000, 10)
		place := func(qty, claim int64) (commerce.Order, error) {
			return e.svc.PlaceOrder(e.ctx, e.buyer, e.session, commerce.OrderInput{Address: &home, CouponClaimID: claim,
				Lines: []commerce.LineInput{{ProductID: p.ID, Quantity: qty}}})
		}
		_, err := place(1, 7)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "coupon_claim_id")
		_, err = place(1, -1)
		wantCode(t, err, siyu.EINVALID, "coupon_claim_id")

		r := &redeemer{discount: 2000}
		e.svc.SetCouponRedeemer(r)
		o, err := place(2, 7)
		if err != nil {
			t.Fatal(err)
		}
		if o.Subtotal != 12000 || o.Discount != 2000 || o.Total != 10000 || o.CouponClaimID != 7 {
			t.Fatalf("order: subtotal %d discount %d total %d claim %d", o.Subtotal, o.Discount, o.Total, o.CouponClaimID)
		}
		if red := r.redeemed[0]; red.ClaimID != 7 || red.OrderID != o.ID || red.Subtotal != 12000 || red.ViewerID != e.buyer.ViewerID ||
			len(red.Lines) != 1 || red.Lines[0].ProductID != p.ID || red.Lines[0].Amount != 12000 {
			t.Fatalf("redemption: %+v", red)
		}
		if _, err := e.svc.CancelOrder(e.ctx, e.buyer, o.ID); err != nil {
			t.Fatal(err)
		}
		if got := r.restoredOf(); len(got) != 1 || got[0] != o.ID {
			t.Fatalf("restored after cancel: %v", got)
		}

		r.discount = 99999 // more than the order: 1 fen is left to pay
		cheap, err := place(1, 8)
		if err != nil {
			t.Fatal(err)
		}
		if cheap.Total != 1 || cheap.Discount != 5999 {
			t.Fatalf("floor: total %d discount %d", cheap.Total, cheap.Discount)
		}
		e.clock.Add(16 * time.Minute)
		if _, err := e.queue.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := r.restoredOf(); len(got) != 2 || got[1] != cheap.ID {
			t.Fatalf("restored after expiry: %v", got)
		}

		r.discount = 1000
		paid := e.pay(e.buyer, e.mustPlace(place(1, 9)))
		if paid.Status != commerce.StatusPaid || paid.Total != 5000 {
			t.Fatalf("paid: %s %d", paid.Status, paid.Total)
		}
		if _, err := e.svc.Refund(e.ctx, e.owner, paid.ID, commerce.RefundInput{}); err != nil {
			t.Fatal(err)
		}
		if got := r.restoredOf(); len(got) != 2 {
			t.Fatalf("a refund gave the coupon back: %v", got)
		}

		r.refuse = &siyu.Error{Code: commerce.ErrCouponNotApplicable, Field: "coupon_claim_id", Message: "min spend"}
		left, _ := e.stock(p.ID)
		_, err = place(1, 10)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "coupon_claim_id")
		if now, _ := e.stock(p.ID); now != left {
			t.Fatalf("a refused coupon took stock: %d → %d", left, now)
		}
	})
}

func (e *env) mustPlace(o commerce.Order, err error) commerce.Order {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}
