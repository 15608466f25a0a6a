package coupon_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestClaimRace: 30 viewers tapping at once for 10 coupons get exactly 10 claims; the
// other 20 hear coupons_gone, and a viewer tapping twice at once gets one claim.
func TestClaimRace(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		c := e.issue(coupon.Input{Name: "满100减20", Discount: 2000, MinSpend: 10000, Quantity: 10})
		viewers := make([]promo.Viewer, 30)
		for i := range viewers {
			viewers[i] = e.Viewer("观众")
		}
		var wg sync.WaitGroup
		errs := make([]error, len(viewers))
		for i, v := range viewers {
			wg.Go(func() { _, errs[i] = e.svc.Claim(e.Ctx, v, c.ID) })
		}
		wg.Wait()
		won, gone := 0, 0
		for _, err := range errs {
			switch siyu.ErrorCode(err) {
			case "":
				won++
			case coupon.ErrGone:
				gone++
			default:
				t.Fatalf("unexpected refusal: %v", err)
			}
		}
		if won != 10 || gone != 20 {
			t.Fatalf("%d claims and %d coupons_gone, want 10 and 20", won, gone)
		}
		if got := e.couponNow(c.ID); got.Claimed != 10 || got.Quantity != 10 {
			t.Fatalf("coupon after the race: %+v", got)
		}

		// One viewer, two taps at once: one claim, one already_claimed.
		c2 := e.issue(coupon.Input{Name: "无门槛5元", Discount: 500, Quantity: 100})
		v := viewers[0]
		var mu sync.Mutex
		codes := []string{}
		for range 2 {
			wg.Go(func() {
				_, err := e.svc.Claim(e.Ctx, v, c2.ID)
				mu.Lock()
				codes = append(codes, siyu.ErrorCode(err))
				mu.Unlock()
			})
		}
		wg.Wait()
		if strings.Join(codes, ",") != ","+coupon.ErrAlreadyClaimed && strings.Join(codes, ",") != coupon.ErrAlreadyClaimed+"," {
			t.Fatalf("double tap: codes %q, want one success and one already_claimed", codes)
		}
		if got := e.couponNow(c2.ID); got.Claimed != 1 {
			t.Fatalf("a double tap took %d coupons", got.Claimed)
		}
	})
}

// TestIssueRules: bad input names its field, only promo.manage may issue, the session
// must be live, and the issued coupon is announced in the room with a webhook.
func TestIssueRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		for _, tc := range []struct {
			in    coupon.Input
			field string
		}{
			{coupon.Input{Discount: 100, Quantity: 1}, "name"},
			{coupon.Input{Name: "x", Discount: 0, Quantity: 1}, "discount"},
			{coupon.Input{Name: "x", Discount: 100, Quantity: 0}, "quantity"},
			{coupon.Input{Name: "x", Discount: 100, MinSpend: -1, Quantity: 1}, "min_spend"},
			{coupon.Input{Name: "x", Discount: 1000, MinSpend: 1000, Quantity: 1}, "discount"},
			{coupon.Input{Name: "x", Discount: 100, Quantity: 1, ValidMinutes: -5}, "valid_minutes"},
			{coupon.Input{Name: "x", Discount: 100, Quantity: 1, ProductID: 999999}, "product_id"},
		} {
			_, err := e.svc.Issue(e.Ctx, e.Host, e.Session, tc.in)
			if siyu.ErrorField(err) != tc.field {
				t.Errorf("%+v: error %v, want one naming %s", tc.in, err, tc.field)
			}
		}
		agent := e.Staff(org.RoleAgent, "客服")
		_, err := e.svc.Issue(e.Ctx, agent, e.Session, coupon.Input{Name: "x", Discount: 100, Quantity: 1})
		wantCode(t, err, siyu.EFORBIDDEN)

		c := e.issue(coupon.Input{Name: "新人券", Discount: 300, Quantity: 5})
		if c.ValidMinutes != coupon.DefaultValidMinutes || !c.ExpiresAt.Equal(e.Clock.Now().Add(24*time.Hour)) ||
			c.Status != coupon.StatusActive || c.ProductID != nil {
			t.Fatalf("issued coupon: %+v", c)
		}
		if e.Events.Count(coupon.EventIssued) != 1 {
			t.Fatalf("webhooks: %s", e.Events.List())
		}
		if got := e.Room.All(); len(got) != 1 || !strings.Contains(got[0], `"type":"coupon"`) || !strings.Contains(got[0], `"name":"新人券"`) {
			t.Fatalf("room events: %v", got)
		}
		if _, err := e.Live.End(e.Ctx, e.Host, e.Session); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Issue(e.Ctx, e.Host, e.Session, coupon.Input{Name: "x", Discount: 100, Quantity: 1})
		wantCode(t, err, "session_not_live")
	})
}

// TestCheckoutWithCoupon: the discount comes off the subtotal, the claim is used by
// the order, and the same coupon cannot pay for a second order. A discount larger
// than the order leaves 1 fen to pay.
func TestCheckoutWithCoupon(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		shirt := e.product("真丝衬衫", 6000, 10)
		v := e.Viewer("小美")
		c := e.issue(coupon.Input{Name: "满100减20", Discount: 2000, MinSpend: 10000, Quantity: 10})
		k := e.claim(v, c.ID)
		if k.Status != coupon.ClaimUnused || k.Discount != 2000 || !k.ExpiresAt.Equal(c.ExpiresAt) {
			t.Fatalf("claim: %+v", k)
		}
		o, err := e.order(v, k.ID, 2, shirt)
		if err != nil {
			t.Fatal(err)
		}
		if o.Subtotal != 12000 || o.Discount != 2000 || o.Total != 10000 || o.CouponClaimID != k.ID {
			t.Fatalf("order with coupon: subtotal %d discount %d total %d claim %d", o.Subtotal, o.Discount, o.Total, o.CouponClaimID)
		}
		if got := e.claimOf(v, k.ID); got.Status != coupon.ClaimUsed || got.OrderID != o.ID {
			t.Fatalf("claim after checkout: %+v", got)
		}
		if got := e.couponNow(c.ID); got.Used != 1 {
			t.Fatalf("used count %d", got.Used)
		}
		_, err = e.order(v, k.ID, 2, shirt)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "already used", "order")

		// A plain order has subtotal = total and no discount.
		plain, err := e.order(v, 0, 1, shirt)
		if err != nil {
			t.Fatal(err)
		}
		if plain.Subtotal != 6000 || plain.Discount != 0 || plain.Total != 6000 {
			t.Fatalf("plain order: %+v", plain)
		}

		// A 5-yuan coupon without threshold on a 3-yuan sticker: the buyer pays 1 fen.
		sticker := e.product("贴纸", 300, 10)
		big := e.issue(coupon.Input{Name: "无门槛5元", Discount: 500, Quantity: 10})
		kb := e.claim(v, big.ID)
		o2, err := e.order(v, kb.ID, 1, sticker)
		if err != nil {
			t.Fatal(err)
		}
		if o2.Subtotal != 300 || o2.Discount != 299 || o2.Total != 1 {
			t.Fatalf("floor at 1 fen: subtotal %d discount %d total %d", o2.Subtotal, o2.Discount, o2.Total)
		}
	})
}

// TestCouponRefusals: min spend, product restriction and expiry refuse the order with
// coupon_not_applicable saying why, and leave the claim unused and no order behind;
// another viewer's claim is not found.
func TestCouponRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		shirt := e.product("真丝衬衫", 6000, 10)
		coat := e.product("羊绒大衣", 59900, 10)
		v := e.Viewer("小美")

		minSpend := e.claim(v, e.issue(coupon.Input{Name: "满100减20", Discount: 2000, MinSpend: 10000, Quantity: 10}).ID)
		_, err := e.order(v, minSpend.ID, 1, shirt)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "满100减20", "at least ¥100", "¥60", "add ¥40")
		if siyu.ErrorField(err) != "coupon_claim_id" {
			t.Fatalf("field %q", siyu.ErrorField(err))
		}

		coatOnly := e.claim(v, e.issue(coupon.Input{Name: "大衣专享", Discount: 5000, Quantity: 10, ProductID: coat.ID}).ID)
		if coatOnly.ProductID == nil || *coatOnly.ProductID != coat.ID || coatOnly.ProductName != "羊绒大衣" {
			t.Fatalf("product coupon claim: %+v", coatOnly)
		}
		_, err = e.order(v, coatOnly.ID, 1, shirt)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "only for 羊绒大衣")

		short := e.claim(v, e.issue(coupon.Input{Name: "限时券", Discount: 100, Quantity: 10, ValidMinutes: 10}).ID)
		e.Clock.Add(10 * time.Minute)
		_, err = e.order(v, short.ID, 1, shirt)
		wantCode(t, err, commerce.ErrCouponNotApplicable, "限时券", "expired")
		if got := e.claimOf(v, short.ID); got.Status != coupon.ClaimExpired {
			t.Fatalf("an unused claim past its time reads %q", got.Status)
		}

		other := e.Viewer("小明")
		_, err = e.order(other, coatOnly.ID, 1, coat)
		wantCode(t, err, siyu.ENOTFOUND)

		// Nothing was ordered and nothing used; the claims still work where they apply.
		orders, _, err := e.Commerce.ViewerOrders(e.Ctx, promotest.Buyer(v), 0, 50)
		if err != nil || len(orders) != 0 {
			t.Fatalf("refused checkouts left orders: %v %v", orders, err)
		}
		if _, left := e.stockOf(shirt.ID); left != 10 {
			t.Fatalf("refused checkouts took stock: %d left", left)
		}
		o, err := e.order(v, coatOnly.ID, 1, coat, shirt)
		if err != nil {
			t.Fatal(err)
		}
		if o.Total != 59900+6000-5000 {
			t.Fatalf("coat coupon total %d", o.Total)
		}
		// The list puts usable claims first.
		list, err := e.svc.ViewerClaims(e.Ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != minSpend.ID || list[0].Status != coupon.ClaimUnused {
			t.Fatalf("viewer claims order: %+v", list)
		}
	})
}

func (e *env) stockOf(productID int64) (sold, left int64) {
	e.T.Helper()
	p := e.ProductNow(productID)
	return p.Sold, p.Stock
}

// TestCancelReturnsCoupon: cancelling an unpaid order or letting it expire gives the
// coupon back (unused, usable again); a refunded order keeps it used.
func TestCancelReturnsCoupon(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		shirt := e.product("真丝衬衫", 6000, 10)
		v := e.Viewer("小美")
		c := e.issue(coupon.Input{Name: "无门槛10元", Discount: 1000, Quantity: 10})
		k := e.claim(v, c.ID)

		o, err := e.order(v, k.ID, 1, shirt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(v), o.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.claimOf(v, k.ID); got.Status != coupon.ClaimUnused || got.OrderID != 0 {
			t.Fatalf("claim after cancel: %+v", got)
		}
		if got := e.couponNow(c.ID); got.Used != 0 {
			t.Fatalf("used count after cancel: %d", got.Used)
		}

		// Expiry: the order's durable timer cancels it and the coupon comes back.
		o2, err := e.order(v, k.ID, 1, shirt)
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(16 * time.Minute)
		if _, err := e.Queue.RunDue(e.Ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.Commerce.ViewerOrder(e.Ctx, promotest.Buyer(v), o2.ID); got.Status != commerce.StatusCancelled {
			t.Fatalf("order did not expire: %s", got.Status)
		}
		if got := e.claimOf(v, k.ID); got.Status != coupon.ClaimUnused {
			t.Fatalf("claim after expiry: %+v", got)
		}

		// Paid then refunded: the coupon stays used.
		o3, err := e.order(v, k.ID, 1, shirt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Commerce.Pay(e.Ctx, promotest.Buyer(v), o3.ID, commerce.PayInput{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Payment.Amount != 5000 {
			t.Fatalf("paid %d, want the discounted 5000", res.Payment.Amount)
		}
		if _, err := e.Commerce.Sandbox().Act(e.Ctx, res.Payment.ProviderRef, commerce.OutcomeSuccess); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Commerce.Refund(e.Ctx, e.Owner, o3.ID, commerce.RefundInput{}); err != nil {
			t.Fatal(err)
		}
		if got := e.claimOf(v, k.ID); got.Status != coupon.ClaimUsed || got.OrderID != o3.ID {
			t.Fatalf("claim after refund: %+v", got)
		}
	})
}

// TestStopCoupon: a stopped coupon cannot be claimed any more, but a coupon already
// claimed still pays; viewers see only active coupons, marked when they hold one.
func TestStopCoupon(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		shirt := e.product("真丝衬衫", 6000, 10)
		v, late := e.Viewer("小美"), e.Viewer("迟到的")
		c := e.issue(coupon.Input{Name: "无门槛10元", Discount: 1000, Quantity: 10})
		other := e.issue(coupon.Input{Name: "满100减20", Discount: 2000, MinSpend: 10000, Quantity: 10})
		k := e.claim(v, c.ID)
		list, err := e.svc.SessionCoupons(e.Ctx, v)
		if err != nil || len(list) != 2 || !*list[1].ClaimedByMe || *list[0].ClaimedByMe || list[0].ID != other.ID {
			t.Fatalf("session coupons: %+v %v", list, err)
		}
		stopped, err := e.svc.StopCoupon(e.Ctx, e.Host, c.ID)
		if err != nil || stopped.Status != coupon.StatusStopped {
			t.Fatalf("stop: %+v %v", stopped, err)
		}
		if again, err := e.svc.StopCoupon(e.Ctx, e.Host, c.ID); err != nil || again.Status != coupon.StatusStopped {
			t.Fatalf("stop twice: %+v %v", again, err)
		}
		_, err = e.svc.Claim(e.Ctx, late, c.ID)
		wantCode(t, err, coupon.ErrStopped)
		if list, _ := e.svc.SessionCoupons(e.Ctx, v); len(list) != 1 {
			t.Fatalf("a stopped coupon is still offered: %+v", list)
		}
		o, err := e.order(v, k.ID, 1, shirt)
		if err != nil || o.Total != 5000 {
			t.Fatalf("a claimed coupon of a stopped batch: %+v %v", o, err)
		}
		if n := strings.Count(strings.Join(e.Room.All(), "\n"), `"status":"stopped"`); n != 1 {
			t.Fatalf("stop announced %d times", n)
		}
		// Expired coupons cannot be claimed either.
		e.Clock.Add(25 * time.Hour)
		_, err = e.svc.Claim(e.Ctx, late, other.ID)
		wantCode(t, err, coupon.ErrExpired)
	})
}
