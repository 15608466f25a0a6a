package live_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// broadcast runs one show of the host: start, on air for minutes, viewers as counted by
// the room, end.
func (e *env) broadcast(host org.Principal, minutes int, viewers int64) {
	e.t.Helper()
	s := e.session("show")
	if _, err := e.svc.Update(e.ctx, e.owner, s.ID, livePatchHost(host.UserID)); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Start(e.ctx, host, s.ID); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Add(time.Duration(minutes) * time.Minute)
	e.stats(s.ID, viewers)
	if _, err := e.svc.End(e.ctx, host, s.ID); err != nil {
		e.t.Fatal(err)
	}
}

func TestGoodsPermission(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		set := org.DefaultSettings()
		// Neither too short nor too small an audience counts.
		e.broadcast(e.host, set.GoodsPermissionMinutes-1, 500)
		e.broadcast(e.host, 90, int64(set.GoodsPermissionViewers-1))
		e.broadcast(e.host, set.GoodsPermissionMinutes, int64(set.GoodsPermissionViewers)) // exactly at the thresholds
		e.broadcast(e.host, 45, 300)
		r, err := e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID)
		if err != nil || r.GoodsPermission || r.QualifyingBroadcasts != 2 || r.RequiredBroadcasts != 3 || r.EndedBroadcasts != 4 {
			t.Fatalf("after 2 qualifying: %+v %v", r, err)
		}
		e.broadcast(e.host, 31, 101)
		r, _ = e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID)
		if !r.GoodsPermission || r.QualifyingBroadcasts != 3 || !r.GoodsPermissionAt.Equal(e.clock.Now()) {
			t.Fatalf("after 3 qualifying: %+v", r)
		}
		granted := r.GoodsPermissionAt
		e.clock.Add(time.Hour)
		e.broadcast(e.host, 60, 1000)
		if r, _ = e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID); !r.GoodsPermissionAt.Equal(granted) {
			t.Fatalf("goods permission granted again: %v", r.GoodsPermissionAt)
		}
		// Per-tenant thresholds: a brand asking for one broadcast grants after one.
		patch := map[string]json.RawMessage{"goods_permission_broadcasts": json.RawMessage("1")}
		if _, err := e.org.UpdateSettings(e.ctx, e.owner, patch); err != nil {
			t.Fatal(err)
		}
		other := e.staff(e.owner, "second-host", org.RoleHost)
		e.broadcast(other, 30, 100)
		if r, _ = e.svc.HostPrivileges(e.ctx, e.owner, other.UserID); !r.GoodsPermission {
			t.Fatalf("tenant setting ignored: %+v", r)
		}
		_, err = e.svc.HostPrivileges(e.ctx, e.owner, 99999)
		code(t, "unknown host", err, siyu.ENOTFOUND)
	})
}

func TestNewHostCredits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		// A first broadcast of 30 minutes grants 2000 credits, once.
		e.broadcast(e.host, 30, 1)
		r, _ := e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID)
		if r.ExposureCredits != 2000 || r.NewHostCreditsAt.IsZero() || r.FirstBroadcast == nil || !r.FirstBroadcast.Qualified ||
			r.FirstBroadcast.DurationSeconds != 1800 {
			t.Fatalf("after first broadcast: %+v", r)
		}
		e.broadcast(e.host, 120, 1)
		if r, _ = e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID); r.ExposureCredits != 2000 {
			t.Fatalf("credits granted twice: %+v", r)
		}
		// A short first broadcast forfeits the incentive, even if the next one is long.
		h2 := e.staff(e.owner, "short-start", org.RoleHost)
		e.broadcast(h2, 29, 1)
		e.broadcast(h2, 60, 1)
		r, _ = e.svc.HostPrivileges(e.ctx, e.owner, h2.UserID)
		if r.ExposureCredits != 0 || r.FirstBroadcast == nil || r.FirstBroadcast.Qualified || r.EndedBroadcasts != 2 {
			t.Fatalf("short first broadcast: %+v", r)
		}
		// Interrupted time does not count toward the 30 minutes.
		h3 := e.staff(e.owner, "interrupted", org.RoleHost)
		s := e.session("interrupted")
		_, _ = e.svc.Update(e.ctx, e.owner, s.ID, livePatchHost(h3.UserID))
		_, _ = e.svc.Start(e.ctx, h3, s.ID)
		e.clock.Add(20 * time.Minute)
		_, _ = e.svc.Interrupt(e.ctx, h3, s.ID)
		e.clock.Add(20 * time.Minute)
		_, _ = e.svc.Resume(e.ctx, h3, s.ID)
		e.clock.Add(5 * time.Minute)
		_, _ = e.svc.End(e.ctx, h3, s.ID)
		if r, _ = e.svc.HostPrivileges(e.ctx, e.owner, h3.UserID); r.ExposureCredits != 0 || r.FirstBroadcast.DurationSeconds != 25*60 {
			t.Fatalf("interrupted first broadcast: %+v", r)
		}
	})
}

func livePatchHost(id int64) live.SessionPatch { return live.SessionPatch{HostID: &id} }

// flusher plays the room engine: its counters reach the store only when flushed.
type flusher struct {
	store   *db.DB
	viewers int64
	calls   int
}

func (f *flusher) Flush(ctx context.Context, sessionID int64) error {
	f.calls++
	_, err := f.store.ExecContext(ctx, `UPDATE live_sessions SET viewers = ?, peak_online = ? WHERE id = ?`, f.viewers, f.viewers/2, sessionID)
	return err
}

// TestEndFlushesRoomStats: the rules see the room's latest counts, flushed before the
// ending transaction (on SQLite's single writer a flush inside it would deadlock).
func TestEndFlushesRoomStats(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		f := &flusher{store: store, viewers: 150}
		e.svc.SetStatsFlusher(f)
		s := e.live("flushed")
		e.clock.Add(40 * time.Minute)
		end, err := e.svc.End(e.ctx, e.host, s.ID)
		if err != nil || f.calls != 1 || end.Stats.Viewers != 150 || end.Stats.PeakOnline != 75 {
			t.Fatalf("end: %+v calls=%d %v", end.Stats, f.calls, err)
		}
		if r, _ := e.svc.HostPrivileges(e.ctx, e.owner, e.host.UserID); r.QualifyingBroadcasts != 1 {
			t.Fatalf("the flushed viewers did not count: %+v", r)
		}
	})
}
