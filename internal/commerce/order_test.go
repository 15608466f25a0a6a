package commerce_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestTransitionTable: the whole state machine, every pair of statuses.
func TestTransitionTable(t *testing.T) {
	t.Parallel()
	legal := map[[2]string]bool{
		{"created", "paid"}: true, {"created", "cancelled"}: true, {"paid", "shipped"}: true,
		{"paid", "refunded"}: true, {"shipped", "completed"}: true,
	}
	for _, from := range commerce.Statuses {
		for _, to := range commerce.Statuses {
			if got := commerce.CanTransition(from, to); got != legal[[2]string{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

// TestOrderLifecycle walks every legal transition through the service and tries the
// illegal ones at each step: each is a conflict naming the status, and changes
// nothing. Transitions are timestamped, audited for staff and published as webhooks.
func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		p := e.product("真丝衬衫", 29900, 10)
		o := e.order(e.buyer, p, 2)
		if o.Status != "created" || o.Total != 59800 || len(o.Lines) != 1 || o.Lines[0].Name != "真丝衬衫" || o.Lines[0].Price != 29900 ||
			o.Lines[0].Amount != 59800 || !o.ExpiresAt.Equal(e.clock.Now().Add(15*time.Minute)) || o.Source != "showcase" ||
			o.BuyerNickname != "小美" || o.Address == nil || o.Address.Phone != "13800138000" {
			t.Fatalf("new order: %+v", o)
		}
		if left, _ := e.stock(p.ID); left != 8 {
			t.Fatalf("stock after order: %d", left)
		}
		// A later price change does not touch the order's snapshot.
		if _, err := e.svc.UpdateProduct(e.ctx, e.owner, p.ID, commerce.ProductPatch{Price: ptr[int64](39900)}); err != nil {
			t.Fatal(err)
		}

		illegal := func(step string, moves map[string]func() error) {
			t.Helper()
			before := e.get(e.buyer, o.ID)
			for name, f := range moves {
				err := f()
				if siyu.ErrorCode(err) != siyu.ECONFLICT || !strings.Contains(siyu.ErrorMessage(err), "is "+before.Status) {
					t.Errorf("%s: %s on a %s order: %v", step, name, before.Status, err)
				}
			}
			if after := e.get(e.buyer, o.ID); after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("%s: an illegal move changed the order: %+v", step, after)
			}
		}
		ship := func() error {
			_, err := e.svc.Ship(e.ctx, e.owner, o.ID, commerce.ShipInput{Carrier: "顺丰", TrackingNo: "SF1234567890"})
			return err
		}
		complete := func() error { _, err := e.svc.Complete(e.ctx, e.owner, o.ID); return err }
		refund := func() error { _, err := e.svc.Refund(e.ctx, e.owner, o.ID, commerce.RefundInput{}); return err }
		cancel := func() error { _, err := e.svc.CancelOrder(e.ctx, e.buyer, o.ID); return err }
		pay := func() error { _, err := e.svc.Pay(e.ctx, e.buyer, o.ID, commerce.PayInput{}); return err }

		illegal("created", map[string]func() error{"ship": ship, "complete": complete, "refund": refund})
		e.clock.Add(time.Minute)
		o = e.pay(e.buyer, o)
		if o.Status != "paid" || !o.PaidAt.Equal(e.clock.Now()) || len(o.Payments) != 1 || o.Payments[0].Status != "succeeded" {
			t.Fatalf("paid: %+v", o)
		}
		if _, sold := e.stock(p.ID); sold != 2 {
			t.Fatalf("sold after payment: %d", sold)
		}
		illegal("paid", map[string]func() error{"complete": complete, "cancel": cancel, "pay": pay})
		e.clock.Add(time.Hour)
		if err := ship(); err != nil {
			t.Fatal(err)
		}
		o = e.get(e.buyer, o.ID)
		if o.Status != "shipped" || o.Carrier != "顺丰" || o.TrackingNo != "SF1234567890" || !o.ShippedAt.Equal(e.clock.Now()) {
			t.Fatalf("shipped: %+v", o)
		}
		illegal("shipped", map[string]func() error{"ship": ship, "refund": refund, "cancel": cancel, "pay": pay})
		e.clock.Add(72 * time.Hour)
		if err := complete(); err != nil {
			t.Fatal(err)
		}
		o = e.get(e.buyer, o.ID)
		if o.Status != "completed" || !o.CompletedAt.Equal(e.clock.Now()) || o.Lines[0].Price != 29900 {
			t.Fatalf("completed: %+v", o)
		}
		illegal("completed", map[string]func() error{"ship": ship, "complete": complete, "refund": refund, "cancel": cancel, "pay": pay})

		// paid → refunded gives the stock and the sale back.
		o = e.pay(e.buyer, e.order(e.buyer, p, 3))
		left, sold := e.stock(p.ID)
		if left != 5 || sold != 5 {
			t.Fatalf("before refund: left %d sold %d", left, sold)
		}
		o, err := e.svc.Refund(e.ctx, e.owner, o.ID, commerce.RefundInput{Reason: "尺码不合适"})
		if err != nil || o.Status != "refunded" || o.RefundReason != "尺码不合适" || o.RefundedAt.IsZero() {
			t.Fatalf("refund: %+v %v", o, err)
		}
		if left, sold := e.stock(p.ID); left != 8 || sold != 2 {
			t.Fatalf("after refund: left %d sold %d", left, sold)
		}
		if o = e.get(e.buyer, o.ID); o.Payments[0].Status != "refunded" {
			t.Fatalf("payment after refund: %+v", o.Payments)
		}
		illegal("refunded", map[string]func() error{"ship": ship, "refund": refund, "cancel": cancel, "pay": pay, "complete": complete})

		// created → cancelled by the buyer.
		o = e.order(e.buyer, p, 1)
		if o, err = e.svc.CancelOrder(e.ctx, e.buyer, o.ID); err != nil || o.Status != "cancelled" || o.CancelReason != "buyer" {
			t.Fatalf("cancel: %+v %v", o, err)
		}
		if left, _ := e.stock(p.ID); left != 8 {
			t.Fatalf("after cancel: %d", left)
		}
		illegal("cancelled", map[string]func() error{"ship": ship, "refund": refund, "cancel": cancel, "pay": pay, "complete": complete})

		want := "order.created,order.paid,order.shipped,order.completed,order.created,order.paid,order.refunded,order.created,order.cancelled"
		if got := e.events.List(); got != want {
			t.Fatalf("webhooks:\n got %s\nwant %s", got, want)
		}
		entries, _ := audit.List(e.ctx, store, e.owner.TenantID, 0, 100)
		var actions []string
		for _, en := range entries {
			if strings.HasPrefix(en.Action, "order.") {
				actions = append(actions, en.Action)
			}
		}
		slices.Reverse(actions)
		if strings.Join(actions, ",") != "order.ship,order.complete,order.refund" {
			t.Fatalf("audit: %v", actions)
		}
	})
}
