// Package notify sends messages to viewers and customers through channels: the in-app
// inbox today and a sandbox SMS outbox for one-time codes. Real SMS gateways, e-mail and
// WeCom (企业微信) adapters come later and implement the same Channel interface, so the
// domains that notify (live reminders, phone codes, one-click reach) never change when a
// brand plugs in its provider.
//
// Every channel writes through the caller's querier, normally its transaction, so a
// notification exists exactly when the change that caused it commits; a dedupe key
// makes a retried job or a replayed request send nothing twice.
package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// Channel names as stored in notifications.channel.
const (
	ChannelInApp = "in_app"
	ChannelSMS   = "sms"
)

// Message is one notification to one recipient. ViewerID addresses the in-app inbox,
// Phone an SMS; Kind says what it is about ("live_reminder", "phone_code") so lists and
// reports can group them. DedupeKey, when set, is globally unique: a second Send with
// the same key sends nothing.
type Message struct {
	TenantID  int64
	ViewerID  int64
	Phone     string
	Kind      string
	Title     string
	Body      string
	Link      string
	DedupeKey string
	// CustomerID, Name, Contacts and ImageURL are for channels that hand the message
	// to another system (the webhook channel, later WeCom): whom it is for, how that
	// system may reach them (identity kind → value, e.g. wechat_openid) and a picture
	// (a poster) to send with the text.
	CustomerID int64
	Name       string
	Contacts   map[string]string
	ImageURL   string
}

// Channel delivers messages one way. Send reports sent=false when the message was
// deduplicated (already sent under the same DedupeKey), so callers can count what
// really went out. SMS, e-mail and WeCom adapters implement this same interface.
type Channel interface {
	Name() string
	Send(ctx context.Context, q db.Querier, m Message) (sent bool, err error)
}

// InApp is the viewer's in-app inbox (the notifications table, channel "in_app"),
// read by GET /api/v1/viewer/notifications.
type InApp struct {
	Now func() time.Time
}

// Name implements Channel.
func (InApp) Name() string { return ChannelInApp }

// Send implements Channel.
func (c InApp) Send(ctx context.Context, q db.Querier, m Message) (bool, error) {
	if m.ViewerID == 0 {
		return false, fmt.Errorf("notify: in-app message %q has no viewer", m.Kind)
	}
	return insert(ctx, q, ChannelInApp, m, now(c.Now))
}

// SandboxSMS stands in for an SMS gateway: the text is stored as a notification with
// channel "sms" that owners read in the sandbox outbox, so demos and browser tests can
// complete a phone verification without a carrier.
type SandboxSMS struct {
	Now func() time.Time
}

// Name implements Channel.
func (SandboxSMS) Name() string { return ChannelSMS }

// Send implements Channel.
func (c SandboxSMS) Send(ctx context.Context, q db.Querier, m Message) (bool, error) {
	if m.Phone == "" {
		return false, fmt.Errorf("notify: SMS %q has no phone number", m.Kind)
	}
	return insert(ctx, q, ChannelSMS, m, now(c.Now))
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// insert writes one notification; with a dedupe key already used it writes nothing.
func insert(ctx context.Context, q db.Querier, channel string, m Message, at time.Time) (bool, error) {
	var key sql.NullString
	if m.DedupeKey != "" {
		key = sql.NullString{String: m.DedupeKey, Valid: true}
	}
	var id int64
	err := q.WriteGetContext(ctx, &id, `INSERT INTO notifications
		(tenant_id, viewer_id, phone, channel, kind, dedupe_key, title, body, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		m.TenantID, m.ViewerID, m.Phone, channel, m.Kind, key, m.Title, m.Body, m.Link, at.UnixMilli())
	if db.IsNoRows(err) && key.Valid {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("notify: send %s %s: %w", channel, m.Kind, err)
	}
	return true, nil
}
