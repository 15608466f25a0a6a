package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type paymentRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	OrderID     int64  `db:"order_id"`
	Provider    string `db:"provider"`
	ProviderRef string `db:"provider_ref"`
	Amount      int64  `db:"amount_fen"`
	Status      string `db:"status"`
	PayURL      string `db:"pay_url"`
	FailReason  string `db:"fail_reason"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
	FinishedAt  int64  `db:"finished_at"`
}

const paymentCols = `id, tenant_id, order_id, provider, provider_ref, amount_fen, status, pay_url, fail_reason,
	created_at, updated_at, finished_at`

func (r paymentRow) payment() Payment {
	return Payment{ID: r.ID, OrderID: r.OrderID, Provider: r.Provider, ProviderRef: r.ProviderRef, Amount: r.Amount,
		Status: r.Status, PayURL: r.PayURL, FailReason: r.FailReason, CreatedAt: msTime(r.CreatedAt),
		UpdatedAt: msTime(r.UpdatedAt), FinishedAt: msTime(r.FinishedAt)}
}

func listPayments(ctx context.Context, q db.Querier, tenantID, orderID int64) ([]Payment, error) {
	var rows []paymentRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+paymentCols+` FROM payments WHERE tenant_id = ? AND order_id = ? ORDER BY id`,
		tenantID, orderID); err != nil {
		return nil, fmt.Errorf("commerce: payments: %w", err)
	}
	out := make([]Payment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.payment())
	}
	return out, nil
}

// paymentByRef finds an attempt by the provider's reference. It is not tenant-scoped
// because callbacks and the sandbox page arrive with nothing but the reference; the
// row then names its tenant for every later query.
func paymentByRef(ctx context.Context, q db.Querier, provider, ref string) (paymentRow, error) {
	var r paymentRow
	err := q.GetContext(ctx, &r, `SELECT `+paymentCols+` FROM payments WHERE provider = ? AND provider_ref = ?`, provider, ref)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "payment %s not found", ref)
	} else if err != nil {
		return r, fmt.Errorf("commerce: payment: %w", err)
	}
	return r, nil
}

// finishPayment moves an attempt from one of from to status (compare-and-set) and
// reports whether it did.
func finishPayment(ctx context.Context, tx *db.Tx, id int64, status, reason string, now int64, from ...string) (bool, error) {
	q := `UPDATE payments SET status = ?, fail_reason = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status IN (?`
	args := []any{status, reason, now, now, id, from[0]}
	for _, f := range from[1:] {
		q += `, ?`
		args = append(args, f)
	}
	res, err := tx.ExecContext(ctx, q+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("commerce: payment %d to %s: %w", id, status, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// recordEvent stores a callback's event id and reports whether it is new; a
// redelivered callback finds the row and is answered without doing anything again.
func recordEvent(ctx context.Context, tx *db.Tx, provider, eventID string, paymentID int64, status string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO payment_events (provider, event_id, payment_id, status, received_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider, event_id) DO NOTHING`, provider, eventID, paymentID, status, now)
	if err != nil {
		return false, fmt.Errorf("commerce: record callback %s: %w", eventID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
