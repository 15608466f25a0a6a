package live_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
)

func TestReservationsAreIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		now := e.session("now")
		next := e.session("next show")
		vc := e.viewer(now.ID, "预约者")
		v, _ := e.svc.AuthenticateViewer(e.ctx, vc.Token)

		// A viewer reserves the brand's next show, not only the session joined.
		r1, st1, err := e.svc.Reserve(e.ctx, v, next.ID)
		r2, st2, err2 := e.svc.Reserve(e.ctx, v, next.ID)
		if err != nil || err2 != nil || st1 != http.StatusCreated || st2 != http.StatusOK || r1.ID != r2.ID || r1.ViewerID != v.ID {
			t.Fatalf("reserve twice: %+v %d %v / %+v %d %v", r1, st1, err, r2, st2, err2)
		}
		list, err := e.svc.ListReservations(e.ctx, e.owner, next.ID, 0, 50)
		if err != nil || list.Count != 1 || len(list.Items) != 1 || list.Items[0].Nickname != "预约者" {
			t.Fatalf("list: %+v %v", list, err)
		}
		p, err := e.svc.Preview(e.ctx, next.ID)
		if err != nil || p.Reservations != 1 || p.Title != "next show" || p.Brand != "Live Brand" || p.HostName != "host 名" {
			t.Fatalf("preview: %+v %v", p, err)
		}
		if err := e.svc.CancelReservation(e.ctx, v, next.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CancelReservation(e.ctx, v, next.ID); err != nil {
			t.Fatalf("cancel twice: %v", err)
		}
		if list, _ := e.svc.ListReservations(e.ctx, e.owner, next.ID, 0, 50); list.Count != 0 {
			t.Fatalf("after cancel: %+v", list)
		}
		if got := e.events.List(); got != "live.reserved" {
			t.Fatalf("webhooks %q: one per new reservation", got)
		}

		// Another brand's session does not exist for this viewer.
		owner2, _ := e.signup("Other")
		host2 := e.staff(owner2, "host2", "host")
		foreign, err := e.svc.Create(e.ctx, host2, live.CreateInput{Title: "foreign"})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.Reserve(e.ctx, v, foreign.ID)
		code(t, "reserve another brand's session", err, siyu.ENOTFOUND)
		code(t, "cancel another brand's", e.svc.CancelReservation(e.ctx, v, foreign.ID), siyu.ENOTFOUND)

		// Only upcoming sessions take reservations.
		e.live2(now.ID)
		_, _, err = e.svc.Reserve(e.ctx, v, now.ID)
		code(t, "reserve a live session", err, siyu.ECONFLICT)
	})
}

// TestRemindersExactlyOnce: starting a session queues one durable job that reminds each
// reserver once, whether the job runs, is run again, is retried by hand, or runs only
// after the node restarted.
func TestRemindersExactlyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("提醒测试")
		var viewers []live.Viewer
		for i := range 5 {
			v, _ := e.svc.AuthenticateViewer(e.ctx, e.viewer(s.ID, "fan"+itoa(int64(i))).Token)
			if _, _, err := e.svc.Reserve(e.ctx, v, s.ID); err != nil {
				t.Fatal(err)
			}
			viewers = append(viewers, v)
		}
		// A viewer who cancelled gets nothing.
		if err := e.svc.CancelReservation(e.ctx, viewers[4], s.ID); err != nil {
			t.Fatal(err)
		}
		e.live2(s.ID)

		// "Restart" before the job ran: a new service and queue on the same store.
		svc2, q2 := e.build()
		if n, err := q2.RunDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("run due after restart: %d %v", n, err)
		}
		if n, _ := q2.RunDue(e.ctx); n != 0 {
			t.Fatalf("the reminder job ran %d more times", n)
		}
		if n, _ := e.queue.RunDue(e.ctx); n != 0 {
			t.Fatalf("the old queue ran the job again: %d", n)
		}
		// A retried handler (or a crash mid-way and a lease expiry) sends nothing twice.
		if sent, err := svc2.RemindReservers(e.ctx, e.owner.TenantID, s.ID); err != nil || sent != 0 {
			t.Fatalf("second run sent %d: %v", sent, err)
		}
		svc3, q3 := e.build()
		if sent, _ := svc3.RemindReservers(e.ctx, e.owner.TenantID, s.ID); sent != 0 {
			t.Fatalf("third node sent %d", sent)
		}
		if n, _ := q3.RunDue(e.ctx); n != 0 {
			t.Fatalf("third queue ran %d", n)
		}
		for i, v := range viewers {
			inbox, _, err := e.svc.Notifications(e.ctx, v, 0, 50)
			want := 1
			if i == 4 {
				want = 0
			}
			if err != nil || len(inbox) != want {
				t.Fatalf("viewer %d has %d notifications, want %d (%v)", i, len(inbox), want, err)
			}
			if want == 1 && (inbox[0].Kind != "live_reminder" || inbox[0].Link != s.EntryURL || inbox[0].Read) {
				t.Fatalf("reminder %+v", inbox[0])
			}
		}
		list, _ := e.svc.ListReservations(e.ctx, e.owner, s.ID, 0, 50)
		for _, r := range list.Items {
			if r.RemindedAt.IsZero() {
				t.Fatalf("reservation %d has no reminded_at", r.ID)
			}
		}
		var jobsDone int
		_ = store.GetContext(e.ctx, &jobsDone, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = ?`, live.RemindJobKind, jobs.StatusDone)
		if jobsDone != 1 {
			t.Fatalf("%d reminder jobs done, want 1", jobsDone)
		}
		inbox, _, _ := e.svc.Notifications(e.ctx, viewers[0], 0, 50)
		n, err := e.svc.MarkNotificationRead(e.ctx, viewers[0], inbox[0].ID)
		if err != nil || !n.Read {
			t.Fatalf("mark read: %+v %v", n, err)
		}
		_, err = e.svc.MarkNotificationRead(e.ctx, viewers[1], inbox[0].ID)
		code(t, "another viewer's notification", err, siyu.ENOTFOUND)
	})
}

// TestRemindersInBatches covers more reservers than one transaction handles.
func TestRemindersInBatches(t *testing.T) {
	t.Parallel()
	store := dbtest.SQLite(t)
	e := newEnv(t, store)
	s := e.session("big show")
	err := store.Tx(e.ctx, func(tx *db.Tx) error {
		for i := range 450 {
			vid, err := db.Insert(e.ctx, tx, `INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, created_at)
				VALUES (?, ?, ?, ?, 1)`, e.owner.TenantID, s.ID, "v", "hash"+itoa(int64(i)))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(e.ctx, `INSERT INTO reservations (tenant_id, session_id, viewer_id, created_at)
				VALUES (?, ?, ?, 1)`, e.owner.TenantID, s.ID, vid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Minute)
	e.live2(s.ID)
	if n, err := e.queue.RunDue(e.ctx); err != nil || n != 1 {
		t.Fatalf("run: %d %v", n, err)
	}
	var sent int
	_ = store.GetContext(e.ctx, &sent, `SELECT COUNT(*) FROM notifications WHERE kind = 'live_reminder'`)
	if sent != 450 {
		t.Fatalf("%d reminders, want 450", sent)
	}
}
