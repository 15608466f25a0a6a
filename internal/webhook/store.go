package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// endpointRow mirrors webhook_endpoints.
type endpointRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	URL         string `db:"url"`
	Secret      string `db:"secret"`
	Events      string `db:"events"`
	Description string `db:"description"`
	Active      int    `db:"active"`
	CreatedAt   int64  `db:"created_at"`
}

const endpointColumns = `id, tenant_id, url, secret, events, description, active, created_at`

// endpoint converts the row; the secret is copied only when withSecret, so it cannot
// leak through a list or get by accident.
func (r endpointRow) endpoint(withSecret bool) Endpoint {
	e := Endpoint{
		ID: r.ID, TenantID: r.TenantID, URL: r.URL, Description: r.Description,
		Active: r.Active != 0, CreatedAt: time.UnixMilli(r.CreatedAt),
	}
	if err := json.Unmarshal([]byte(r.Events), &e.Events); err != nil {
		e.Events = nil // a corrupt row subscribes to nothing rather than everything
	}
	if withSecret {
		e.Secret = r.Secret
	}
	return e
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func insertEndpoint(ctx context.Context, q db.Querier, tenantID int64, in EndpointInput, secret string, now int64) (int64, error) {
	events, err := json.Marshal(in.Events)
	if err != nil {
		return 0, fmt.Errorf("webhook: encode events: %w", err)
	}
	id, err := db.Insert(ctx, q, `INSERT INTO webhook_endpoints
		(tenant_id, url, secret, events, description, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)`,
		tenantID, in.URL, secret, string(events), in.Description, now)
	if err != nil {
		return 0, fmt.Errorf("webhook: create endpoint: %w", err)
	}
	return id, nil
}

func getEndpoint(ctx context.Context, q db.Querier, tenantID, id int64) (endpointRow, error) {
	var r endpointRow
	err := q.GetContext(ctx, &r, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	if err != nil {
		return r, fmt.Errorf("webhook: get endpoint %d: %w", id, err)
	}
	return r, nil
}

// listEndpoints lists a tenant's endpoints, only the active ones when activeOnly.
func listEndpoints(ctx context.Context, q db.Querier, tenantID int64, activeOnly bool) ([]endpointRow, error) {
	query := `SELECT ` + endpointColumns + ` FROM webhook_endpoints WHERE tenant_id = ?`
	if activeOnly {
		query += ` AND active = 1`
	}
	var rows []endpointRow
	if err := q.SelectContext(ctx, &rows, query+` ORDER BY id`, tenantID); err != nil {
		return nil, fmt.Errorf("webhook: list endpoints: %w", err)
	}
	return rows, nil
}

// execOne runs a tenant-scoped UPDATE/DELETE and answers not_found when it matched no
// row, which is also what another tenant's id gets.
func execOne(ctx context.Context, q db.Querier, what string, id int64, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("webhook: %s %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("webhook: %s %d: %w", what, id, err)
	}
	if n == 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	return nil
}

// deliveryRow mirrors webhook_deliveries.
type deliveryRow struct {
	ID             int64  `db:"id"`
	TenantID       int64  `db:"tenant_id"`
	EndpointID     int64  `db:"endpoint_id"`
	EventType      string `db:"event_type"`
	EventID        string `db:"event_id"`
	Payload        string `db:"payload"`
	Status         string `db:"status"`
	Attempts       int    `db:"attempts"`
	LastStatusCode int    `db:"last_status_code"`
	LastError      string `db:"last_error"`
	CreatedAt      int64  `db:"created_at"`
	UpdatedAt      int64  `db:"updated_at"`
}

const deliveryColumns = `id, tenant_id, endpoint_id, event_type, event_id, payload, status,
	attempts, last_status_code, last_error, created_at, updated_at`

func (r deliveryRow) delivery() Delivery {
	return Delivery{
		ID: r.ID, TenantID: r.TenantID, EndpointID: r.EndpointID, EventType: r.EventType,
		EventID: r.EventID, Payload: json.RawMessage(r.Payload), Status: r.Status,
		Attempts: r.Attempts, LastStatusCode: r.LastStatusCode, LastError: r.LastError,
		CreatedAt: time.UnixMilli(r.CreatedAt), UpdatedAt: time.UnixMilli(r.UpdatedAt),
	}
}

func insertDelivery(ctx context.Context, q db.Querier, d Delivery, now int64) (int64, error) {
	id, err := db.Insert(ctx, q, `INSERT INTO webhook_deliveries
		(tenant_id, endpoint_id, event_type, event_id, payload, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
		d.TenantID, d.EndpointID, d.EventType, d.EventID, string(d.Payload), now, now)
	if err != nil {
		return 0, fmt.Errorf("webhook: create delivery: %w", err)
	}
	return id, nil
}

func getDelivery(ctx context.Context, q db.Querier, tenantID, id int64) (deliveryRow, error) {
	var r deliveryRow
	err := q.GetContext(ctx, &r, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "webhook delivery %d not found", id)
	}
	if err != nil {
		return r, fmt.Errorf("webhook: get delivery %d: %w", id, err)
	}
	return r, nil
}

// listDeliveries lists a tenant's deliveries newest first, for one endpoint or (with
// endpointID 0) all of them.
func listDeliveries(ctx context.Context, q db.Querier, tenantID, endpointID int64, limit int) ([]deliveryRow, error) {
	query := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE tenant_id = ?`
	args := []any{tenantID}
	if endpointID != 0 {
		query += ` AND endpoint_id = ?`
		args = append(args, endpointID)
	}
	args = append(args, limit)
	var rows []deliveryRow
	if err := q.SelectContext(ctx, &rows, query+` ORDER BY id DESC LIMIT ?`, args...); err != nil {
		return nil, fmt.Errorf("webhook: list deliveries: %w", err)
	}
	return rows, nil
}

// recordAttempt stores the outcome of one POST.
func recordAttempt(ctx context.Context, q db.Querier, tenantID, id int64, status string, code int, lastErr string, now int64) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1,
		last_status_code = ?, last_error = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		status, code, lastErr, now, tenantID, id)
	if err != nil {
		return fmt.Errorf("webhook: record delivery %d: %w", id, err)
	}
	return nil
}

// setDeliveryStatus changes a delivery's status without counting an attempt.
func setDeliveryStatus(ctx context.Context, q db.Querier, tenantID, id int64, status, lastErr string, now int64) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, last_error = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`, status, lastErr, now, tenantID, id)
	if err != nil {
		return fmt.Errorf("webhook: update delivery %d: %w", id, err)
	}
	return nil
}

// requeueDelivery sets a finished delivery back to pending; false when it was pending
// already (or is gone).
func requeueDelivery(ctx context.Context, q db.Querier, tenantID, id int64, now int64) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', updated_at = ?
		WHERE tenant_id = ? AND id = ? AND status <> 'pending'`, now, tenantID, id)
	if err != nil {
		return false, fmt.Errorf("webhook: requeue delivery %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("webhook: requeue delivery %d: %w", id, err)
	}
	return n == 1, nil
}
