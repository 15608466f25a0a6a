package promo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// grabInsert starts the one statement that inserts a batch's grabs. The rows follow as
// literal integers, (envelope_id, tenant_id, viewer_id, seq, amount, created_at) each:
// every value is an int64 the writer formats itself, so nothing from outside reaches
// the SQL text, and the statement binds no parameters. On SQLite (batches of 1,000
// grabs over 10 envelopes) that measured about 40% less per row than unpacking a JSON
// array with json_each, which the longer text to parse does not cancel, and less than
// binding six parameters a row; on PostgreSQL it is one round trip. Rows the unique
// indexes refuse are skipped (ON CONFLICT DO NOTHING) and detected by the affected-row
// count.
const grabInsert = `INSERT INTO red_envelope_grabs (envelope_id, tenant_id, viewer_id, seq, amount, created_at) VALUES `

// maxRowsPerInsert bounds one INSERT's rows (and so its text, ~40 bytes a row).
const maxRowsPerInsert = 1000

// writeBatch books a batch: per envelope the totals on its row, only while it is open
// (which also takes its row lock against a concurrent expiry on PostgreSQL), then every
// booked grab in one INSERT (per maxRowsPerInsert rows). A grab refused by the unique
// indexes (another node's: owners are meant to be one per envelope) fails alone and its
// envelope's totals are corrected.
func writeBatch(ctx context.Context, tx *db.Tx, groups []*group, now int64) error {
	var sql []byte
	var rows int
	var expect, inserted int64
	insert := func() error {
		if rows == 0 {
			return nil
		}
		sql = append(sql, " ON CONFLICT DO NOTHING"...)
		res, err := tx.ExecContext(ctx, string(sql))
		if err != nil {
			return fmt.Errorf("promo: insert grabs: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("promo: insert grabs: %w", err)
		}
		inserted, rows = inserted+n, 0
		return nil
	}
	for _, g := range groups {
		n, sum := int64(len(g.Items)), int64(0)
		for _, p := range g.Items {
			sum += p.amount
		}
		res, err := tx.ExecContext(ctx, `UPDATE red_envelopes SET grabbed_count = grabbed_count + ?, grabbed_amount = grabbed_amount + ?,
			status = CASE WHEN grabbed_count + ? >= share_count THEN 'empty' ELSE status END
			WHERE id = ? AND tenant_id = ? AND status = 'open'`, n, sum, n, g.Owner.id, g.Owner.tenant)
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
		for _, p := range g.Items {
			if rows == maxRowsPerInsert {
				if err := insert(); err != nil {
					return err
				}
			}
			if rows == 0 {
				sql = append(sql[:0], grabInsert...)
			} else {
				sql = append(sql, ',')
			}
			sql = append(sql, '(')
			for i, v := range [6]int64{g.Owner.id, g.Owner.tenant, p.viewer, int64(p.seq), p.amount, now} {
				if i > 0 {
					sql = append(sql, ',')
				}
				sql = strconv.AppendInt(sql, v, 10)
			}
			sql = append(sql, ')')
			rows++
			expect++
		}
	}
	if err := insert(); err != nil {
		return err
	}
	if inserted == expect {
		return nil // the usual case: no grab was refused by the unique indexes
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
	if err := tx.GetContext(ctx, &status, `SELECT status FROM red_envelopes WHERE id = ?`, g.Owner.id); err != nil {
		return fmt.Errorf("promo: book grabs: %w", err)
	}
	for _, p := range g.Items {
		p.err = siyu.Errorf("expired", "red envelope %d has expired", g.Owner.id)
		if status == StatusEmpty {
			p.err = siyu.Errorf("empty", "red envelope %d is empty: every share has been taken", g.Owner.id)
		}
	}
	return nil
}

// settleConflicts finds the grabs of a group the unique indexes refused, fails them
// (already_grabbed when the viewer holds a grab, else "grab again") and takes them back
// out of the envelope's totals. Rare: only when two owners decide for one envelope.
func settleConflicts(ctx context.Context, tx *db.Tx, g *group) error {
	var lost, lostSum int64
	for _, p := range g.Items {
		var viewer int64
		err := tx.GetContext(ctx, &viewer, `SELECT viewer_id FROM red_envelope_grabs WHERE envelope_id = ? AND seq = ?`, g.Owner.id, p.seq)
		if err == nil && viewer == p.viewer {
			continue
		} else if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("promo: check grab conflict: %w", err)
		}
		lost, lostSum = lost+1, lostSum+p.amount
		var mine int
		if err := tx.GetContext(ctx, &mine, `SELECT COUNT(*) FROM red_envelope_grabs WHERE envelope_id = ? AND viewer_id = ?`,
			g.Owner.id, p.viewer); err != nil {
			return fmt.Errorf("promo: check grab conflict: %w", err)
		}
		p.err = siyu.Errorf(siyu.ECONFLICT, "red envelope %d changed while you grabbed; grab again", g.Owner.id)
		if mine > 0 {
			p.err = siyu.Errorf("already_grabbed", "you have already grabbed red envelope %d", g.Owner.id)
		}
	}
	if lost == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE red_envelopes SET grabbed_count = grabbed_count - ?, grabbed_amount = grabbed_amount - ?,
		status = CASE WHEN grabbed_count - ? >= share_count THEN 'empty' ELSE 'open' END WHERE id = ?`, lost, lostSum, lost, g.Owner.id)
	if err != nil {
		return fmt.Errorf("promo: correct grab totals: %w", err)
	}
	return nil
}
