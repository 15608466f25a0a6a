package assist_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// TestHelpersUnlockAndOwnerOrders: a viewer starts one campaign per offer and gets a
// share code; the owner cannot help; each friend helps once; the third help unlocks
// (webhook, the owner told on every help); the owner orders once at the assist price,
// and a cancelled order gives the price back.
func TestHelpersUnlockAndOwnerOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.launch(3, 3600)
		if a.Status != "open" || a.Price != 3900 || a.OriginalPrice != 9900 || a.HelpersNeeded != 3 {
			t.Fatalf("launched: %+v", a)
		}
		if ev := e.Room.OfType("assist"); len(ev) != 1 || ev[0].Viewer != 0 {
			t.Fatalf("launch broadcast: %+v", ev)
		}
		owner := e.Viewer("发起人")
		c, created, err := e.svc.StartCampaign(e.Ctx, owner, a.ID)
		if err != nil || !created {
			t.Fatalf("start: %+v %v %v", c, created, err)
		}
		if len(c.Code) != 16 || c.Status != "collecting" || c.OwnerNickname != "发起人" || !c.ExpiresAt.Equal(e.Clock.Now().Add(time.Hour)) ||
			c.SharePath != fmt.Sprintf("/live/s/%d?assist=%s", e.Session, c.Code) || len(c.Helpers) != 0 {
			t.Fatalf("campaign: %+v", c)
		}
		again, created, err := e.svc.StartCampaign(e.Ctx, owner, a.ID)
		if err != nil || created || again.ID != c.ID || again.Code != c.Code {
			t.Fatalf("second start: %+v %v %v", again, created, err)
		}
		_, err = e.svc.Help(e.Ctx, owner, c.Code)
		promotest.Code(t, "owner helps", err, assist.ErrOwnCampaign)
		_, err = e.svc.Order(e.Ctx, owner, c.Code)
		promotest.Code(t, "order while collecting", err, assist.ErrNotUnlocked)

		h1, h2, h3, late := e.Viewer("好友一"), e.Viewer("好友二"), e.Viewer("好友三"), e.Viewer("迟到")
		got, err := e.svc.Help(e.Ctx, h1, c.Code)
		if err != nil || len(got.Helpers) != 1 || got.Helpers[0] != "好友一" || got.Status != "collecting" {
			t.Fatalf("first help: %+v %v", got, err)
		}
		_, err = e.svc.Help(e.Ctx, h1, c.Code)
		promotest.Code(t, "double help", err, assist.ErrAlreadyHelped)
		if _, err := e.svc.Help(e.Ctx, h2, c.Code); err != nil {
			t.Fatal(err)
		}
		got, err = e.svc.Help(e.Ctx, h3, c.Code)
		if err != nil || got.Status != "unlocked" || len(got.Helpers) != 3 {
			t.Fatalf("third help: %+v %v", got, err)
		}
		if n := e.Events.Count(assist.EventUnlocked); n != 1 {
			t.Fatalf("assist.unlocked sent %d times", n)
		}
		told := e.Room.OfType("assist_campaign")
		if len(told) != 3 || told[2].Viewer != owner.ID || !strings.Contains(told[2].Raw, `"status":"unlocked"`) {
			t.Fatalf("owner told: %+v", told)
		}
		_, err = e.svc.Help(e.Ctx, late, c.Code)
		promotest.Code(t, "help after unlock", err, assist.ErrCampaignClosed)
		_, err = e.svc.Order(e.Ctx, h1, c.Code)
		promotest.Code(t, "a friend orders", err, siyu.EFORBIDDEN)

		ord, err := e.svc.Order(e.Ctx, owner, c.Code)
		if err != nil {
			t.Fatal(err)
		}
		o := e.Order(ord.OrderID)
		if o.Source != "assist" || o.Total != 3900 || o.ViewerID != owner.ID || o.Status != "created" {
			t.Fatalf("order: %+v", o)
		}
		_, err = e.svc.Order(e.Ctx, owner, c.Code)
		promotest.Code(t, "second order", err, assist.ErrAlreadyOrdered)
		if left, _ := e.stock(); left != 9 {
			t.Fatalf("stock %d, want 9", left)
		}
		if _, err := e.Commerce.CancelOrder(e.Ctx, promotest.Buyer(owner), ord.OrderID); err != nil {
			t.Fatal(err)
		}
		va, err := e.svc.ViewerGet(e.Ctx, owner, a.ID)
		if err != nil || va.MyCampaign == nil || va.MyCampaign.Status != "unlocked" || va.MyCampaign.OrderID != 0 {
			t.Fatalf("after cancelling: %+v %v", va.MyCampaign, err)
		}
		ord2, err := e.svc.Order(e.Ctx, owner, c.Code)
		if err != nil {
			t.Fatalf("ordering again after a cancel: %v", err)
		}
		e.Pay(owner, ord2.OrderID)
		if left, sold := e.stock(); left != 9 || sold != 1 {
			t.Fatalf("stock %d sold %d, want 9 and 1", left, sold)
		}
		got, err = e.svc.CampaignByCode(e.Ctx, h2, c.Code)
		if err != nil || got.Status != "ordered" || got.HelpedByMe == nil || !*got.HelpedByMe || got.OrderID != ord2.OrderID {
			t.Fatalf("friend's view: %+v %v", got, err)
		}
		if list, err := e.svc.List(e.Ctx, e.Host, e.Session); err != nil || len(list) != 1 || list[0].Campaigns != 1 || list[0].Unlocked != 1 {
			t.Fatalf("staff list: %+v %v", list, err)
		}
	})
}

// TestSamePhoneIsOnePerson: when the owner and a helper verified the same phone the
// help is the owner's own; two accounts with one verified phone help once.
func TestSamePhoneIsOnePerson(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.launch(3, 3600)
		owner, alt, friend, friendAlt, guest := e.Viewer("发起人"), e.Viewer("小号"), e.Viewer("好友"), e.Viewer("好友小号"), e.Viewer("游客")
		setPhone := func(v promo.Viewer, phone string) {
			if _, err := store.ExecContext(e.Ctx, `UPDATE viewers SET phone = ? WHERE id = ?`, phone, v.ID); err != nil {
				t.Fatal(err)
			}
		}
		setPhone(owner, "13800000001")
		setPhone(alt, "13800000001")
		setPhone(friend, "13900000002")
		setPhone(friendAlt, "13900000002")
		c, _, err := e.svc.StartCampaign(e.Ctx, owner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Help(e.Ctx, alt, c.Code)
		promotest.Code(t, "owner's phone", err, assist.ErrOwnCampaign)
		if _, err := e.svc.Help(e.Ctx, friend, c.Code); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Help(e.Ctx, friendAlt, c.Code)
		promotest.Code(t, "friend's second account", err, assist.ErrAlreadyHelped)
		if got, err := e.svc.Help(e.Ctx, guest, c.Code); err != nil || len(got.Helpers) != 2 {
			t.Fatalf("an unverified guest helps: %+v %v", got, err)
		}
	})
}

// TestCampaignExpires: at the deadline a campaign short of its helpers expires (no
// more help, no order); an unlocked campaign keeps its price past the deadline.
func TestCampaignExpires(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.launch(2, 600)
		slow, quick := e.Viewer("慢"), e.Viewer("快")
		cs, _, err := e.svc.StartCampaign(e.Ctx, slow, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cq, _, err := e.svc.StartCampaign(e.Ctx, quick, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		f1, f2 := e.Viewer("好友一"), e.Viewer("好友二")
		for _, f := range []promo.Viewer{f1, f2} {
			if _, err := e.svc.Help(e.Ctx, f, cq.Code); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.Help(e.Ctx, f1, cs.Code); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(9 * time.Minute)
		e.RunDue()
		if got, _ := e.svc.CampaignByCode(e.Ctx, slow, cs.Code); got.Status != "collecting" {
			t.Fatalf("expired early: %s", got.Status)
		}
		e.Clock.Add(2 * time.Minute)
		e.RunDue()
		got, err := e.svc.CampaignByCode(e.Ctx, slow, cs.Code)
		if err != nil || got.Status != "expired" {
			t.Fatalf("after the deadline: %+v %v", got, err)
		}
		if ev := e.Room.OfType("assist_campaign"); !strings.Contains(ev[len(ev)-1].Raw, `"status":"expired"`) || ev[len(ev)-1].Viewer != slow.ID {
			t.Fatalf("owner not told: %+v", ev[len(ev)-1])
		}
		_, err = e.svc.Help(e.Ctx, f2, cs.Code)
		promotest.Code(t, "help after expiry", err, assist.ErrCampaignClosed)
		_, err = e.svc.Order(e.Ctx, slow, cs.Code)
		promotest.Code(t, "order after expiry", err, assist.ErrNotUnlocked)
		if _, err := e.svc.Order(e.Ctx, quick, cq.Code); err != nil {
			t.Fatalf("an unlocked campaign orders after the deadline: %v", err)
		}
	})
}

// TestRacingHelpsCountOnce: ten friends help a campaign needing three at once;
// exactly three helps count and the campaign unlocks once.
func TestRacingHelpsCountOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.launch(3, 600)
		c, _, err := e.svc.StartCampaign(e.Ctx, e.Viewer("发起人"), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		friends := make([]promo.Viewer, 10)
		for i := range friends {
			friends[i] = e.Viewer(fmt.Sprintf("好友%d", i))
		}
		errs := make([]error, len(friends))
		var wg sync.WaitGroup
		for i, f := range friends {
			wg.Go(func() { _, errs[i] = e.svc.Help(e.Ctx, f, c.Code) })
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch siyu.ErrorCode(err) {
			case "":
				ok++
			case assist.ErrCampaignClosed:
			default:
				t.Fatalf("help %d: %v", i, err)
			}
		}
		got, err := e.svc.CampaignByCode(e.Ctx, friends[0], c.Code)
		if ok != 3 || err != nil || len(got.Helpers) != 3 || got.Status != "unlocked" || e.Events.Count(assist.EventUnlocked) != 1 {
			t.Fatalf("%d helps counted; campaign %+v %v; events %s", ok, got, err, e.Events.List())
		}
	})
}

// TestAssistInputAndScope: bad input names the field; viewers reach only their own
// session's offers and campaigns; a closed offer starts no campaigns.
func TestAssistInputAndScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		for field, in := range map[string]assist.Input{
			"product_id":         {Price: 100, HelpersNeeded: 3, TimeLimitSeconds: 600},
			"price":              {ProductID: e.product.ID, Price: 9901, HelpersNeeded: 3, TimeLimitSeconds: 600},
			"helpers_needed":     {ProductID: e.product.ID, Price: 100, HelpersNeeded: 51, TimeLimitSeconds: 600},
			"time_limit_seconds": {ProductID: e.product.ID, Price: 100, HelpersNeeded: 3},
		} {
			_, err := e.svc.Launch(e.Ctx, e.Host, e.Session, in)
			promotest.Code(t, field, err, "invalid", field)
		}
		_, err := e.svc.Launch(e.Ctx, e.Host, e.Session, assist.Input{ProductID: e.product.ID, Price: 100, TimeLimitSeconds: 600})
		promotest.Code(t, "no helpers", err, "invalid", "helpers_needed")
		a := e.launch(2, 600)
		owner := e.Viewer("发起人")
		c, _, err := e.svc.StartCampaign(e.Ctx, owner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.Live.Create(e.Ctx, e.Host, live.CreateInput{Title: "别场"})
		if err != nil {
			t.Fatal(err)
		}
		stranger := e.ViewerOf(s.ID, "别场观众")
		_, _, err = e.svc.StartCampaign(e.Ctx, stranger, a.ID)
		promotest.Code(t, "other session starts", err, "not_found")
		_, err = e.svc.Help(e.Ctx, stranger, c.Code)
		promotest.Code(t, "other session helps", err, "not_found")
		_, err = e.svc.CampaignByCode(e.Ctx, stranger, c.Code)
		promotest.Code(t, "other session reads a campaign", err, "not_found")
		_, err = e.svc.ViewerGet(e.Ctx, stranger, a.ID)
		promotest.Code(t, "other session reads", err, "not_found")
		_, err = e.svc.Help(e.Ctx, e.Viewer("好友"), "nosuchcode")
		promotest.Code(t, "unknown code", err, "not_found")

		closed, err := e.svc.Close(e.Ctx, e.Host, a.ID)
		if err != nil || closed.Status != "closed" || closed.Campaigns != 1 {
			t.Fatalf("close: %+v %v", closed, err)
		}
		_, _, err = e.svc.StartCampaign(e.Ctx, e.Viewer("新人"), a.ID)
		promotest.Code(t, "start on a closed offer", err, assist.ErrOfferClosed)
		if again, created, err := e.svc.StartCampaign(e.Ctx, owner, a.ID); err != nil || created || again.ID != c.ID {
			t.Fatalf("the owner's campaign of a closed offer: %+v %v %v", again, created, err)
		}
		if list, err := e.svc.ViewerList(e.Ctx, owner); err != nil || len(list) != 0 {
			t.Fatalf("closed offers are not listed: %+v %v", list, err)
		}
		if _, err := e.svc.Help(e.Ctx, e.Viewer("好友"), c.Code); err != nil {
			t.Fatalf("a running campaign of a closed offer still takes help: %v", err)
		}
	})
}
