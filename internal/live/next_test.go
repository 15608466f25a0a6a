package live_test

import (
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
)

// onlineCounts is a fake room engine: viewers online per session.
type onlineCounts map[int64]int

func (o onlineCounts) Online(id int64) int { return o[id] }

func (e *env) scheduled(title string, in time.Duration) live.Session {
	e.t.Helper()
	s, err := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: title, ScheduledAt: e.clock.Now().Add(in).Format(time.RFC3339)})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func nextID(n *live.NextSession) int64 {
	if n == nil {
		return 0
	}
	return n.ID
}

// TestNextShowAndReservations: a session names its brand's soonest scheduled session
// other than itself (never another brand's, never a stale schedule) and counts its
// reservations, in get, list and the public preview; an ended preview carries the
// final public figures.
func TestNextShowAndReservations(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		cur := e.live("今晚")
		later := e.scheduled("周末专场", 72*time.Hour)
		soon := e.scheduled("明晚新品", 24*time.Hour)
		late := e.scheduled("迟到的预告", 30*time.Minute)
		ownerB, _ := e.signup("Brand B")
		if _, err := e.svc.Create(e.ctx, ownerB, live.CreateInput{Title: "别家", ScheduledAt: e.clock.Now().Add(time.Minute).Format(time.RFC3339)}); err != nil {
			t.Fatal(err)
		}
		// 30 minutes late is still next; two hours late is stale.
		e.clock.Add(time.Hour)
		got, err := e.svc.Get(e.ctx, e.owner, cur.ID)
		if err != nil || nextID(got.NextSession) != late.ID || got.NextSession.Title != "迟到的预告" || got.NextSession.HostName != "host 名" ||
			got.NextSession.PreviewURL != "https://live.example.cn/live/s/"+itoa(late.ID)+"/preview" {
			t.Fatalf("next of the live session: %+v %v", got.NextSession, err)
		}
		e.clock.Add(time.Hour)
		if got, _ = e.svc.Get(e.ctx, e.owner, cur.ID); nextID(got.NextSession) != soon.ID || !got.NextSession.ScheduledAt.Equal(soon.ScheduledAt) {
			t.Fatalf("a stale schedule is not next: %+v", got.NextSession)
		}
		if got, _ = e.svc.Get(e.ctx, e.owner, soon.ID); nextID(got.NextSession) != later.ID {
			t.Fatalf("the next show's own next: %+v", got.NextSession)
		}

		for i := range 3 {
			v, _ := e.svc.AuthenticateViewer(e.ctx, e.viewer(cur.ID, "r"+itoa(int64(i))).Token)
			if _, _, err := e.svc.Reserve(e.ctx, v, soon.ID); err != nil {
				t.Fatal(err)
			}
		}
		list, _, err := e.svc.List(e.ctx, e.owner, "", 0, 50)
		if err != nil || len(list) != 4 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		for _, s := range list {
			wantRes, wantNext := 0, soon.ID
			switch s.ID {
			case soon.ID:
				wantRes, wantNext = 3, later.ID
			case late.ID:
				wantNext = soon.ID
			}
			if s.Reservations != wantRes || nextID(s.NextSession) != wantNext {
				t.Fatalf("list row %q: reservations %d next %d, want %d and %d", s.Title, s.Reservations, nextID(s.NextSession), wantRes, wantNext)
			}
		}

		p, err := e.svc.Preview(e.ctx, cur.ID)
		if err != nil || p.FinalStats != nil || nextID(p.NextSession) != soon.ID {
			t.Fatalf("preview while live: %+v %v", p, err)
		}
		if _, err := store.ExecContext(e.ctx, `UPDATE live_sessions SET viewers = 12, likes = 345, peak_online = 9, comments = 6 WHERE id = ?`, cur.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.End(e.ctx, e.host, cur.ID); err != nil {
			t.Fatal(err)
		}
		p, _ = e.svc.Preview(e.ctx, cur.ID)
		if p.FinalStats == nil || *p.FinalStats != (live.PublicStats{Viewers: 12, Likes: 345, PeakOnline: 9}) || nextID(p.NextSession) != soon.ID {
			t.Fatalf("preview once ended: %+v next %+v", p.FinalStats, p.NextSession)
		}
		if p, _ = e.svc.Preview(e.ctx, soon.ID); p.Reservations != 3 || nextID(p.NextSession) != later.ID {
			t.Fatalf("preview of the next show: %+v", p)
		}
	})
}

// TestOnlineInListings: rankings and discovery show how many are in each live room,
// as the room engine counts them, and 0 for rooms that are not live.
func TestOnlineInListings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		on, off := e.live("直播中"), e.live("已结束")
		if _, err := e.svc.End(e.ctx, e.host, off.ID); err != nil {
			t.Fatal(err)
		}
		up := e.scheduled("预告", 24*time.Hour)
		e.svc.SetOnlineCounter(onlineCounts{on.ID: 42, off.ID: 7, up.ID: 3})
		for _, s := range []live.Session{on, off} {
			e.popularity(s, e.owner.TenantID, e.clock.Now(), live.Popularity{Viewers: 1})
		}
		d, err := e.svc.Discover(e.ctx, 10)
		if err != nil || len(d.Live) != 1 || d.Live[0].Online != 42 || len(d.Upcoming) != 1 || d.Upcoming[0].Online != 0 {
			t.Fatalf("discover: %+v %v", d, err)
		}
		r, err := e.svc.Rankings(e.ctx, "hour", time.Time{}, 10)
		if err != nil || len(r.Items) != 2 {
			t.Fatalf("rankings: %+v %v", r, err)
		}
		for _, it := range r.Items {
			if want := map[int64]int{on.ID: 42, off.ID: 0}[it.SessionID]; it.Online != want {
				t.Fatalf("ranked %q online %d, want %d", it.Title, it.Online, want)
			}
		}
	})
}
