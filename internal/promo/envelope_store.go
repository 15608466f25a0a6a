package promo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type envelopeRow struct {
	ID            int64  `db:"id"`
	TenantID      int64  `db:"tenant_id"`
	SessionID     int64  `db:"session_id"`
	RuleID        int64  `db:"rule_id"`
	Mode          string `db:"mode"`
	Condition     string `db:"condition"`
	Message       string `db:"message"`
	Total         int64  `db:"total"`
	Count         int64  `db:"share_count"`
	GrabbedCount  int64  `db:"grabbed_count"`
	GrabbedAmount int64  `db:"grabbed_amount"`
	Refunded      int64  `db:"refunded"`
	Status        string `db:"status"`
	ExpiresAt     int64  `db:"expires_at"`
	ClosedAt      int64  `db:"closed_at"`
	CreatedAt     int64  `db:"created_at"`
}

const envelopeCols = `id, tenant_id, session_id, rule_id, mode, condition, message, total, share_count, grabbed_count,
	grabbed_amount, refunded, status, expires_at, closed_at, created_at`

func (r envelopeRow) envelope() EnvelopeSummary {
	e := EnvelopeSummary{ID: r.ID, SessionID: r.SessionID, Mode: r.Mode, Condition: r.Condition, Message: r.Message,
		Total: r.Total, Count: r.Count, Grabbed: r.GrabbedAmount, GrabbedCount: r.GrabbedCount, Refunded: r.Refunded,
		Status: r.Status, RuleID: r.RuleID, ExpiresAt: msTime(r.ExpiresAt), ClosedAt: msTime(r.ClosedAt),
		CreatedAt: msTime(r.CreatedAt)}
	if r.Status == StatusOpen {
		e.Remaining, e.RemainingCount = r.Total-r.GrabbedAmount, r.Count-r.GrabbedCount
	}
	return e
}

// insertEnvelope stores a new envelope with its pre-split shares.
func insertEnvelope(ctx context.Context, q db.Querier, tenantID, sessionID, userID, ruleID int64, in EnvelopeInput,
	shares []int64, now, expiresAt int64) (int64, error) {
	raw, err := json.Marshal(shares)
	if err != nil {
		return 0, fmt.Errorf("promo: encode shares: %w", err)
	}
	id, err := db.Insert(ctx, q, `INSERT INTO red_envelopes (tenant_id, session_id, created_by, rule_id, mode, condition,
		message, total, share_count, shares, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, sessionID, userID, ruleID, in.Mode, in.Condition, in.Message, in.Total, in.Count, string(raw), expiresAt, now)
	if err != nil {
		return 0, fmt.Errorf("promo: create red envelope: %w", err)
	}
	return id, nil
}

// getEnvelope reads one envelope of a tenant (tenantID 0: any tenant, for jobs and the
// owner, which check the tenant themselves).
func getEnvelope(ctx context.Context, q db.Querier, tenantID, id int64) (envelopeRow, error) {
	var r envelopeRow
	query, args := `SELECT `+envelopeCols+` FROM red_envelopes WHERE id = ?`, []any{id}
	if tenantID != 0 {
		query, args = query+` AND tenant_id = ?`, append(args, tenantID)
	}
	err := q.GetContext(ctx, &r, query, args...)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("promo: get red envelope: %w", err)
	}
	return r, nil
}

// envelopeState is everything an owner needs: the row, the shares and the grabs so far.
type envelopeState struct {
	row    envelopeRow
	shares []int64
	grabs  []grabRow
}

type grabRow struct {
	ViewerID  int64  `db:"viewer_id"`
	Nickname  string `db:"nickname"`
	Seq       int64  `db:"seq"`
	Amount    int64  `db:"amount"`
	CreatedAt int64  `db:"created_at"`
}

// loadEnvelope reads an envelope's full state. Reads on the read pool see every
// committed transaction (SQLite WAL), so an owner rebuilt after a crash or a failed
// batch sees every acknowledged grab.
func loadEnvelope(ctx context.Context, q db.Querier, id int64) (envelopeState, error) {
	var st envelopeState
	var raw struct {
		envelopeRow
		Shares string `db:"shares"`
	}
	err := q.GetContext(ctx, &raw, `SELECT `+envelopeCols+`, shares FROM red_envelopes WHERE id = ?`, id)
	if db.IsNoRows(err) {
		return st, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id)
	} else if err != nil {
		return st, fmt.Errorf("promo: load red envelope: %w", err)
	}
	st.row = raw.envelopeRow
	if err := json.Unmarshal([]byte(raw.Shares), &st.shares); err != nil || int64(len(st.shares)) != st.row.Count {
		return st, fmt.Errorf("promo: red envelope %d has corrupt shares (%d of %d): %v", id, len(st.shares), st.row.Count, err)
	}
	st.grabs, err = listGrabs(ctx, q, st.row.TenantID, id, false)
	return st, err
}

// listGrabs lists an envelope's grabs in grab order, with nicknames when asked.
func listGrabs(ctx context.Context, q db.Querier, tenantID, id int64, nicknames bool) ([]grabRow, error) {
	query := `SELECT g.viewer_id, '' AS nickname, g.seq, g.amount, g.created_at FROM red_envelope_grabs g
		WHERE g.tenant_id = ? AND g.envelope_id = ? ORDER BY g.seq`
	if nicknames {
		query = `SELECT g.viewer_id, COALESCE(v.nickname, '') AS nickname, g.seq, g.amount, g.created_at
			FROM red_envelope_grabs g LEFT JOIN viewers v ON v.id = g.viewer_id
			WHERE g.tenant_id = ? AND g.envelope_id = ? ORDER BY g.seq`
	}
	var rows []grabRow
	if err := q.SelectContext(ctx, &rows, query, tenantID, id); err != nil {
		return nil, fmt.Errorf("promo: list grabs: %w", err)
	}
	return rows, nil
}

// listEnvelopes lists a session's envelopes, newest first, without grabs.
func listEnvelopes(ctx context.Context, q db.Querier, tenantID, sessionID int64) ([]EnvelopeSummary, error) {
	var rows []envelopeRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+envelopeCols+` FROM red_envelopes
		WHERE tenant_id = ? AND session_id = ? ORDER BY id DESC LIMIT 200`, tenantID, sessionID); err != nil {
		return nil, fmt.Errorf("promo: list red envelopes: %w", err)
	}
	out := make([]EnvelopeSummary, len(rows))
	for i, r := range rows {
		out[i] = r.envelope()
	}
	return out, nil
}
