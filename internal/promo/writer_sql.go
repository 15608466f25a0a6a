package promo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// The grab insert per dialect. rows is a JSON array of [envelope_id, tenant_id,
// viewer_id, seq, amount]: one statement of fixed text whatever the batch, so SQLite
// parses a short statement instead of a thousand VALUES tuples, and PostgreSQL gets one
// round trip. Rows the unique indexes refuse are skipped (ON CONFLICT DO NOTHING) and
// detected by the affected-row count.
const (
	insertGrabsSQLite = `INSERT INTO red_envelope_grabs (envelope_id, tenant_id, viewer_id, seq, amount, created_at)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ? FROM json_each(?) WHERE true
		ON CONFLICT DO NOTHING`
	insertGrabsPostgres = `INSERT INTO red_envelope_grabs (envelope_id, tenant_id, viewer_id, seq, amount, created_at)
		SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, (e ->> 3)::bigint, (e ->> 4)::bigint, ?
		FROM jsonb_array_elements(?::jsonb) AS e ON CONFLICT DO NOTHING`
)

// writeBatch books a batch: per envelope the totals on its row, only while it is open
// (which also takes its row lock against a concurrent expiry on PostgreSQL), then one
// insert of every booked grab. A grab refused by the unique indexes (another node's:
// owners are meant to be one per envelope) fails alone and its envelope's totals are
// corrected.
func writeBatch(ctx context.Context, tx *db.Tx, groups []*group, now int64) error {
	rows := make([]byte, 0, 64*len(groups[0].items))
	rows = append(rows, '[')
	want := int64(0)
	for _, g := range groups {
		n, sum := int64(len(g.items)), int64(0)
		for _, p := range g.items {
			sum += p.amount
		}
		res, err := tx.ExecContext(ctx, `UPDATE red_envelopes SET grabbed_count = grabbed_count + ?, grabbed_amount = grabbed_amount + ?,
			status = CASE WHEN grabbed_count + ? >= share_count THEN 'empty' ELSE status END
			WHERE id = ? AND tenant_id = ? AND status = 'open'`, n, sum, n, g.o.id, g.o.tenant)
		if err != nil {
			return fmt.Errorf("promo: book grabs: %w", err)
		}
		if affected, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("promo: book grabs: %w", err)
		} else if affected == 0 {
			if err := refuseClosed(ctx, tx, g); err != nil {
				return err
			}
			continue
		}
		g.open = true
		for _, p := range g.items {
			if want > 0 {
				rows = append(rows, ',')
			}
			want++
			rows = append(rows, '[')
			for i, v := range [5]int64{g.o.id, g.o.tenant, p.viewer, int64(p.seq), p.amount} {
				if i > 0 {
					rows = append(rows, ',')
				}
				rows = strconv.AppendInt(rows, v, 10)
			}
			rows = append(rows, ']')
		}
	}
	if want == 0 {
		return nil
	}
	rows = append(rows, ']')
	insert := insertGrabsSQLite
	if tx.Dialect() == db.Postgres {
		insert = insertGrabsPostgres
	}
	res, err := tx.ExecContext(ctx, insert, now, string(rows))
	if err != nil {
		return fmt.Errorf("promo: insert grabs: %w", err)
	}
	if inserted, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("promo: insert grabs: %w", err)
	} else if inserted == want {
		return nil
	}
	for _, g := range groups {
		if g.open {
			if err := settleConflicts(ctx, tx, g); err != nil {
				return err
			}
		}
	}
	return nil
}

// refuseClosed fails a group whose envelope was emptied or expired (by another node),
// the way the store says.
func refuseClosed(ctx context.Context, tx *db.Tx, g *group) error {
	var status string
	if err := tx.GetContext(ctx, &status, `SELECT status FROM red_envelopes WHERE id = ?`, g.o.id); err != nil {
		return fmt.Errorf("promo: book grabs: %w", err)
	}
	for _, p := range g.items {
		p.err = siyu.Errorf("expired", "red envelope %d has expired", g.o.id)
		if status == StatusEmpty {
			p.err = siyu.Errorf("empty", "red envelope %d is empty: every share has been taken", g.o.id)
		}
	}
	return nil
}

// settleConflicts finds the grabs of a group the unique indexes refused, fails them
// (already_grabbed when the viewer holds a grab, else "grab again") and takes them back
// out of the envelope's totals. Rare: only when two owners decide for one envelope.
func settleConflicts(ctx context.Context, tx *db.Tx, g *group) error {
	var lost, lostSum int64
	for _, p := range g.items {
		var viewer int64
		err := tx.GetContext(ctx, &viewer, `SELECT viewer_id FROM red_envelope_grabs WHERE envelope_id = ? AND seq = ?`, g.o.id, p.seq)
		if err == nil && viewer == p.viewer {
			continue
		} else if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("promo: check grab conflict: %w", err)
		}
		lost, lostSum = lost+1, lostSum+p.amount
		var mine int
		if err := tx.GetContext(ctx, &mine, `SELECT COUNT(*) FROM red_envelope_grabs WHERE envelope_id = ? AND viewer_id = ?`,
			g.o.id, p.viewer); err != nil {
			return fmt.Errorf("promo: check grab conflict: %w", err)
		}
		p.err = siyu.Errorf(siyu.ECONFLICT, "red envelope %d changed while you grabbed; grab again", g.o.id)
		if mine > 0 {
			p.err = siyu.Errorf("already_grabbed", "you have already grabbed red envelope %d", g.o.id)
		}
	}
	if lost == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE red_envelopes SET grabbed_count = grabbed_count - ?, grabbed_amount = grabbed_amount - ?,
		status = CASE WHEN grabbed_count - ? >= share_count THEN 'empty' ELSE 'open' END WHERE id = ?`, lost, lostSum, lost, g.o.id)
	if err != nil {
		return fmt.Errorf("promo: correct grab totals: %w", err)
	}
	return nil
}
