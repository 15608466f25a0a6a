package groupbuy_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestRacingJoinsNeverOverfill: twelve viewers join a group of three at once; exactly
// two get a seat (and an order, and a unit of stock), everyone else gets group_full.
func TestRacingJoinsNeverOverfill(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(3, 600)
		start, err := e.svc.Start(e.Ctx, e.Viewer("团长"), gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		viewers := make([]promo.Viewer, 12)
		for i := range viewers {
			viewers[i] = e.Viewer(fmt.Sprintf("观众%d", i))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(viewers))
		for i, v := range viewers {
			wg.Go(func() { _, errs[i] = e.svc.Join(e.Ctx, v, start.Group.ID) })
		}
		wg.Wait()
		joined := 0
		for i, err := range errs {
			switch siyu.ErrorCode(err) {
			case "":
				joined++
			case groupbuy.ErrGroupFull:
			default:
				t.Fatalf("join %d: %v", i, err)
			}
		}
		g := e.group(gb.ID, start.Group.ID)
		if joined != 2 || len(g.Members) != 3 {
			t.Fatalf("%d joins won, group has %d members; want 2 and 3", joined, len(g.Members))
		}
		if left, _ := e.stock(); left != 7 {
			t.Fatalf("stock %d, want 7: losers' orders must not hold stock", left)
		}
		orders, _, err := e.Commerce.Orders(e.Ctx, e.Owner, commerce.OrderFilter{Source: groupbuy.Source}, 0, 100)
		if err != nil || len(orders) != 3 {
			t.Fatalf("%d group-buy orders (%v), want 3", len(orders), err)
		}
	})
}

// TestCancelledMemberFreesSeat: a full group refuses a third viewer; when a member
// cancels their unpaid order the seat is free and the third joins; an order that
// expires unpaid frees its seat too. A viewer is in one forming group per offer.
func TestCancelledMemberFreesSeat(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(2, 3600)
		leader, a, c := e.Viewer("团长"), e.Viewer("小美"), e.Viewer("后来者")
		start, err := e.svc.Start(e.Ctx, leader, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		ja, err := e.svc.Join(e.Ctx, a, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Join(e.Ctx, c, start.Group.ID)
		promotest.Code(t, "third joins a group of two", err, groupbuy.ErrGroupFull)
		_, err = e.svc.Start(e.Ctx, a, gb.ID)
		promotest.Code(t, "member starts a second group", err, groupbuy.ErrAlreadyInGroup)
		_, err = e.svc.Join(e.Ctx, leader, start.Group.ID)
		promotest.Code(t, "leader joins own group", err, groupbuy.ErrAlreadyInGroup)

		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(a), ja.OrderID); err != nil {
			t.Fatal(err)
		}
		g := e.group(gb.ID, start.Group.ID)
		if len(g.Members) != 1 || g.Members[0].ViewerID != leader.ID {
			t.Fatalf("after a cancel: %+v", g)
		}
		if left, _ := e.stock(); left != 9 {
			t.Fatalf("stock %d, want 9", left)
		}
		jc, err := e.svc.Join(e.Ctx, c, start.Group.ID)
		if err != nil {
			t.Fatalf("joining the freed seat: %v", err)
		}
		// The one who left may start their own group.
		other, err := e.svc.Start(e.Ctx, a, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Unpaid orders expire after the tenant's 15 minutes; their seats come back.
		e.Pay(leader, start.OrderID)
		e.Clock.Add(16 * time.Minute)
		e.RunDue()
		g = e.group(gb.ID, start.Group.ID)
		if len(g.Members) != 1 || g.PaidCount != 1 || g.Status != "forming" {
			t.Fatalf("after the joiner's order expired: %+v", g)
		}
		if o := e.Order(jc.OrderID); o.Status != commerce.StatusCancelled || o.CancelReason != commerce.CancelExpired {
			t.Fatalf("expired order: %s %s", o.Status, o.CancelReason)
		}
		if g := e.group(gb.ID, other.Group.ID); len(g.Members) != 0 {
			t.Fatalf("an empty group: %+v", g)
		}
		vd, err := e.svc.ViewerGet(e.Ctx, c, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if vd.MyGroup != nil || len(vd.Forming) != 1 || vd.Forming[0].ID != start.Group.ID {
			t.Fatalf("viewer detail: my %+v, forming %+v (empty groups are not offered)", vd.MyGroup, vd.Forming)
		}
		jc2, err := e.svc.Join(e.Ctx, c, start.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.Pay(c, jc2.OrderID)
		if g := e.group(gb.ID, start.Group.ID); g.Status != "succeeded" {
			t.Fatalf("refilled group: %+v", g)
		}
		if left, sold := e.stock(); left != 8 || sold != 2 {
			t.Fatalf("stock %d sold %d, want 8 and 2", left, sold)
		}
	})
}

// TestViewerScopeAndClose: viewers reach only their own session's offers; a closed
// offer takes no new groups but its forming groups still fill and succeed.
func TestViewerScopeAndClose(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		gb := e.launch(2, 600)
		leader := e.Viewer("团长")
		start, err := e.svc.Start(e.Ctx, leader, gb.ID)
		if err != nil {
			t.Fatal(err)
		}
		stranger := e.ViewerOf(e.LiveSession(e.Host, "拼团专场"), "别场观众")
		_, err = e.svc.Start(e.Ctx, stranger, gb.ID)
		promotest.Code(t, "other session starts", err, "not_found")
		_, err = e.svc.Join(e.Ctx, stranger, start.Group.ID)
		promotest.Code(t, "other session joins", err, "not_found")
		_, err = e.svc.ViewerGet(e.Ctx, stranger, gb.ID)
		promotest.Code(t, "other session reads", err, "not_found")
		if list, err := e.svc.ViewerList(e.Ctx, stranger); err != nil || len(list) != 0 {
			t.Fatalf("other session lists %+v %v", list, err)
		}

		closed, err := e.svc.Close(e.Ctx, e.Host, gb.ID)
		if err != nil || closed.Status != "closed" || closed.GroupsForming != 1 {
			t.Fatalf("close: %+v %v", closed, err)
		}
		if ev := e.Room.OfType("group_buy"); len(ev) != 2 {
			t.Fatalf("close not broadcast: %+v", ev)
		}
		_, err = e.svc.Start(e.Ctx, e.Viewer("新人"), gb.ID)
		promotest.Code(t, "start on a closed offer", err, groupbuy.ErrOfferClosed)
		a := e.Viewer("小美")
		ja, err := e.svc.Join(e.Ctx, a, start.Group.ID)
		if err != nil {
			t.Fatalf("joining a forming group of a closed offer: %v", err)
		}
		e.Pay(leader, start.OrderID)
		e.Pay(a, ja.OrderID)
		vd, err := e.svc.ViewerGet(e.Ctx, a, gb.ID)
		if err != nil || vd.MyGroup == nil || vd.MyGroup.Status != "succeeded" || vd.MyOrderID != ja.OrderID {
			t.Fatalf("viewer detail: %+v %v", vd, err)
		}
		_, err = e.svc.Join(e.Ctx, e.Viewer("迟到"), start.Group.ID)
		promotest.Code(t, "join a succeeded group", err, groupbuy.ErrGroupClosed)
		if list, err := e.svc.ViewerList(e.Ctx, a); err != nil || len(list) != 0 {
			t.Fatalf("closed offers are not listed for viewers: %+v %v", list, err)
		}
		if list, err := e.svc.List(e.Ctx, e.Host, e.Session); err != nil || len(list) != 1 || list[0].GroupsSucceeded != 1 {
			t.Fatalf("staff list: %+v %v", list, err)
		}
		other := e.otherTenant()
		_, err = e.svc.Get(e.Ctx, other, gb.ID)
		promotest.Code(t, "other tenant reads", err, "not_found")
		_, err = e.svc.Close(e.Ctx, other, gb.ID)
		promotest.Code(t, "other tenant closes", err, "not_found")
		_, err = e.svc.List(e.Ctx, other, e.Session)
		promotest.Code(t, "other tenant lists", err, "not_found")
	})
}

// otherTenant signs up a second brand and returns its owner.
func (e *env) otherTenant() org.Principal {
	e.T.Helper()
	return e.Signup("别家")
}
