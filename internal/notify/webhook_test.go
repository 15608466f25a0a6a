package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/webhook"
)

// TestWebhookChannelSignsBatches: a batch arrives as one POST signed like a webhook
// delivery, with every message and its dedupe key; a receiver's refusal is an error
// naming its answer; unconfigured adapters never pretend to send.
func TestWebhookChannelSignsBatches(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test"
	var got notify.WebhookBody
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 0); err != nil {
			t.Errorf("signature: %v", err)
		}
		if r.Header.Get(webhook.EventHeader) != "broadcast.message" || r.Header.Get(webhook.DeliveryHeader) == "" {
			t.Errorf("headers %v", r.Header)
		}
		_ = json.Unmarshal(body, &got)
		if status != http.StatusNoContent {
			http.Error(w, "quota exceeded", status)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	var ch notify.Batcher = notify.Webhook{URL: srv.URL, Secret: secret, EventType: "broadcast.message", Client: webhook.NewClient(true)}
	if ch.Name() != notify.ChannelWebhook {
		t.Fatal(ch.Name())
	}
	msgs := []notify.Message{
		{TenantID: 3, Kind: "broadcast", Body: "a", DedupeKey: "reach:1", CustomerID: 11, Phone: "13800138000"},
		{TenantID: 3, Kind: "broadcast", Body: "b", DedupeKey: "reach:2", Contacts: map[string]string{"wechat_openid": "o1"}, ImageURL: "http://x/p.png"},
	}
	if err := ch.SendBatch(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	if got.TenantID != 3 || got.Type != "broadcast.message" || len(got.Data.Messages) != 2 || got.Data.Messages[1].DedupeKey != "reach:2" ||
		got.Data.Messages[1].Contacts["wechat_openid"] != "o1" || got.Data.Messages[0].Phone != "13800138000" {
		t.Fatalf("received %+v", got)
	}
	status = http.StatusTooManyRequests
	if sent, err := ch.Send(context.Background(), nil, msgs[0]); sent || err == nil || !strings.Contains(err.Error(), "429") ||
		!strings.Contains(err.Error(), "quota exceeded") {
		t.Fatalf("a refused POST: sent=%v err=%v", sent, err)
	}
	if err := (notify.Webhook{}).SendBatch(context.Background(), msgs); !errors.Is(err, notify.ErrNotConfigured) {
		t.Fatalf("a webhook without an endpoint: %v", err)
	}
	for _, a := range notify.Adapters() {
		if sent, err := a.Send(context.Background(), nil, msgs[0]); sent || !errors.Is(err, notify.ErrNotConfigured) || !strings.Contains(err.Error(), a.Name()) {
			t.Fatalf("%s: sent=%v err=%v", a.Name(), sent, err)
		}
	}
}
