package live_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// popularity writes one live_popularity row as the room engine would.
func (e *env) popularity(s live.Session, tenantID int64, at time.Time, p live.Popularity) {
	e.t.Helper()
	_, err := e.store.ExecContext(e.ctx, `INSERT INTO live_popularity (tenant_id, session_id, hour, viewers, comments, likes,
		shares, follows, gift_value, orders) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, s.ID, live.HourOf(at),
		p.Viewers, p.Comments, p.Likes, p.Shares, p.Follows, p.GiftValue, p.Orders)
	if err != nil {
		e.t.Fatal(err)
	}
}

func order(items []live.Ranked) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.SessionID)
	}
	return out
}

func same(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestScore(t *testing.T) {
	t.Parallel()
	if s := live.Score(live.Popularity{Viewers: 1, Comments: 1, Likes: 1, Shares: 1, Follows: 1, GiftValue: 1, Orders: 1}); s != 73.2 {
		t.Fatalf("score of ones = %v, want 10+3+0.1+5+5+0.1+50 = 73.2", s)
	}
	if s := live.Score(live.Popularity{GiftValue: 52000}); s != 5200 {
		t.Fatalf("a 520-yuan gift scores %v, want 5200 (as 520 viewers)", s)
	}
}

func TestRankingsAndDiscovery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store) // now: Wednesday 2030-03-06 20:00 in Shanghai
		now := e.clock.Now()
		tid := e.owner.TenantID
		s1, s2, s3 := e.live("s1"), e.live("s2"), e.live("s3")
		if _, err := e.svc.End(e.ctx, e.host, s3.ID); err != nil {
			t.Fatal(err)
		}
		draft := e.session("draft")
		ownerB, _ := e.signup("Brand B")
		hostB := e.staff(ownerB, "hb", org.RoleHost)
		s4, _ := e.svc.Create(e.ctx, hostB, live.CreateInput{Title: "s4"})
		s4, _ = e.svc.Start(e.ctx, hostB, s4.ID)

		e.popularity(s1, tid, now, live.Popularity{Viewers: 10})                 // 100
		e.popularity(s2, tid, now, live.Popularity{Viewers: 5, Likes: 100})      // 60
		e.popularity(s4, ownerB.TenantID, now, live.Popularity{GiftValue: 2000}) // 200
		e.popularity(draft, tid, now, live.Popularity{Viewers: 1000})            // drafts never rank
		monday := time.Date(2030, 3, 4, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
		e.popularity(s3, tid, monday, live.Popularity{Viewers: 100}) // 1000, this week
		sunday := time.Date(2030, 3, 3, 23, 0, 0, 0, time.FixedZone("CST", 8*3600))
		e.popularity(s2, tid, sunday, live.Popularity{Viewers: 1000}) // last week

		hour, err := e.svc.Rankings(e.ctx, "hour", time.Time{}, 10)
		if err != nil || !same(order(hour.Items), []int64{s4.ID, s1.ID, s2.ID}) || hour.Items[0].Score != 200 || hour.Items[0].Rank != 1 ||
			hour.Items[0].Brand != "Brand B" || hour.Items[0].HostName != "hb 名" || !hour.From.Equal(now.Truncate(time.Hour)) {
			t.Fatalf("hourly: %+v %v", hour, err)
		}
		week, _ := e.svc.Rankings(e.ctx, "week", time.Time{}, 10)
		if !same(order(week.Items), []int64{s3.ID, s4.ID, s1.ID, s2.ID}) || week.Items[3].Score != 60 ||
			!week.From.Equal(time.Date(2030, 3, 3, 16, 0, 0, 0, time.UTC)) {
			t.Fatalf("weekly: %v from %v", order(week.Items), week.From)
		}
		last, _ := e.svc.Rankings(e.ctx, "week", sunday, 10)
		if !same(order(last.Items), []int64{s2.ID}) || last.Items[0].Score != 10000 {
			t.Fatalf("last week: %+v", last.Items)
		}
		past, _ := e.svc.Rankings(e.ctx, "hour", sunday.Add(30*time.Minute), 10)
		if !same(order(past.Items), []int64{s2.ID}) {
			t.Fatalf("the hour of Sunday 23:00: %v", order(past.Items))
		}
		// An hour later the current hour is empty; the week is not.
		e.clock.Add(time.Hour)
		if h, _ := e.svc.Rankings(e.ctx, "hour", time.Time{}, 10); len(h.Items) != 0 {
			t.Fatalf("next hour: %v", order(h.Items))
		}
		_, err = e.svc.Rankings(e.ctx, "day", time.Time{}, 10)
		code(t, "bad period", err, siyu.EINVALID, "period")

		// Featured: each brand's weekly top N (brand A promotes only its top 1).
		if _, err := e.org.UpdateSettings(e.ctx, e.owner, map[string]json.RawMessage{"weekly_top_n": json.RawMessage("1")}); err != nil {
			t.Fatal(err)
		}
		week, _ = e.svc.Rankings(e.ctx, "week", time.Time{}, 10)
		feat := map[int64]bool{}
		for _, it := range week.Items {
			feat[it.SessionID] = it.Featured
		}
		if !feat[s3.ID] || !feat[s4.ID] || feat[s1.ID] || feat[s2.ID] {
			t.Fatalf("featured %v", feat)
		}

		// Discovery: live sessions by this hour's score, upcoming by reservations.
		e.clock.Add(-time.Hour)
		u1, _ := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: "u1", ScheduledAt: now.Add(48 * time.Hour).Format(time.RFC3339)})
		u2, _ := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: "u2", ScheduledAt: now.Add(2 * time.Hour).Format(time.RFC3339)})
		stale, _ := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: "stale", ScheduledAt: now.Add(time.Hour).Format(time.RFC3339)})
		_, _ = store.ExecContext(e.ctx, `UPDATE live_sessions SET scheduled_at = ? WHERE id = ?`, now.Add(-25*time.Hour).UnixMilli(), stale.ID)
		for i := range 2 {
			v, _ := e.svc.AuthenticateViewer(e.ctx, e.viewer(s1.ID, "r"+itoa(int64(i))).Token)
			if _, _, err := e.svc.Reserve(e.ctx, v, u1.ID); err != nil {
				t.Fatal(err)
			}
		}
		d, err := e.svc.Discover(e.ctx, 50)
		if err != nil || !same(order(d.Live), []int64{s4.ID, s1.ID, s2.ID}) || !same(order(d.Upcoming), []int64{u1.ID, u2.ID}) {
			t.Fatalf("discover: live %v upcoming %v %v", order(d.Live), order(d.Upcoming), err)
		}
		if d.Upcoming[0].Reservations != 2 || d.Upcoming[0].ScheduledAt.IsZero() || !d.Live[0].Featured || d.Live[1].Featured {
			t.Fatalf("discover details: %+v", d)
		}
	})
}
