package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/webhook"
)

type received struct {
	body   []byte
	header http.Header
}

func TestWebhookDeliversSignedEvents(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner := app.Signup("Hook Co")
	got := make(chan received, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{b, r.Header.Clone()}
	}))
	defer recv.Close()

	bad := app.Do("POST", "/api/v1/webhooks", owner.Token, map[string]any{"url": "ftp://x", "events": []string{"*"}})
	if bad.Status != http.StatusBadRequest || bad.ErrorField() != "url" {
		t.Fatalf("bad url: %d %s", bad.Status, bad.Body)
	}
	bad = app.Do("POST", "/api/v1/webhooks", owner.Token, map[string]any{"url": recv.URL, "events": []string{"order.exploded"}})
	if bad.Status != http.StatusBadRequest || bad.ErrorField() != "events" {
		t.Fatalf("unknown event: %d %s", bad.Status, bad.Body)
	}
	ep := app.Must(http.StatusCreated, "POST", "/api/v1/webhooks", owner.Token, map[string]any{
		"url": recv.URL, "events": []string{"staff.created"}, "description": "CRM sync"})
	secret := ep.JSON["secret"].(string)
	if secret == "" {
		t.Fatalf("create answer lacks the secret: %s", ep.Body)
	}
	epID := itoa(ep.ID("id"))
	if g := app.Must(http.StatusOK, "GET", "/api/v1/webhooks/"+epID, owner.Token, nil); g.JSON["secret"] != nil {
		t.Fatalf("secret shown again after creation: %s", g.Body)
	}

	app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner.Token, map[string]any{
		"email": "new-host@hook.example", "role": "host", "password": "host-pass-1"})
	var msg received
	select {
	case msg = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery within 10 s of creating a staff member")
	}
	if err := webhook.Verify(secret, msg.header.Get("Siyu-Signature"), msg.body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("signature does not verify: %v (header %q)", err, msg.header.Get("Siyu-Signature"))
	}
	var evt map[string]any
	if err := json.Unmarshal(msg.body, &evt); err != nil || evt["type"] != "staff.created" {
		t.Fatalf("event body: %s", msg.body)
	}
	if data := evt["data"].(map[string]any); data["email"] != "new-host@hook.example" {
		t.Fatalf("event data: %s", msg.body)
	}

	// The delivery shows as delivered with its status code.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ds := app.Must(http.StatusOK, "GET", "/api/v1/webhooks/"+epID+"/deliveries", owner.Token, nil)
		items := ds.JSON["items"].([]any)
		if len(items) == 1 && items[0].(map[string]any)["status"] == "delivered" {
			if items[0].(map[string]any)["last_status_code"] != 200.0 {
				t.Fatalf("delivery: %s", ds.Body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery never marked delivered: %s", ds.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Paused endpoints get nothing; the audit log has the webhook changes.
	app.Must(http.StatusOK, "PATCH", "/api/v1/webhooks/"+epID, owner.Token, map[string]any{"active": false})
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner.Token, map[string]any{
		"email": "second@hook.example", "role": "host", "password": "host-pass-1"})
	select {
	case m := <-got:
		t.Fatalf("paused endpoint received %s", m.body)
	case <-time.After(300 * time.Millisecond):
	}
	log := app.Must(http.StatusOK, "GET", "/api/v1/audit-log", owner.Token, nil)
	if !json.Valid(log.Body) || !contains(log.Body, "webhook.create") || !contains(log.Body, "webhook.update") {
		t.Fatalf("audit log lacks webhook changes: %.800s", log.Body)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
