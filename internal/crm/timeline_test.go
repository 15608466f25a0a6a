package crm_test

import (
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// roomWrites stores what the room's batched writer would for a viewer: presence (the
// entry and its watch time) and room events.
func (e *env) roomWrites(sessionID, viewerID, linkID int64, watch time.Duration, events ...[3]any) {
	e.T.Helper()
	at := e.Clock.Now().UnixMilli()
	if _, err := e.Store.ExecContext(e.Ctx, `INSERT INTO room_presence (tenant_id, session_id, viewer_id, entry_link_id, first_joined_at, last_seen_at, watch_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, viewer_id) DO NOTHING`, e.Owner.TenantID, sessionID, viewerID, linkID, at,
		at+watch.Milliseconds(), watch.Milliseconds()); err != nil {
		e.T.Fatal(err)
	}
	for i, ev := range events {
		if _, err := e.Store.ExecContext(e.Ctx, `INSERT INTO room_events (tenant_id, session_id, viewer_id, kind, text, amount, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.Owner.TenantID, sessionID, viewerID, ev[0], ev[1], ev[2], at+int64(i+1)*1000); err != nil {
			e.T.Fatal(err)
		}
	}
}

// The timeline shows everything the person did under all their viewer accounts —
// entries with channel and watch time, comments, gifts, orders, reservations — newest
// first, and pages through it without repeating or skipping an item.
func TestTimeline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		link := e.entry(e.session, "official_account")
		v1 := e.viewer(e.session, "小美", link.Code)
		e.join(v1)
		e.roomWrites(e.session, v1.ID, link.ID, 15*time.Minute, [3]any{"comment", "好看！", 0}, [3]any{"gift", "玫瑰", 100},
			[3]any{"share", "", 0})
		e.Clock.Add(time.Hour)
		o := e.buy(v1, "口红", 9900, 1)
		next := e.newSession("下周专场")
		if _, _, err := e.live.Reserve(e.Ctx, v1, next); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Hour)
		s2 := e.startSession("第二场")
		v2 := e.viewer(s2, "小美手机")
		e.verify(v1, "13800001111")
		e.verify(v2, "13800001111")
		e.roomWrites(s2, v2.ID, 0, 3*time.Minute, [3]any{"comment", "又来了", 0})
		e.flush()

		c := e.of(v1)
		if c.ID != e.of(v2).ID {
			t.Fatal("viewers not merged by phone")
		}
		var all []crm.TimelineItem
		cursor := ""
		for range 20 {
			page, err := e.CRM.Timeline(e.Ctx, e.host, c.ID, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var kinds []string
		for i, it := range all {
			kinds = append(kinds, it.Kind)
			if i > 0 && it.At.After(all[i-1].At) {
				t.Errorf("item %d (%s at %v) is newer than the one before", i, it.Kind, it.At)
			}
		}
		want := map[string]int{crm.ItemEntry: 2, crm.ItemComment: 2, crm.ItemGift: 1, crm.ItemShare: 1, crm.ItemOrder: 1, crm.ItemReservation: 1}
		got := map[string]int{}
		for _, k := range kinds {
			got[k]++
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("timeline has %d %s items, want %d (all: %v)", got[k], k, n, kinds)
			}
		}
		if len(all) != 8 {
			t.Fatalf("timeline has %d items, want 8: %v", len(all), kinds)
		}
		if all[0].Kind != crm.ItemComment || all[0].Text != "又来了" || all[0].SessionTitle != "第二场" {
			t.Errorf("newest item: %+v", all[0])
		}
		for _, it := range all {
			switch {
			case it.Kind == crm.ItemEntry && it.SessionID == e.session && (it.Channel != "official_account" || it.WatchMS != (15*time.Minute).Milliseconds()):
				t.Errorf("first entry: %+v", it)
			case it.Kind == crm.ItemOrder && (it.OrderID != o.ID || it.AmountFen != 9900 || it.Status != "paid"):
				t.Errorf("order item: %+v", it)
			case it.Kind == crm.ItemGift && (it.Text != "玫瑰" || it.AmountFen != 100):
				t.Errorf("gift item: %+v", it)
			case it.Kind == crm.ItemReservation && (it.SessionID != next || it.SessionTitle != "下周专场"):
				t.Errorf("reservation item: %+v", it)
			}
		}
		_, err := e.CRM.Timeline(e.Ctx, e.host, c.ID, "garbage", 2)
		crmtest.Code(t, err, siyu.EINVALID, "cursor")
	})
}
