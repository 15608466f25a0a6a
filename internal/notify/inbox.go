package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Notification is a stored message as its recipient (or, for the SMS sandbox, the
// brand's owner) sees it.
type Notification struct {
	ID        int64     `json:"id"`
	ViewerID  int64     `json:"viewer_id,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	Channel   string    `json:"channel"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title,omitempty"`
	Body      string    `json:"body"`
	Link      string    `json:"link,omitempty"`
	Read      bool      `json:"read"`
	CreatedAt time.Time `json:"created_at"`
	ReadAt    time.Time `json:"read_at,omitzero"`
}

type row struct {
	ID        int64  `db:"id"`
	ViewerID  int64  `db:"viewer_id"`
	Phone     string `db:"phone"`
	Channel   string `db:"channel"`
	Kind      string `db:"kind"`
	Title     string `db:"title"`
	Body      string `db:"body"`
	Link      string `db:"link"`
	CreatedAt int64  `db:"created_at"`
	ReadAt    int64  `db:"read_at"`
}

const cols = `id, viewer_id, phone, channel, kind, title, body, link, created_at, read_at`

func (r row) notification() Notification {
	n := Notification{ID: r.ID, ViewerID: r.ViewerID, Phone: r.Phone, Channel: r.Channel, Kind: r.Kind,
		Title: r.Title, Body: r.Body, Link: r.Link, Read: r.ReadAt > 0, CreatedAt: time.UnixMilli(r.CreatedAt).UTC()}
	if r.ReadAt > 0 {
		n.ReadAt = time.UnixMilli(r.ReadAt).UTC()
	}
	return n
}

func list(ctx context.Context, q db.Querier, query string, args []any, limit int) ([]Notification, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var rows []row
	if err := q.SelectContext(ctx, &rows, query+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...); err != nil {
		return nil, "", fmt.Errorf("notify: list: %w", err)
	}
	out := make([]Notification, len(rows))
	for i, r := range rows {
		out[i] = r.notification()
	}
	next := ""
	if len(rows) == limit {
		next = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, next, nil
}

// Inbox lists a viewer's in-app notifications newest first, below the id before (0 for
// the newest), and the cursor of the next page ("" on the last).
func Inbox(ctx context.Context, q db.Querier, tenantID, viewerID, before int64, limit int) ([]Notification, string, error) {
	query := `SELECT ` + cols + ` FROM notifications WHERE tenant_id = ? AND viewer_id = ? AND channel = ?`
	args := []any{tenantID, viewerID, ChannelInApp}
	if before > 0 {
		query += ` AND id < ?`
		args = append(args, before)
	}
	return list(ctx, q, query, args, limit)
}

// SMSOutbox lists the tenant's sandbox SMS newest first, optionally for one phone, so
// an owner running a demo (or a browser test) can read the one-time code.
func SMSOutbox(ctx context.Context, q db.Querier, tenantID int64, phone string, before int64, limit int) ([]Notification, string, error) {
	query := `SELECT ` + cols + ` FROM notifications WHERE tenant_id = ? AND channel = ?`
	args := []any{tenantID, ChannelSMS}
	if phone != "" {
		query += ` AND phone = ?`
		args = append(args, phone)
	}
	if before > 0 {
		query += ` AND id < ?`
		args = append(args, before)
	}
	return list(ctx, q, query, args, limit)
}

// MarkRead marks one of the viewer's in-app notifications read (idempotent) and returns
// it; another viewer's or tenant's notification is not found.
func MarkRead(ctx context.Context, q db.Querier, tenantID, viewerID, id int64, at time.Time) (Notification, error) {
	if _, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = ?
		WHERE tenant_id = ? AND viewer_id = ? AND id = ? AND channel = ? AND read_at = 0`,
		at.UnixMilli(), tenantID, viewerID, id, ChannelInApp); err != nil {
		return Notification{}, fmt.Errorf("notify: mark read: %w", err)
	}
	var r row
	err := q.WriteGetContext(ctx, &r, `SELECT `+cols+` FROM notifications
		WHERE tenant_id = ? AND viewer_id = ? AND id = ? AND channel = ?`, tenantID, viewerID, id, ChannelInApp)
	if db.IsNoRows(err) {
		return Notification{}, siyu.Errorf(siyu.ENOTFOUND, "notification %d not found", id)
	} else if err != nil {
		return Notification{}, fmt.Errorf("notify: mark read: %w", err)
	}
	return r.notification(), nil
}
