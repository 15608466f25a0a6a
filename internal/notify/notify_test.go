package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/notify"
)

// seed creates a tenant, a session and a viewer straight in SQL: notify sits below the
// live domain and must not need it to be tested.
func seed(t *testing.T, store *db.DB) (tenantID, viewerID int64) {
	t.Helper()
	ctx := context.Background()
	tid, err := db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES ('N', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	uid, err := db.Insert(ctx, store, `INSERT INTO users (tenant_id, email, password_hash, role, created_at) VALUES (?, ?, 'x', 'host', 1)`,
		tid, time.Now().Format("150405.000000")+"@n.io")
	if err != nil {
		t.Fatal(err)
	}
	sid, err := db.Insert(ctx, store, `INSERT INTO live_sessions (tenant_id, host_id, title, created_at, updated_at) VALUES (?, ?, 'S', 1, 1)`, tid, uid)
	if err != nil {
		t.Fatal(err)
	}
	vid, err := db.Insert(ctx, store, `INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, created_at) VALUES (?, ?, 'v', ?, 1)`,
		tid, sid, time.Now().String())
	if err != nil {
		t.Fatal(err)
	}
	return tid, vid
}

func TestChannelsDedupeAndList(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		clock := func() time.Time { return at }
		tid, vid := seed(t, store)
		var inApp, sms notify.Channel = notify.InApp{Now: clock}, notify.SandboxSMS{Now: clock}
		if inApp.Name() != "in_app" || sms.Name() != "sms" {
			t.Fatalf("channel names %q %q", inApp.Name(), sms.Name())
		}
		m := notify.Message{TenantID: tid, ViewerID: vid, Kind: "live_reminder", Title: "开播啦", Body: "b", DedupeKey: "remind:1:1"}
		for i, want := range []bool{true, false} {
			sent, err := inApp.Send(ctx, store, m)
			if err != nil || sent != want {
				t.Fatalf("send %d: sent=%v err=%v, want sent=%v", i, sent, err, want)
			}
		}
		// Inside a transaction too: the second send is a no-op, not an aborted tx.
		err := store.Tx(ctx, func(tx *db.Tx) error {
			if sent, err := inApp.Send(ctx, tx, m); err != nil || sent {
				t.Errorf("dedupe inside tx: sent=%v err=%v", sent, err)
			}
			_, err := inApp.Send(ctx, tx, notify.Message{TenantID: tid, ViewerID: vid, Kind: "other", Body: "no key"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Messages without a key are never deduplicated.
		for range 2 {
			if sent, err := sms.Send(ctx, store, notify.Message{TenantID: tid, ViewerID: vid, Phone: "13800138000", Kind: "phone_code", Body: "123456"}); err != nil || !sent {
				t.Fatalf("sms: sent=%v err=%v", sent, err)
			}
		}
		if _, err := sms.Send(ctx, store, notify.Message{TenantID: tid, Kind: "x"}); err == nil {
			t.Fatal("an SMS without a phone was sent")
		}
		if _, err := inApp.Send(ctx, store, notify.Message{TenantID: tid, Kind: "x"}); err == nil {
			t.Fatal("an in-app message without a viewer was sent")
		}

		inbox, next, err := notify.Inbox(ctx, store, tid, vid, 0, 1)
		if err != nil || len(inbox) != 1 || next == "" || inbox[0].Kind != "other" {
			t.Fatalf("inbox page 1: %+v next=%q err=%v", inbox, next, err)
		}
		all, _, _ := notify.Inbox(ctx, store, tid, vid, 0, 50)
		if len(all) != 2 || all[1].Title != "开播啦" || !all[1].CreatedAt.Equal(at) {
			t.Fatalf("inbox holds %+v, want the reminder and the other message (SMS excluded)", all)
		}
		if other, _, _ := notify.Inbox(ctx, store, tid+1000, vid, 0, 50); len(other) != 0 {
			t.Fatalf("another tenant sees the inbox: %+v", other)
		}
		outbox, _, err := notify.SMSOutbox(ctx, store, tid, "13800138000", 0, 50)
		if err != nil || len(outbox) != 2 || outbox[0].Body != "123456" {
			t.Fatalf("outbox: %+v %v", outbox, err)
		}

		n, err := notify.MarkRead(ctx, store, tid, vid, all[1].ID, at)
		if err != nil || !n.Read || !n.ReadAt.Equal(at) {
			t.Fatalf("mark read: %+v %v", n, err)
		}
		if _, err := notify.MarkRead(ctx, store, tid, vid+1, all[1].ID, at); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("another viewer marked it read: %v", err)
		}
		if _, err := notify.MarkRead(ctx, store, tid, vid, outbox[0].ID, at); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("an SMS was marked read through the in-app inbox: %v", err)
		}
	})
}
