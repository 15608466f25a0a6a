package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/webhook"
)

// ChannelWebhook hands messages to the brand's own system (its WeCom bot, SMS
// platform or CRM) as signed HTTP POSTs; that system does the last mile.
const ChannelWebhook = "webhook"

// Batcher is a Channel that can hand many messages over in one call, so a broadcast
// to a hundred thousand customers is a thousand requests, not a hundred thousand.
// SendBatch is all or nothing: on an error none of msgs counts as handed over.
type Batcher interface {
	Channel
	SendBatch(ctx context.Context, msgs []Message) error
}

// Webhook POSTs messages to URL signed exactly like outbound webhook deliveries
// (webhook.Sign with the endpoint's secret: Siyu-Signature "t=…,v1=…"), so a receiver
// verifies them with the code it already has. The body is an event envelope of type
// EventType whose data holds the messages; each carries its dedupe_key, which the
// receiver uses to drop a message it already has (after a crash between the POST and
// its recording, the sender hands the same message over again).
type Webhook struct {
	URL       string
	Secret    string
	EventType string       // envelope type, e.g. "broadcast.message"
	Client    *http.Client // webhook.NewClient: refuses private addresses unless allowed
	Now       func() time.Time
}

// WebhookMessage is one message as the receiver reads it in data.messages.
type WebhookMessage struct {
	DedupeKey  string            `json:"dedupe_key"`
	Kind       string            `json:"kind"`
	CustomerID int64             `json:"customer_id,omitempty"`
	Name       string            `json:"name,omitempty"`
	Phone      string            `json:"phone,omitempty"`
	Contacts   map[string]string `json:"contacts,omitempty"`
	Title      string            `json:"title,omitempty"`
	Body       string            `json:"body"`
	Link       string            `json:"link,omitempty"`
	ImageURL   string            `json:"image_url,omitempty"`
}

// WebhookBody is the JSON a webhook channel POSTs; exported so receivers written in
// Go (and the bench's) decode what is sent.
type WebhookBody struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	CreatedAt string `json:"created_at"`
	TenantID  int64  `json:"tenant_id"`
	Data      struct {
		Messages []WebhookMessage `json:"messages"`
	} `json:"data"`
}

// Name implements Channel.
func (Webhook) Name() string { return ChannelWebhook }

// Send implements Channel: one message in one POST. Nothing is written to q; a
// message is "sent" when the receiver answered 2xx.
func (c Webhook) Send(ctx context.Context, _ db.Querier, m Message) (bool, error) {
	if err := c.SendBatch(ctx, []Message{m}); err != nil {
		return false, err
	}
	return true, nil
}

// SendBatch implements Batcher: msgs (of one tenant) in one signed POST; any answer
// but 2xx is an error naming the status.
func (c Webhook) SendBatch(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if c.URL == "" || c.Secret == "" || c.Client == nil {
		return fmt.Errorf("notify: webhook channel has no endpoint: %w", ErrNotConfigured)
	}
	at := now(c.Now)
	var b WebhookBody
	b.ID, b.Type, b.CreatedAt, b.TenantID = "msg_"+randomID(), c.EventType, at.UTC().Format(time.RFC3339), msgs[0].TenantID
	b.Data.Messages = make([]WebhookMessage, len(msgs))
	for i, m := range msgs {
		b.Data.Messages[i] = WebhookMessage{DedupeKey: m.DedupeKey, Kind: m.Kind, CustomerID: m.CustomerID, Name: m.Name,
			Phone: m.Phone, Contacts: m.Contacts, Title: m.Title, Body: m.Body, Link: m.Link, ImageURL: m.ImageURL}
	}
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("notify: webhook body: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Siyu-Webhooks/"+siyu.Version)
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(c.Secret, at.Unix(), body))
	req.Header.Set(webhook.EventHeader, c.EventType)
	req.Header.Set(webhook.DeliveryHeader, b.ID)
	resp, err := c.Client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // the URL is the tenant's; the cause is what matters
			err = uerr.Err
		}
		return fmt.Errorf("notify: webhook POST failed: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	msg := fmt.Sprintf("notify: webhook answered HTTP %d", resp.StatusCode)
	if s := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "")); s != "" {
		msg += ": " + s
	}
	return errors.New(msg)
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
