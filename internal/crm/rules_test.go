package crm_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/room"
)

// "Watched ≥ 10 minutes and did not buy": the tag goes on the moment the booked watch
// time crosses ten minutes and comes off when the viewer pays an order; observers hear
// both.
func TestRuleTagWatchedAndDidNotBuy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		tag := e.ruleTag("看播未购", "watch_minutes >= 10 AND orders = 0")
		v := e.viewer(e.session, "潜在客户")
		e.join(v)
		e.watch(v, 9*time.Minute+59*time.Second)
		if c := e.of(v); hasTag(c, "看播未购") {
			t.Fatalf("tagged before ten minutes: %+v", c)
		}
		e.watch(v, time.Second)
		c := e.of(v)
		if !hasTag(c, "看播未购") {
			t.Fatalf("not tagged at ten minutes: %+v", c)
		}
		if added, _ := e.obs.tags(c.ID); !slices.Contains(added, tag.ID) {
			t.Fatalf("observers not told the tag: %v", added)
		}
		list, _, err := e.CRM.List(e.Ctx, e.Owner, crm.ListQuery{Tag: "看播未购"})
		if err != nil || len(list) != 1 || list[0].ID != c.ID {
			t.Fatalf("list by rule tag: %+v %v", list, err)
		}
		e.buy(v, "口红", 9900, 1)
		c = e.of(v)
		if hasTag(c, "看播未购") {
			t.Fatalf("still tagged after buying: %+v", c)
		}
		if _, removed := e.obs.tags(c.ID); !slices.Contains(removed, tag.ID) {
			t.Fatalf("observers not told the removal: %v", removed)
		}
		// A rule tag cannot be put on or taken off by hand.
		_, err = e.CRM.AddTags(e.Ctx, e.Owner, c.ID, crm.TagsInput{Tags: []string{"看播未购"}})
		crmtest.Code(t, err, siyu.EINVALID, "tags")
	})
}

// A rule tag created when customers exist is applied to them (the backfill job), and a
// refund takes an order out of the aggregates again.
func TestRuleTagBackfillAndRefund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		v := e.viewer(e.session, "老买家")
		e.join(v)
		o := e.buy(v, "大礼包", 60000, 1)
		e.ruleTag("买过", "orders >= 1")
		if c := e.of(v); !hasTag(c, "买过") {
			t.Fatalf("existing buyer not tagged by the new rule: %+v", c)
		}
		if _, err := e.shop.Refund(e.Ctx, e.Owner, o.ID, commerce.RefundInput{Reason: "不想要了"}); err != nil {
			t.Fatal(err)
		}
		e.flush()
		c := e.of(v)
		if hasTag(c, "买过") || c.OrdersCount != 0 || c.SpentFen != 0 {
			t.Fatalf("after the refund: %+v", c)
		}
	})
}

// "Spent ≥ 500 CNY in 30 days" holds from the order that reaches 500 until the first
// order leaves the window: a durable timer re-evaluates the buyer then.
func TestRuleTagSpentIn30Days(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.ruleTag("月消费500", "spent_30d >= 500元")
		v := e.viewer(e.session, "买买买")
		e.join(v)
		e.buy(v, "外套", 30000, 1)
		if hasTag(e.of(v), "月消费500") {
			t.Fatal("tagged at 300")
		}
		e.Clock.Add(10 * 24 * time.Hour)
		e.buy(v, "裤子", 25000, 1)
		if !hasTag(e.of(v), "月消费500") {
			t.Fatalf("not tagged at 550 within 30 days: %+v", e.of(v))
		}
		// Twenty days later the first order (300) leaves the window: 250 remain.
		e.Clock.Add(20*24*time.Hour + time.Second)
		e.RunJobs()
		c := e.of(v)
		if hasTag(c, "月消费500") {
			t.Fatalf("still tagged after the first order left the window: %+v", c)
		}
		if c.SpentFen != 55000 {
			t.Fatalf("lifetime spend %d, want 55000", c.SpentFen)
		}
	})
}

// "Reserved but did not come": when a session ends, its reservers who never came with
// any of their viewer accounts get a no-show; one who came (a viewer of the session
// with the same verified phone) does not.
func TestRuleTagReservedButDidNotCome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.ruleTag("预约未到", "no_shows >= 1")
		next := e.newSession("明晚专场")
		absent := e.viewer(e.session, "放鸽子")
		came := e.viewer(e.session, "准时来")
		for _, v := range []struct {
			v     string
			phone string
		}{{"absent", ""}, {"came", "13788889999"}} {
			w := absent
			if v.v == "came" {
				w = came
				e.verify(w, v.phone)
			}
			if _, _, err := e.live.Reserve(e.Ctx, w, next); err != nil {
				t.Fatal(err)
			}
		}
		e.flush()
		if c := e.of(absent); c.Reservations != 1 || hasTag(c, "预约未到") {
			t.Fatalf("reserver before the show: %+v", c)
		}
		if _, err := e.live.Start(e.Ctx, e.host, next); err != nil {
			t.Fatal(err)
		}
		there := e.viewer(next, "准时来的手机")
		e.verify(there, "13788889999")
		e.join(there)
		if _, err := e.live.End(e.Ctx, e.host, next); err != nil {
			t.Fatal(err)
		}
		e.flush()
		if c := e.of(absent); c.NoShows != 1 || !hasTag(c, "预约未到") {
			t.Fatalf("absent reserver: %+v", c)
		}
		if c := e.of(came); c.NoShows != 0 || hasTag(c, "预约未到") {
			t.Fatalf("reserver who came: %+v", c)
		}
	})
}

func TestParseRule(t *testing.T) {
	for _, ok := range []string{
		"watch_minutes >= 10 AND orders = 0",
		"spent_30d >= 500元",
		"no_shows>=1 or reservations > 2 and sessions = 0",
		"watch_ms > 90min",
		"avg_order != 0 AND gifts >= 1yuan AND comments<3 AND orders_7d <= 2",
	} {
		if _, err := crm.ParseRule(ok); err != nil {
			t.Errorf("ParseRule(%q): %v", ok, err)
		}
	}
	for rule, pos := range map[string]string{
		"":                         "empty",
		"watch >= 10":              "position 1",
		"orders >= ":               "position 10",
		"orders 3":                 "position 8",
		"orders >= 1 AND":          "position 16",
		"orders >= 1 XOR sessions": "position 13",
		"spent_0d > 1":             "position 1",
		"orders >= 1元":             "position 12",
	} {
		_, err := crm.ParseRule(rule)
		if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "rule" || !strings.Contains(siyu.ErrorMessage(err), pos) {
			t.Errorf("ParseRule(%q) = %v, want invalid rule at %s", rule, err, pos)
		}
	}
	r, _ := crm.ParseRule("watch_minutes >= 10 AND orders = 0 OR spent_30d >= 500元")
	for _, c := range []struct {
		m    crm.Metrics
		want bool
	}{
		{crm.Metrics{WatchMS: 600_000}, true},
		{crm.Metrics{WatchMS: 599_999}, false},
		{crm.Metrics{WatchMS: 600_000, Orders: 1}, false},
		{crm.Metrics{Orders: 1, SpentIn: map[int]int64{30: 50_000}}, true},
	} {
		if got := r.Eval(c.m); got != c.want {
			t.Errorf("Eval(%+v) = %t, want %t", c.m, got, c.want)
		}
	}
	if w := r.Windows(); !slices.Equal(w, []int{30}) {
		t.Errorf("windows %v", w)
	}
}

// A room's presence booking for many viewers is applied in one batch: every viewer gets
// a profile with the watch time, and the rule tag goes on for exactly those past ten
// minutes. Activity queued while nothing flushes is summed per viewer, never lost.
func TestRoomBatchAppliesEveryViewer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.ruleTag("看播未购", "watch_minutes >= 10 AND orders = 0")
		var vs []room.ViewerActivity
		var viewers []live.Viewer
		for i := range 30 {
			v := e.viewer(e.session, fmt.Sprintf("观众%02d", i))
			viewers = append(viewers, v)
			vs = append(vs, room.ViewerActivity{ViewerID: v.ID, Joins: 1, FirstJoin: true, LastSeen: e.Clock.Now().UnixMilli()})
		}
		e.CRM.OnActivity(room.Activity{TenantID: e.Owner.TenantID, SessionID: e.session, Viewers: vs})
		for round := range 2 {
			for i := range vs {
				vs[i] = room.ViewerActivity{ViewerID: viewers[i].ID, WatchMs: int64(i+round) * 20_000, LastSeen: e.Clock.Now().UnixMilli()}
			}
			e.CRM.OnActivity(room.Activity{TenantID: e.Owner.TenantID, SessionID: e.session, Viewers: vs})
		}
		e.flush()
		for i, v := range viewers {
			c := e.of(v)
			want := int64(2*i+1) * 20_000
			if c.WatchMS != want || c.Sessions != 1 || hasTag(c, "看播未购") != (want >= 600_000) {
				t.Errorf("viewer %d: %+v, want watch %d", i, c, want)
			}
		}
	})
}
