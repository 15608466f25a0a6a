package broadcast_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
)

// communities is a fixed community membership of the tenant that owns it.
type communities struct {
	tenantID int64
	members  map[int64][]int64
}

func (c *communities) MemberCustomerIDs(_ context.Context, tenantID, id int64) ([]int64, error) {
	m, ok := c.members[id]
	if !ok || tenantID != c.tenantID {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "community %d not found", id)
	}
	return m, nil
}

// TestWebhookEveryoneOnceThroughFailuresAndCrashes: 60 customers of a segment and a
// community go to the brand's webhook, signed, in batches, across hand-overs between
// job runs; the receiver is down at first (the send retries without losing anyone), a
// crash between a POST and its record hands those messages over again with the same
// dedupe keys, and in the end the receiver holds every recipient exactly once.
func TestWebhookEveryoneOnceThroughFailuresAndCrashes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		comm := &communities{members: map[int64][]int64{}}
		e := newEnv(t, store, func(o *broadcast.Options) {
			o.Communities = comm
			o.Batch, o.WebhookBatch, o.WebhookParallel = 10, 4, 2
			o.Slice = time.Nanosecond // every run sends one round, then hands over
		})
		comm.tenantID = e.Owner.TenantID
		rc := e.receiver(e.Owner)
		next := e.session(e.Owner, "周五直播", e.Clock.Now().Add(56*time.Hour))
		var ids []int64
		for i := range 60 {
			tags := []string{"vip"}
			if i%2 == 0 {
				tags = nil
			}
			ids = append(ids, e.customer(e.Owner, fmt.Sprintf("客户%02d", i), fmt.Sprintf("139%08d", i), tags...))
		}
		nophone := e.customer(e.Owner, "没手机", "", "vip")
		comm.members[7] = append(append([]int64{}, ids...), nophone) // everyone; half are also VIP
		vip := e.segment(e.Owner, "VIP", "tag:vip")
		b, err := e.svc.Create(e.Ctx, e.agent, broadcast.Input{Name: "群发", SessionID: next.ID, Channels: []string{"webhook"},
			Audiences: []broadcast.Audience{seg(vip, "VIP {name} {live_link}"),
				{Kind: broadcast.AudienceCommunity, ID: 7, Text: "群友 {name} {live_link}"}}})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := e.svc.PreviewSaved(e.Ctx, e.agent, b.ID)
		if err != nil || pv.Recipients != 61 || pv.Audiences[0].Recipients != 31 || pv.Audiences[1].Recipients != 30 {
			t.Fatalf("preview %+v %v", pv, err)
		}

		rc.mu.Lock()
		rc.fail = 3
		rc.mu.Unlock()
		if _, err := e.svc.SendNow(e.Ctx, e.agent, b.ID); err != nil {
			t.Fatal(err)
		}
		for range 40 {
			e.run()
			e.Clock.Add(time.Minute) // past the retry delay of a failed run
		}
		got := e.get(b.ID)
		want := broadcast.Counts{Recipients: 61, Delivered: 60, Unreachable: 1}
		if got.Status != broadcast.StatusSent || got.Counts != want {
			t.Fatalf("status %s counts %+v, want sent %+v (last error %q)", got.Status, got.Counts, want, got.LastError)
		}
		msgs, dups, bad := rc.snapshot()
		if len(msgs) != 60 || dups != 0 || bad != 0 {
			t.Fatalf("receiver has %d messages, %d repeats, %d bad signatures", len(msgs), dups, bad)
		}
		var vipMsgs int
		for _, m := range msgs {
			if m.Phone == "" || m.CustomerID == 0 || !strings.Contains(m.Body, m.Name) || !strings.HasPrefix(m.ImageURL, publicURL+"/r/") ||
				!strings.HasSuffix(m.ImageURL, "/poster.png") {
				t.Fatalf("message %+v", m)
			}
			if strings.HasPrefix(m.Body, "VIP ") {
				vipMsgs++
			}
		}
		if vipMsgs != 30 {
			t.Fatalf("%d VIP messages, want 30 (the VIP customers, from the first audience)", vipMsgs)
		}
		rs := e.recipients(b.ID)
		if r := rs[nophone]; r.Status != broadcast.RecipientUnreachable || !strings.Contains(r.Reason, "no phone") {
			t.Fatalf("the customer without a phone: %+v", r)
		}

		// A crash after POSTing and before recording: five recipients are pending again
		// (and the expansion never finished). The resumed send records nobody twice and
		// hands exactly those five over again, under the same dedupe keys.
		if _, err := store.ExecContext(e.Ctx, `UPDATE broadcast_recipients SET status = 'pending' WHERE broadcast_id = ? AND id IN
			(SELECT id FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'delivered' ORDER BY id LIMIT 5)`, b.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.ExecContext(e.Ctx, `UPDATE broadcasts SET status = 'sending', expanded_at = 0 WHERE id = ?`, b.ID); err != nil {
			t.Fatal(err)
		}
		var rev, part int64
		_ = store.QueryRowContext(e.Ctx, `SELECT send_rev, send_part FROM broadcasts WHERE id = ?`, b.ID).Scan(&rev, &part)
		if _, err := e.Queue.Enqueue(e.Ctx, nil, jobs.Job{TenantID: e.Owner.TenantID, Kind: broadcast.JobSend,
			Payload: []byte(fmt.Sprintf(`{"broadcast_id":%d,"rev":%d,"part":%d}`, b.ID, rev, part))}); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			e.run()
		}
		got = e.get(b.ID)
		if got.Status != broadcast.StatusSent || got.Counts != want {
			t.Fatalf("after the resumed send: %s %+v", got.Status, got.Counts)
		}
		msgs, dups, _ = rc.snapshot()
		if len(msgs) != 60 || dups != 5 {
			t.Fatalf("after the resumed send the receiver has %d messages and %d repeats, want 60 and 5", len(msgs), dups)
		}
	})
}

// TestWebhookGivesUpOnARecipientAfterRepeatedFailures: a receiver that never accepts
// leaves the recipients failed with its answer as the reason, and the broadcast ends.
func TestWebhookGivesUpOnARecipientAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t))
	rc := e.receiver(e.Owner)
	rc.fail = 1 << 30
	next := e.session(e.Owner, "周五", e.Clock.Now().Add(56*time.Hour))
	e.customer(e.Owner, "甲", "13900000001", "vip")
	vip := e.segment(e.Owner, "VIP", "tag:vip")
	b, err := e.svc.Create(e.Ctx, e.agent, broadcast.Input{Name: "x", SessionID: next.ID, Channels: []string{"webhook"},
		Audiences: []broadcast.Audience{seg(vip, "hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SendNow(e.Ctx, e.agent, b.ID); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		e.run()
		e.Clock.Add(time.Minute)
	}
	got := e.get(b.ID)
	if got.Status != broadcast.StatusSent || got.Counts.Failed != 1 {
		t.Fatalf("%s %+v", got.Status, got.Counts)
	}
	for _, r := range e.recipients(b.ID) {
		if !strings.Contains(r.Reason, "503") {
			t.Fatalf("reason %q does not give the receiver's answer", r.Reason)
		}
	}
}
