package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// row is a broadcasts row.
type row struct {
	ID                int64  `db:"id"`
	TenantID          int64  `db:"tenant_id"`
	Name              string `db:"name"`
	SessionID         int64  `db:"session_id"`
	Audiences         string `db:"audiences"`
	Channels          string `db:"channels"`
	Title             string `db:"title"`
	Coupon            string `db:"coupon"`
	Poster            int    `db:"poster"`
	WebhookEndpointID int64  `db:"webhook_endpoint_id"`
	ThrottlePerMinute int    `db:"throttle_per_minute"`
	Status            string `db:"status"`
	ScheduledAt       int64  `db:"scheduled_at"`
	SendRev           int64  `db:"send_rev"`
	SendPart          int64  `db:"send_part"`
	EntryLinkID       int64  `db:"entry_link_id"`
	EntryCode         string `db:"entry_code"`
	Recipients        int64  `db:"recipients"`
	StartedAt         int64  `db:"started_at"`
	ExpandedAt        int64  `db:"expanded_at"`
	FinishedAt        int64  `db:"finished_at"`
	CancelledAt       int64  `db:"cancelled_at"`
	LastError         string `db:"last_error"`
	CreatedBy         int64  `db:"created_by"`
	CreatedAt         int64  `db:"created_at"`
	UpdatedAt         int64  `db:"updated_at"`
}

const rowCols = `id, tenant_id, name, session_id, audiences, channels, title, coupon, poster, webhook_endpoint_id,
	throttle_per_minute, status, scheduled_at, send_rev, send_part, entry_link_id, entry_code, recipients, started_at, expanded_at, finished_at, cancelled_at, last_error, created_by, created_at, updated_at`

func msTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// settings decodes the stored JSON columns; a row is only ever written from a valid
// Input, so a decoding error is corruption worth failing on.
func (r row) settings() (settings, error) {
	s := settings{Name: r.Name, SessionID: r.SessionID, Title: r.Title, Coupon: r.Coupon, Poster: r.Poster != 0,
		WebhookEndpointID: r.WebhookEndpointID, ThrottlePerMinute: r.ThrottlePerMinute}
	if err := json.Unmarshal([]byte(r.Audiences), &s.Audiences); err != nil {
		return s, fmt.Errorf("broadcast %d: audiences: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Channels), &s.Channels); err != nil {
		return s, fmt.Errorf("broadcast %d: channels: %w", r.ID, err)
	}
	return s, nil
}

func (r row) broadcast() (Broadcast, error) {
	s, err := r.settings()
	if err != nil {
		return Broadcast{}, err
	}
	return Broadcast{ID: r.ID, Name: r.Name, SessionID: r.SessionID, Audiences: s.Audiences, Channels: s.Channels,
		Title: r.Title, Coupon: r.Coupon, Poster: s.Poster, WebhookEndpointID: r.WebhookEndpointID,
		ThrottlePerMinute: r.ThrottlePerMinute, Status: r.Status, ScheduledAt: msTime(r.ScheduledAt),
		StartedAt: msTime(r.StartedAt), FinishedAt: msTime(r.FinishedAt), CancelledAt: msTime(r.CancelledAt),
		LastError: r.LastError, CreatedAt: msTime(r.CreatedAt), UpdatedAt: msTime(r.UpdatedAt)}, nil
}

func getRow(ctx context.Context, q db.Querier, tenantID, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, `SELECT `+rowCols+` FROM broadcasts WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "broadcast %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("broadcast: get %d: %w", id, err)
	}
	return r, nil
}

// getRowW reads through the writer (inside a transaction, or right after a write on
// SQLite, whose plain reads use another pool).
func getRowW(ctx context.Context, q db.Querier, tenantID, id int64) (row, error) {
	var r row
	err := q.WriteGetContext(ctx, &r, `SELECT `+rowCols+` FROM broadcasts WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "broadcast %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("broadcast: get %d: %w", id, err)
	}
	return r, nil
}

func listRows(ctx context.Context, q db.Querier, tenantID, before int64, limit int) ([]row, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows []row
	err := q.SelectContext(ctx, &rows, `SELECT `+rowCols+` FROM broadcasts WHERE tenant_id = ? AND id < ?
		ORDER BY id DESC LIMIT `+fmt.Sprint(limit), tenantID, before)
	if err != nil {
		return nil, fmt.Errorf("broadcast: list: %w", err)
	}
	return rows, nil
}

// stageSQL are the expressions of a recipient's stages over the joined rows: r the
// recipient, n its in-app notification (read_at), p the room presence of the viewer
// its link brought in.
const (
	openedSQL  = `(r.opened_at > 0 OR r.clicked_at > 0 OR COALESCE(n.read_at, 0) > 0 OR p.viewer_id IS NOT NULL)`
	clickedSQL = `(r.clicked_at > 0 OR p.viewer_id IS NOT NULL)`
	cameSQL    = `(p.viewer_id IS NOT NULL)`
	// recipientJoins reads the in-app notification by its dedupe key and the presence
	// of the linked viewer in the promoted session (the first ? is that session).
	recipientJoins = ` LEFT JOIN notifications n ON r.channel = 'in_app' AND n.dedupe_key = ('reach:' || CAST(r.id AS TEXT))
		LEFT JOIN room_presence p ON r.room_viewer_id > 0 AND p.session_id = ? AND p.viewer_id = r.room_viewer_id`
)

// countRecipients computes a broadcast's funnel in one pass over its recipients.
func countRecipients(ctx context.Context, q db.Querier, tenantID, broadcastID, sessionID int64) (Counts, error) {
	var c struct {
		Total, Pending, Delivered, Failed, Unreachable, Opened, Clicked, Came int64
	}
	sum := func(cond string) string { return `COALESCE(SUM(CASE WHEN ` + cond + ` THEN 1 ELSE 0 END), 0)` }
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), `+
		sum(`r.status = 'pending'`)+`, `+sum(`r.status = 'delivered'`)+`, `+sum(`r.status = 'failed'`)+`, `+
		sum(`r.status = 'unreachable'`)+`, `+sum(openedSQL)+`, `+sum(clickedSQL)+`, `+sum(cameSQL)+`
		FROM broadcast_recipients r`+recipientJoins+` WHERE r.tenant_id = ? AND r.broadcast_id = ?`,
		sessionID, tenantID, broadcastID).Scan(&c.Total, &c.Pending, &c.Delivered, &c.Failed, &c.Unreachable, &c.Opened, &c.Clicked, &c.Came)
	if err != nil {
		return Counts{}, fmt.Errorf("broadcast: count recipients: %w", err)
	}
	return Counts{Recipients: c.Total, Pending: c.Pending, Delivered: c.Delivered, Failed: c.Failed,
		Unreachable: c.Unreachable, Opened: c.Opened, Clicked: c.Clicked, Came: c.Came}, nil
}

type recipientRow struct {
	ID           int64  `db:"id"`
	CustomerID   int64  `db:"customer_id"`
	Name         string `db:"name"`
	Audience     int    `db:"audience"`
	Channel      string `db:"channel"`
	Status       string `db:"status"`
	Reason       string `db:"reason"`
	ViewerID     int64  `db:"viewer_id"`
	RoomViewerID int64  `db:"room_viewer_id"`
	Clicks       int    `db:"clicks"`
	DeliveredAt  int64  `db:"delivered_at"`
	OpenedAt     int64  `db:"opened_at"`
	ReadAt       int64  `db:"read_at"`
	ClickedAt    int64  `db:"clicked_at"`
	CameAt       int64  `db:"came_at"`
}

func (r recipientRow) recipient() Recipient {
	out := Recipient{ID: r.ID, CustomerID: r.CustomerID, Name: r.Name, Audience: r.Audience, Channel: r.Channel,
		Status: r.Status, Reason: r.Reason, ViewerID: r.ViewerID, RoomViewerID: r.RoomViewerID, Clicks: r.Clicks,
		DeliveredAt: msTime(r.DeliveredAt), ClickedAt: msTime(r.ClickedAt)}
	opened := r.OpenedAt
	if r.ReadAt > 0 && (opened == 0 || r.ReadAt < opened) {
		opened = r.ReadAt
	}
	if r.CameAt > 0 {
		// The viewer may have been in the room before the click (an existing identity
		// on that device): they came with the click, not before it.
		out.CameAt = msTime(max(r.CameAt, r.ClickedAt))
	}
	if opened == 0 && r.ClickedAt > 0 {
		opened = r.ClickedAt
	}
	out.OpenedAt = msTime(opened)
	switch {
	case r.CameAt > 0:
		out.Stage = StageCame
	case r.ClickedAt > 0:
		out.Stage = StageClicked
	case opened > 0:
		out.Stage = StageOpened
	case r.Status == RecipientDelivered:
		out.Stage = RecipientDelivered
	}
	return out
}

// listRecipients pages a broadcast's recipients by id, optionally of one status or
// stage (already validated).
func listRecipients(ctx context.Context, q db.Querier, tenantID, broadcastID, sessionID int64, filter string, after int64, limit int) ([]Recipient, error) {
	where := []string{"r.tenant_id = ?", "r.broadcast_id = ?", "r.id > ?"}
	args := []any{sessionID, tenantID, broadcastID, after}
	switch filter {
	case "":
	case StageOpened:
		where = append(where, openedSQL)
	case StageClicked:
		where = append(where, clickedSQL)
	case StageCame:
		where = append(where, cameSQL)
	default:
		where = append(where, "r.status = ?")
		args = append(args, filter)
	}
	var rows []recipientRow
	err := q.SelectContext(ctx, &rows, `SELECT r.id, r.customer_id, COALESCE(c.name, '') AS name, r.audience, r.channel,
		r.status, r.reason, r.viewer_id, r.room_viewer_id, r.clicks, r.delivered_at, r.opened_at,
		COALESCE(n.read_at, 0) AS read_at, r.clicked_at, COALESCE(p.first_joined_at, 0) AS came_at
		FROM broadcast_recipients r`+recipientJoins+`
		LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("broadcast: list recipients: %w", err)
	}
	out := make([]Recipient, len(rows))
	for i, r := range rows {
		out[i] = r.recipient()
	}
	return out, nil
}
