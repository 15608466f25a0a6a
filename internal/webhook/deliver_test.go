package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/webhook"
)

func TestPublishDeliversSignedEvent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		e := newEnv(t, store, nil)
		rcv := newReceiver(t)
		ep := e.endpoint(t, rcv.URL+"/hooks", "staff.created")
		if err := store.Tx(ctx, func(tx *db.Tx) error {
			return e.svc.Publish(ctx, tx, e.tenant, "staff.created", map[string]any{"staff_id": 5, "name": "小王"})
		}); err != nil {
			t.Fatal(err)
		}
		if got := rcv.got(); len(got) != 0 {
			t.Fatalf("sent before the job ran: %d requests", len(got))
		}
		e.runDue(t, 1)
		got := rcv.got()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests, want 1", len(got))
		}
		req := got[0]
		ds := e.deliveries(t, ep.ID)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		d := ds[0]
		if d.Status != webhook.DeliveryDelivered || d.Attempts != 1 || d.LastStatusCode != 200 || d.LastError != "" {
			t.Fatalf("delivery %+v", d)
		}
		if req.Path != "/hooks" || req.Header.Get("Content-Type") != "application/json" ||
			req.Header.Get(webhook.EventHeader) != "staff.created" ||
			req.Header.Get(webhook.DeliveryHeader) != strconv.FormatInt(d.ID, 10) {
			t.Fatalf("request %s headers %v", req.Path, req.Header)
		}
		var body struct {
			ID        string          `json:"id"`
			Type      string          `json:"type"`
			CreatedAt string          `json:"created_at"`
			TenantID  int64           `json:"tenant_id"`
			Data      json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(body.ID, "evt_") || body.ID != d.EventID || body.Type != "staff.created" ||
			body.TenantID != e.tenant || body.CreatedAt != "2025-06-01T12:00:00Z" ||
			string(body.Data) != `{"name":"小王","staff_id":5}` {
			t.Fatalf("body %s", req.Body)
		}
		if !bytes.Equal(req.Body, d.Payload) {
			t.Fatalf("sent %s, stored %s", req.Body, d.Payload)
		}

		sig := req.Header.Get(webhook.SignatureHeader)
		now := e.clock.Now()
		if err := webhook.Verify(ep.Secret, sig, req.Body, now, 0); err != nil {
			t.Fatalf("Verify(%s): %v", sig, err)
		}
		if sig != webhook.Sign(ep.Secret, now.Unix(), req.Body) {
			t.Fatalf("signature %s is not Sign(secret, now, body)", sig)
		}
		tampered := bytes.Replace(req.Body, []byte(`"staff_id":5`), []byte(`"staff_id":6`), 1)
		if err := webhook.Verify(ep.Secret, sig, tampered, now, 0); !errors.Is(err, webhook.ErrSignatureMismatch) {
			t.Fatalf("tampered body: %v", err)
		}
		if err := webhook.Verify("whsec_wrong", sig, req.Body, now, 0); !errors.Is(err, webhook.ErrSignatureMismatch) {
			t.Fatalf("wrong secret: %v", err)
		}
		if err := webhook.Verify(ep.Secret, sig, req.Body, now.Add(10*time.Minute), 5*time.Minute); !errors.Is(err, webhook.ErrSignatureExpired) {
			t.Fatalf("old timestamp: %v", err)
		}
	})
}

func TestRetriesUntilDelivered(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		rcv := newReceiver(t, 500, 500, 200)
		ep := e.endpoint(t, rcv.URL, "*")
		e.publish(t, "staff.disabled", map[string]int{"staff_id": 3})

		e.runDue(t, 1)
		d := e.deliveries(t, ep.ID)[0]
		if d.Status != webhook.DeliveryPending || d.Attempts != 1 || d.LastStatusCode != 500 ||
			d.LastError != "HTTP 500: Internal Server Error" {
			t.Fatalf("after one failure: %+v", d)
		}
		e.clock.Add(webhook.RetryDelay(1) - time.Millisecond)
		e.runDue(t, 0) // the retry waits for its delay
		e.clock.Add(time.Millisecond)
		e.runDue(t, 1)
		e.clock.Add(webhook.RetryDelay(2))
		e.runDue(t, 1)
		d = e.deliveries(t, ep.ID)[0]
		if d.Status != webhook.DeliveryDelivered || d.Attempts != 3 || d.LastStatusCode != 200 || d.LastError != "" {
			t.Fatalf("after the third try: %+v", d)
		}
		got := rcv.got()
		if len(got) != 3 {
			t.Fatalf("receiver got %d requests, want 3", len(got))
		}
		for _, r := range got[1:] { // retries send the same event
			if !bytes.Equal(r.Body, got[0].Body) {
				t.Fatalf("retry body %s differs from %s", r.Body, got[0].Body)
			}
		}
		e.clock.Add(24 * time.Hour)
		e.runDue(t, 0)
	})
}

func TestAlwaysFailingEndsFailed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		rcv := newReceiver(t, 503)
		ep := e.endpoint(t, rcv.URL, "staff.created")
		e.publish(t, "staff.created", nil)
		for range webhook.MaxAttempts {
			e.runDue(t, 1)
			e.clock.Add(24 * time.Hour)
		}
		e.runDue(t, 0)
		d := e.deliveries(t, ep.ID)[0]
		if d.Status != webhook.DeliveryFailed || d.Attempts != webhook.MaxAttempts || d.LastStatusCode != 503 {
			t.Fatalf("delivery %+v", d)
		}
		if n := len(rcv.got()); n != webhook.MaxAttempts {
			t.Fatalf("receiver got %d requests, want %d", n, webhook.MaxAttempts)
		}
		stats, err := e.queue.Stats(context.Background())
		if err != nil || stats[jobs.StatusFailed] != 1 {
			t.Fatalf("job stats %v, %v", stats, err)
		}
	})
}

func TestFilteringAndInactive(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		e := newEnv(t, store, nil)
		rcv := newReceiver(t)
		created := e.endpoint(t, rcv.URL+"/created", "staff.created")
		all := e.endpoint(t, rcv.URL+"/all", "*")
		off := e.endpoint(t, rcv.URL+"/off", "*")
		if err := e.svc.SetActive(ctx, e.tenant, off.ID, false); err != nil {
			t.Fatal(err)
		}
		e.publish(t, "staff.created", nil)
		e.publish(t, "tenant.settings_updated", nil)
		if err := e.svc.Publish(ctx, nil, e.other, "staff.created", nil); err != nil {
			t.Fatal(err) // another tenant's event reaches none of these endpoints
		}
		e.runDue(t, 3)
		paths := map[string]int{}
		for _, r := range rcv.got() {
			paths[r.Path]++
		}
		if paths["/created"] != 1 || paths["/all"] != 2 || paths["/off"] != 0 || len(paths) != 2 {
			t.Fatalf("requests per path %v", paths)
		}
		if n := len(e.deliveries(t, created.ID)); n != 1 {
			t.Fatalf("%d deliveries for the filtered endpoint", n)
		}
		if n := len(e.deliveries(t, all.ID)); n != 2 {
			t.Fatalf("%d deliveries for the catch-all endpoint", n)
		}
		if n := len(e.deliveries(t, off.ID)); n != 0 {
			t.Fatalf("%d deliveries for the inactive endpoint", n)
		}

		// Disabled after publishing but before sending: not sent, marked failed.
		e.publish(t, "staff.created", nil)
		if err := e.svc.SetActive(ctx, e.tenant, created.ID, false); err != nil {
			t.Fatal(err)
		}
		e.runDue(t, 2)
		if d := e.deliveries(t, created.ID)[0]; d.Status != webhook.DeliveryFailed || d.LastError != "endpoint is disabled" {
			t.Fatalf("delivery to a disabled endpoint: %+v", d)
		}
		if paths := len(rcv.got()); paths != 4 {
			t.Fatalf("receiver got %d requests, want 4", paths)
		}

		err := e.svc.Publish(ctx, nil, e.tenant, "order.teleported", nil)
		if siyu.ErrorCode(err) != siyu.EINVALID {
			t.Fatalf("unknown event type: %v", err)
		}
		// A rolled-back transaction publishes nothing.
		boom := errors.New("rolled back")
		if err := store.Tx(ctx, func(tx *db.Tx) error {
			if err := e.svc.Publish(ctx, tx, e.tenant, "staff.created", nil); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		e.runDue(t, 0)
		if n := len(e.deliveries(t, all.ID)); n != 3 {
			t.Fatalf("%d deliveries after a rolled-back publish, want 3", n)
		}
	})
}

func TestRedeliverAndSendTest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		e := newEnv(t, store, nil)
		rcv := newReceiver(t)
		ep := e.endpoint(t, rcv.URL, "staff.created")
		e.publish(t, "staff.created", map[string]int{"staff_id": 1})
		d := e.deliveries(t, ep.ID)[0]
		if err := e.svc.Redeliver(ctx, e.tenant, d.ID); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("redeliver while queued: %v", err)
		}
		e.runDue(t, 1)
		if err := e.svc.Redeliver(ctx, e.tenant, d.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.svc.GetDelivery(ctx, e.tenant, d.ID); got.Status != webhook.DeliveryPending {
			t.Fatalf("after redeliver: %+v", got)
		}
		e.runDue(t, 1)
		got, err := e.svc.GetDelivery(ctx, e.tenant, d.ID)
		if err != nil || got.Status != webhook.DeliveryDelivered || got.Attempts != 2 {
			t.Fatalf("redelivered: %+v, %v", got, err)
		}
		reqs := rcv.got()
		if len(reqs) != 2 || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
			t.Fatalf("redelivery must resend the same event: %d requests", len(reqs))
		}

		// A test event goes to the endpoint whatever its filter.
		test, err := e.svc.SendTest(ctx, e.tenant, ep.ID)
		if err != nil || test.EventType != "webhook.test" || test.Status != webhook.DeliveryPending {
			t.Fatalf("send test: %+v, %v", test, err)
		}
		e.runDue(t, 1)
		if reqs := rcv.got(); len(reqs) != 3 || reqs[2].Header.Get(webhook.EventHeader) != "webhook.test" {
			t.Fatalf("test event not received: %d requests", len(reqs))
		}

		if err := e.svc.SetActive(ctx, e.tenant, ep.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Redeliver(ctx, e.tenant, d.ID); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("redeliver to a disabled endpoint: %v", err)
		}
		if err := e.svc.Redeliver(ctx, e.tenant, 999999); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("redeliver unknown: %v", err)
		}
	})
}

func TestDefaultClientRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t), webhook.NewClient(false))
	rcv := newReceiver(t)
	ep := e.endpoint(t, rcv.URL, "*")
	e.publish(t, "staff.created", nil)
	e.runDue(t, 1)
	d := e.deliveries(t, ep.ID)[0]
	if len(rcv.got()) != 0 || d.Status != webhook.DeliveryPending || d.LastStatusCode != 0 ||
		!strings.Contains(d.LastError, "not public") {
		t.Fatalf("loopback receiver reached or error unclear: %+v", d)
	}
}
