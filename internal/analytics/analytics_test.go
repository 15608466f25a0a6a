package analytics_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
	"github.com/siyu-live/siyu/internal/testkit"
)

// brand is a tenant with its owner and one session.
type brand struct {
	owner   org.Principal
	session int64
}

func newBrand(t *testing.T, store *db.DB, status string, started, ended time.Time) brand {
	t.Helper()
	ctx := context.Background()
	res, err := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}}).Signup(ctx,
		org.SignupInput{Name: "Analytics Brand", OwnerEmail: "owner@analytics.test", OwnerPassword: "password-123"})
	if err != nil {
		t.Fatal(err)
	}
	var endMs int64
	if !ended.IsZero() {
		endMs = ended.UnixMilli()
	}
	id, err := db.Insert(ctx, store, `INSERT INTO live_sessions (tenant_id, host_id, title, status, started_at, ended_at, created_at, updated_at)
		VALUES (?, ?, '测试场', ?, ?, ?, ?, ?)`, res.Tenant.ID, res.User.ID, status, started.UnixMilli(), endMs, started.UnixMilli(), started.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	return brand{owner: org.Principal{TenantID: res.Tenant.ID, UserID: res.User.ID, Role: org.RoleOwner}, session: id}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// When entries collapse during a live show, one traffic alert is stored however often
// it is checked, and the studio reads it, worded, from the dashboard.
func TestTrafficDropAlertsTheHostOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 8, 12, 20, 0, 0, time.UTC)
		clock := testkit.NewClock(now)
		b := newBrand(t, store, "live", now.Add(-20*time.Minute), time.Time{})
		svc := analytics.NewService(store, analytics.Options{Now: clock.Now, Logger: quiet(), AlertEvery: 20 * time.Millisecond})
		// The node counts the show from its start (as a node that was up all along).
		clock.Set(now.Add(-20 * time.Minute))
		for m := range 20 {
			joins := 30
			if m >= 15 {
				joins = 2
			}
			at := now.Add(time.Duration(m-20) * time.Minute).UnixMilli()
			for range joins {
				svc.Record(eventlog.Event{TenantID: b.owner.TenantID, SessionID: b.session, At: at, Kind: eventlog.KindJoin, ViewerID: 1, Amount: 1})
			}
		}
		clock.Set(now)
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer svc.Stop()
		var d dashboard.Dashboard
		deadline := time.Now().Add(10 * time.Second)
		for {
			var err error
			clock.Add(1100 * time.Millisecond) // past the dashboard's one-second cache, within one slot
			if d, err = svc.Dashboard(ctx, b.owner, b.session); err != nil {
				t.Fatal(err)
			}
			if len(d.Alerts) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(d.Alerts) != 1 {
			t.Fatalf("alerts %+v, want one", d.Alerts)
		}
		a := d.Alerts[0]
		if a.Kind != dashboard.AlertTraffic || a.Previous != 150 || a.Current != 10 || a.Message == "" {
			t.Fatalf("alert %+v", a)
		}
		time.Sleep(100 * time.Millisecond) // more checks of the same drop
		var n int
		if err := store.GetContext(ctx, &n, `SELECT COUNT(*) FROM analytics_alerts WHERE tenant_id = ?`, b.owner.TenantID); err != nil || n != 1 {
			t.Fatalf("%d alerts stored (%v), want 1", n, err)
		}
		if d.Window.Current.Joins != 10 || d.Window.Previous.Joins != 150 || !d.Window.Complete {
			t.Errorf("window %+v", d.Window)
		}
	})
}

// The rooms' committed activity becomes events; Stop writes what is buffered, and the
// report reads it back.
func TestRoomActivityIsLoggedAndStopWritesIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 8, 13, 0, 0, 0, time.UTC)
		b := newBrand(t, store, "ended", now.Add(-time.Hour), now)
		svc := analytics.NewService(store, analytics.Options{Now: func() time.Time { return now.Add(time.Hour) }, Logger: quiet()})
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		svc.OnActivity(room.Activity{TenantID: b.owner.TenantID, SessionID: b.session, Viewers: []room.ViewerActivity{
			{ViewerID: 7, EntryLinkID: 3, Joins: 1, FirstJoin: true, WatchMs: 120_000, Likes: 4, Comments: 2, GiftFen: 500, Gifts: 1,
				Shares: 1, LastSeen: now.Add(-30 * time.Minute).UnixMilli()}}})
		svc.Stop()
		kinds := map[eventlog.Kind]eventlog.Event{}
		if _, err := eventlog.Scan(ctx, store, b.owner.TenantID, b.session, 0, func(evs []eventlog.Event) error {
			for _, e := range evs {
				kinds[e.Kind] = e
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(kinds) != 6 || kinds[eventlog.KindJoin].Aux != 1 || kinds[eventlog.KindJoin].EntryLinkID != 3 ||
			kinds[eventlog.KindWatch].Amount != 120_000 || kinds[eventlog.KindGift].Amount != 500 || kinds[eventlog.KindLike].Amount != 4 {
			t.Fatalf("logged events %+v", kinds)
		}
		r, err := svc.Report(ctx, b.owner, b.session, false)
		if err != nil {
			t.Fatal(err)
		}
		if r.Events != 6 || r.Engagement.Gifts != 1 || r.Viewing.Retention[29].Viewers != 1 || r.Viewing.Retention[31].Viewers != 0 {
			t.Fatalf("report: events %d, gifts %d, retention %+v", r.Events, r.Engagement.Gifts, r.Viewing.Retention[27:32])
		}
	})
}

// A stored report is answered as long as nothing it was made from changed; a new order
// of the session makes the next read recompute it.
func TestStoredReportIsReusedUntilOrdersChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		ended := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC)
		clock := testkit.NewClock(ended.Add(time.Minute))
		b := newBrand(t, store, "ended", ended.Add(-time.Hour), ended)
		svc := analytics.NewService(store, analytics.Options{Now: clock.Now, Logger: quiet()})
		first, err := svc.Report(ctx, b.owner, b.session, false)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Minute)
		again, err := svc.Report(ctx, b.owner, b.session, false)
		if err != nil || !again.ComputedAt.Equal(first.ComputedAt) {
			t.Fatalf("unchanged session recomputed: %v → %v (%v)", first.ComputedAt, again.ComputedAt, err)
		}
		if _, err := store.ExecContext(ctx, `INSERT INTO orders (tenant_id, session_id, viewer_id, status, total_fen, source, created_at, updated_at)
			VALUES (?, ?, 1, 'created', 990, 'showcase', ?, ?)`, b.owner.TenantID, b.session, clock.Now().UnixMilli(), clock.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		fresh, err := svc.Report(ctx, b.owner, b.session, false)
		if err != nil || fresh.Orders != 1 || fresh.GMV != 990 || !fresh.ComputedAt.After(first.ComputedAt) {
			t.Fatalf("after an order: %d orders, %d GMV, computed %v (%v)", fresh.Orders, fresh.GMV, fresh.ComputedAt, err)
		}
		host := b.owner
		host.Role = org.RoleAgent
		if _, err := svc.Report(ctx, host, b.session, false); err == nil {
			t.Fatal("an agent (no analytics.view) read the report")
		}
	})
}
