package groupbuy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestGroupOfThreeSucceeds: a leader and two friends each get an unpaid order at the
// group price; the group counts payments, and the third payment before the deadline
// makes it succeeded (one webhook, every member told); the deadline passing later
// changes nothing.
func TestGroupOfThreeSucceeds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(3, 3600)
		if gb.Status != "open" || gb.OriginalPrice != 9900 || gb.Price != 5900 || gb.ProductName != "拼团面膜" || gb.Image == "" {
			t.Fatalf("launched: %+v", gb)
		}
		if ev := e.Room.OfType("group_buy"); len(ev) != 1 || ev[0].Viewer != 0 || !strings.Contains(ev[0].Raw, `"group_size":3`) {
			t.Fatalf("launch broadcast: %+v", ev)
		}
		leader, a, b := e.Viewer("团长"), e.Viewer("小美"), e.Viewer("阿杰")
		start, err := e.svc.Start(e.Ctx, leader, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if start.Group.LeaderNickname != "团长" || start.Group.Status != "forming" || len(start.Group.Members) != 1 ||
			!start.Group.ExpiresAt.Equal(e.Clock.Now().Add(time.Hour)) {
			t.Fatalf("started: %+v", start.Group)
		}
		if o := e.Order(start.OrderID); o.Source != "group_buy" || o.Total != 5900 || o.Status != "created" || o.SourceID != gb.ID {
			t.Fatalf("leader's order: %+v", o)
		}
		ja, err := e.svc.Join(e.Ctx, a, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		jb, err := e.svc.Join(e.Ctx, b, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		if left, _ := e.stock(); left != 7 {
			t.Fatalf("stock after three seats: %d, want 7 (reserved as usual)", left)
		}
		e.Pay(leader, start.OrderID)
		e.Pay(a, ja.OrderID)
		if g := e.group(gb.ID, start.Group.ID); g.Status != "forming" || g.PaidCount != 2 {
			t.Fatalf("after two payments: %+v", g)
		}
		e.Pay(b, jb.OrderID)
		g := e.group(gb.ID, start.Group.ID)
		if g.Status != "succeeded" || g.PaidCount != 3 || len(g.Members) != 3 || !g.Members[2].Paid {
			t.Fatalf("after three payments: %+v", g)
		}
		if n := e.Events.Count(groupbuy.EventSucceeded); n != 1 {
			t.Fatalf("group_buy.succeeded sent %d times (%s)", n, e.Events.List())
		}
		last := e.Room.OfType("group_buy_group")
		told := map[int64]bool{}
		for _, ev := range last[len(last)-3:] {
			if !strings.Contains(ev.Raw, `"status":"succeeded"`) {
				t.Fatalf("members not told of success: %s", ev.Raw)
			}
			told[ev.Viewer] = true
		}
		if !told[leader.ID] || !told[a.ID] || !told[b.ID] {
			t.Fatalf("told %v", told)
		}
		e.Clock.Add(2 * time.Hour)
		e.RunDue()
		if g := e.group(gb.ID, start.Group.ID); g.Status != "succeeded" {
			t.Fatalf("the deadline undid a success: %+v", g)
		}
		if left, sold := e.stock(); left != 7 || sold != 3 {
			t.Fatalf("stock %d sold %d, want 7 and 3", left, sold)
		}
		d, err := e.svc.Get(e.Ctx, e.Host, gb.ID)
		if err != nil || d.GroupsSucceeded != 1 || d.GroupsForming != 0 {
			t.Fatalf("offer counts: %+v %v", d.GroupBuy, err)
		}
		// A member of a finished group may start a new one.
		if _, err := e.svc.Start(e.Ctx, a, gb.ID); err != nil {
			t.Fatalf("a member of a succeeded group starts another: %v", err)
		}
	})
}

// TestShortGroupFailsAndRefundsEveryone: a group of four with three members, two of
// them paid, is short at the deadline: it fails, both paid orders are refunded
// through the provider (orders refunded, payments refunded), the unpaid one is
// cancelled and all stock comes back.
func TestShortGroupFailsAndRefundsEveryone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(4, 600)
		leader, a, lazy := e.Viewer("团长"), e.Viewer("小美"), e.Viewer("懒人")
		start, err := e.svc.Start(e.Ctx, leader, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		ja, err := e.svc.Join(e.Ctx, a, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		jl, err := e.svc.Join(e.Ctx, lazy, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o := e.Order(jl.OrderID); !o.ExpiresAt.Equal(start.Group.ExpiresAt) {
			t.Fatalf("an unpaid order outlives its group's deadline: %v vs %v", o.ExpiresAt, start.Group.ExpiresAt)
		}
		e.Pay(leader, start.OrderID)
		e.Pay(a, ja.OrderID)
		if left, sold := e.stock(); left != 7 || sold != 2 {
			t.Fatalf("before the deadline: stock %d sold %d", left, sold)
		}
		e.Clock.Add(9 * time.Minute)
		e.RunDue()
		if g := e.group(gb.ID, start.Group.ID); g.Status != "forming" {
			t.Fatalf("settled early: %+v", g)
		}
		e.Clock.Add(2 * time.Minute)
		e.RunDue()
		g := e.group(gb.ID, start.Group.ID)
		if g.Status != "failed" || len(g.Members) < 2 {
			t.Fatalf("after the deadline: %+v", g)
		}
		for _, id := range []int64{start.OrderID, ja.OrderID} {
			o := e.Order(id)
			if o.Status != commerce.StatusRefunded || len(o.Payments) != 1 || o.Payments[0].Status != commerce.PaymentRefunded {
				t.Fatalf("paid member's order %d: %s, payments %+v", id, o.Status, o.Payments)
			}
		}
		if o := e.Order(jl.OrderID); o.Status != commerce.StatusCancelled {
			t.Fatalf("unpaid member's order: %s", o.Status)
		}
		if left, sold := e.stock(); left != 10 || sold != 0 {
			t.Fatalf("after the refunds: stock %d sold %d, want 10 and 0", left, sold)
		}
		if e.Events.Count(groupbuy.EventFailed) != 1 || e.Events.Count(commerce.EventOrderRefunded) != 2 {
			t.Fatalf("webhooks: %s", e.Events.List())
		}
		if ev := e.Room.OfType("group_buy_group"); !strings.Contains(ev[len(ev)-1].Raw, `"status":"failed"`) {
			t.Fatalf("members not told: %s", ev[len(ev)-1].Raw)
		}
		// Running the jobs again refunds nobody twice.
		e.Clock.Add(time.Hour)
		e.RunDue()
		if e.Events.Count(commerce.EventOrderRefunded) != 2 || e.Events.Count(groupbuy.EventFailed) != 1 {
			t.Fatalf("settled twice: %s", e.Events.List())
		}
	})
}

// TestRefundRetriedUntilDone: when the provider's refund API is down, the failed
// group's refund job keeps the order paid and retries; once the provider is back the
// order is refunded. Nobody is left half-refunded.
func TestRefundRetriedUntilDone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(3, 600)
		leader, a := e.Viewer("团长"), e.Viewer("小美")
		start, err := e.svc.Start(e.Ctx, leader, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		ja, err := e.svc.Join(e.Ctx, a, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.payFlaky(leader, start.OrderID)
		e.Pay(a, ja.OrderID)
		e.flaky.failing.Store(true)
		e.Clock.Add(11 * time.Minute)
		e.RunDue()
		if g := e.group(gb.ID, start.Group.ID); g.Status != "failed" {
			t.Fatalf("group: %+v", g)
		}
		if o := e.Order(start.OrderID); o.Status != commerce.StatusPaid {
			t.Fatalf("refunded although the provider refused: %s", o.Status)
		}
		if o := e.Order(ja.OrderID); o.Status != commerce.StatusRefunded {
			t.Fatalf("the other member waits for nothing: %s", o.Status)
		}
		for range 3 { // still down: retried, still paid
			e.Clock.Add(2 * time.Hour)
			e.RunDue()
		}
		if o := e.Order(start.OrderID); o.Status != commerce.StatusPaid {
			t.Fatalf("order while the provider is down: %s", o.Status)
		}
		e.flaky.failing.Store(false)
		e.Clock.Add(2 * time.Hour)
		e.RunDue()
		if o := e.Order(start.OrderID); o.Status != commerce.StatusRefunded || e.flaky.refunds.Load() != 1 {
			t.Fatalf("after the provider came back: %s, %d refunds", o.Status, e.flaky.refunds.Load())
		}
	})
}

// TestLaunchInput: bad input is invalid naming the field; the group price may not
// exceed the product's; only promo managers launch, only in a live session.
func TestLaunchInput(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		ok := groupbuy.Input{ProductID: e.product.ID, Price: 5900, GroupSize: 3, TimeLimitSeconds: 600}
		for field, in := range map[string]groupbuy.Input{
			"product_id":         {Price: 5900, GroupSize: 3, TimeLimitSeconds: 600},
			"price":              {ProductID: e.product.ID, GroupSize: 3, TimeLimitSeconds: 600},
			"group_size":         {ProductID: e.product.ID, Price: 5900, GroupSize: 1, TimeLimitSeconds: 600},
			"time_limit_seconds": {ProductID: e.product.ID, Price: 5900, GroupSize: 3, TimeLimitSeconds: 10},
		} {
			_, err := e.svc.Launch(e.Ctx, e.Host, e.Session, in)
			promotest.Code(t, field, err, "invalid", field)
		}
		big := ok
		big.GroupSize = 101
		_, err := e.svc.Launch(e.Ctx, e.Host, e.Session, big)
		promotest.Code(t, "101 people", err, "invalid", "group_size")
		dear := ok
		dear.Price = 9901
		_, err = e.svc.Launch(e.Ctx, e.Host, e.Session, dear)
		promotest.Code(t, "dearer than the product", err, "invalid", "price")
		wrongSKU := ok
		wrongSKU.SKUID = 999999
		_, err = e.svc.Launch(e.Ctx, e.Host, e.Session, wrongSKU)
		promotest.Code(t, "foreign sku", err, "invalid", "sku_id")
		missing := ok
		missing.ProductID = 999999
		_, err = e.svc.Launch(e.Ctx, e.Host, e.Session, missing)
		promotest.Code(t, "missing product", err, "not_found", "product_id")
		agent := e.Staff(org.RoleAgent, "客服")
		_, err = e.svc.Launch(e.Ctx, agent, e.Session, ok)
		promotest.Code(t, "agent", err, "forbidden")
		s, err := e.Live.Create(e.Ctx, e.Host, live.CreateInput{Title: "not started"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Launch(e.Ctx, e.Host, s.ID, ok)
		promotest.Code(t, "not live", err, "session_not_live")
	})
}
