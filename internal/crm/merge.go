package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
)

// merge folds profile l into w: identities, tags, orders and attended sessions move to
// w, aggregates are summed, the earlier first touch and the later last touch win,
// remarks are concatenated, and l points at w from now on (its id keeps answering with
// w). The timeline follows, being read through the identities.
func (ap *applier) merge(ctx context.Context, w, l *custRow) error {
	if w.ID == l.ID {
		return nil
	}
	if w.TenantID != l.TenantID || w.gone() || l.gone() {
		return siyu.Errorf(siyu.ECONFLICT, "customers %d and %d cannot be merged", w.ID, l.ID)
	}
	tx, t := ap.tx, w.TenantID
	if _, err := tx.ExecContext(ctx, `UPDATE customer_identities SET customer_id = ? WHERE tenant_id = ? AND customer_id = ?`,
		w.ID, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge identities: %w", err)
	}
	for k, id := range ap.viewers {
		if id == l.ID {
			ap.viewers[k] = w.ID
		}
	}
	if err := ap.mergeTags(ctx, w, l); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customer_orders SET customer_id = ? WHERE tenant_id = ? AND customer_id = ?`,
		w.ID, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge orders: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_sessions (tenant_id, customer_id, session_id, first_joined_at)
		SELECT tenant_id, ?, session_id, first_joined_at FROM customer_sessions WHERE tenant_id = ? AND customer_id = ?
		ON CONFLICT (tenant_id, customer_id, session_id) DO NOTHING`, w.ID, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customer_sessions WHERE tenant_id = ? AND customer_id = ?`, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge sessions: %w", err)
	}
	var sessions int64
	if err := tx.GetContext(ctx, &sessions, `SELECT COUNT(*) FROM customer_sessions WHERE tenant_id = ? AND customer_id = ?`,
		t, w.ID); err != nil {
		return fmt.Errorf("crm: merge sessions: %w", err)
	}
	// Profiles merged into l earlier now point at w directly.
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET merged_into = ? WHERE tenant_id = ? AND merged_into = ?`,
		w.ID, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge chain: %w", err)
	}
	for _, r := range ap.rows {
		if r.MergedInto.Valid && r.MergedInto.Int64 == l.ID {
			r.MergedInto.Int64 = w.ID
		}
	}

	w.OrdersCount += l.OrdersCount
	w.SpentFen += l.SpentFen
	w.WatchMS += l.WatchMS
	w.Comments += l.Comments
	w.GiftsFen += l.GiftsFen
	w.Reservations += l.Reservations
	w.NoShows += l.NoShows
	w.Sessions = sessions
	if l.LastSeenAt.Valid {
		w.seen(l.LastSeenAt.Int64)
	}
	w.touch(l.FirstTouchAt, l.FirstSource, l.FirstLinkID)
	w.touch(l.LastTouchAt, l.LastSource, l.LastLinkID)
	w.Remark = joinRemarks(w.Remark, l.Remark)
	if w.Name == "" || (w.Origin == OriginViewer && l.Origin != OriginViewer && l.Name != "") {
		w.Name = l.Name
	}
	if !w.Phone.Valid && l.Phone.Valid {
		w.Phone = l.Phone
	}
	if w.Origin == OriginViewer && l.Origin != OriginViewer {
		w.Origin = l.Origin
	}
	w.CreatedAt = min(w.CreatedAt, l.CreatedAt)
	l.MergedInto = sql.NullInt64{Int64: w.ID, Valid: true}
	l.Phone = sql.NullString{} // the survivor holds it now (and erasing it must not leave a copy)
	ap.mark(w)
	ap.mark(l)
	ap.merged = append(ap.merged, [2]int64{w.ID, l.ID})
	return nil
}

// mergeTags moves l's tags to w (a tag both have stays once).
func (ap *applier) mergeTags(ctx context.Context, w, l *custRow) error {
	tx, t := ap.tx, w.TenantID
	var lt, wt []int64
	if err := tx.SelectContext(ctx, &lt, `SELECT tag_id FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge tags: %w", err)
	}
	if len(lt) == 0 {
		return nil
	}
	if err := tx.SelectContext(ctx, &wt, `SELECT tag_id FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, t, w.ID); err != nil {
		return fmt.Errorf("crm: merge tags: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag_id, source, created_at)
		SELECT tenant_id, ?, tag_id, source, created_at FROM customer_tags WHERE tenant_id = ? AND customer_id = ?
		ON CONFLICT (tenant_id, customer_id, tag_id) DO NOTHING`, w.ID, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge tags: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, t, l.ID); err != nil {
		return fmt.Errorf("crm: merge tags: %w", err)
	}
	var added []int64
	for _, id := range lt {
		if !containsID(wt, id) {
			added = append(added, id)
		}
	}
	ap.tagged(w.ID, added, nil)
	ap.tagged(l.ID, nil, lt)
	return nil
}

// joinRemarks concatenates two remarks, one per line, without repeating one already
// contained in the other.
func joinRemarks(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case b == "" || strings.Contains(a, b):
		return a
	case a == "" || strings.Contains(b, a):
		return b
	}
	return a + "\n" + b
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
