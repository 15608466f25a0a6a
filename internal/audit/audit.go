// Package audit records who changed what, when and from where. Owners and admins read it
// to answer "who disabled this account?" long after the fact; entries are written in the
// same transaction as the change they describe, so one never exists without the other.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// Entry is one staff action.
type Entry struct {
	ID        int64     `json:"id" db:"id"`
	TenantID  int64     `json:"-" db:"tenant_id"`
	UserID    int64     `json:"user_id" db:"user_id"`
	Actor     string    `json:"actor" db:"actor"`
	Action    string    `json:"action" db:"action"`
	Target    string    `json:"target" db:"target"`
	Detail    string    `json:"detail" db:"detail"`
	IP        string    `json:"ip" db:"ip"`
	CreatedAt time.Time `json:"created_at" db:"-"`
	CreatedMs int64     `json:"-" db:"created_at"`
}

type ipKey struct{}

// WithIP remembers the client address of a request, so entries written deep inside a
// service still say where the action came from.
func WithIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// IPFrom returns the address stored by WithIP, or "".
func IPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(ipKey{}).(string)
	return ip
}

// Record writes e (with the request's address) using q, normally the caller's transaction.
func Record(ctx context.Context, q db.Querier, now time.Time, e Entry) error {
	if e.IP == "" {
		e.IP = IPFrom(ctx)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (tenant_id, user_id, actor, action, target, detail, ip, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.TenantID, e.UserID, e.Actor, e.Action, e.Target, e.Detail, e.IP, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// List returns a tenant's entries newest first, starting below beforeID (0 = newest).
func List(ctx context.Context, q db.Querier, tenantID, beforeID int64, limit int) ([]Entry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	var out []Entry
	err := q.SelectContext(ctx, &out, `SELECT id, tenant_id, user_id, actor, action, target, detail, ip, created_at
		FROM audit_log WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, tenantID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	for i := range out {
		out[i].CreatedAt = time.UnixMilli(out[i].CreatedMs).UTC()
	}
	return out, nil
}
