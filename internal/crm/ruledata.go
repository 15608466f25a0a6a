package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu/internal/db"
)

// An event's transaction touches one customer: it reads the row (locked on
// PostgreSQL), changes it, evaluates the tenant's rule tags and writes the row and the
// tag changes back. On PostgreSQL every statement is a network round trip and the
// commit waits for the WAL flush, so the applier keeps the statements few: the rule
// data (the rule tags the customer carries, one order sum per window the rules read)
// is read in the statement that loads the row, and the row and its tag changes are
// written in one statement — BEGIN, read, write, COMMIT. SQLite runs in process and
// only saves the separate read.
//
// One statement reads with one snapshot. On PostgreSQL, when the row lock had to wait
// for another transaction, the row comes back as that transaction committed it but
// the rule data as it was before; the row version (xmin) then differs from the one
// the snapshot sees, rule_fresh is false, and the rule data is read again after the
// lock (prefetchEval). So every transaction that writes a customer's rule tags or
// orders also writes its row (markWritten), even when nothing in the row changed.

// custRuleRow is a customer row read with its rule data.
type custRuleRow struct {
	custRow
	RuleTags  sql.NullString `db:"rule_tags"`  // rule tag ids carried, "12,15"
	RuleSums  sql.NullString `db:"rule_sums"`  // per window of the tenant's rules: "spent:orders,…"
	RuleFresh sql.NullBool   `db:"rule_fresh"` // the rule data is as of the row returned
}

// ruleDataCols are the select-list columns reading the rule data of each customers
// row c (its rule tags, then one sum per window, in the order of windows), with their
// arguments, which come before the query's own.
func ruleDataCols(d db.Dialect, now int64, windows []int) (string, []any) {
	agg, fresh := "group_concat(ct.tag_id, ',')", "1" // SQLite: one writer, no lock waits
	if d == db.Postgres {
		agg = "string_agg(CAST(ct.tag_id AS TEXT), ',')"
		fresh = "(SELECT s.xmin = c.xmin FROM customers s WHERE s.tenant_id = c.tenant_id AND s.id = c.id)"
	}
	cols := fresh + ` AS rule_fresh, (SELECT ` + agg + ` FROM customer_tags ct WHERE ct.tenant_id = c.tenant_id
		AND ct.customer_id = c.id AND ct.source = ?) AS rule_tags`
	args := []any{TagRule}
	if len(windows) == 0 {
		return cols + `, '' AS rule_sums`, args
	}
	sums := make([]string, len(windows))
	for i, w := range windows {
		sums[i] = `(SELECT CAST(COALESCE(SUM(o.amount_fen), 0) AS TEXT) || ':' || CAST(COUNT(*) AS TEXT) FROM customer_orders o
			WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id AND o.refunded_at = 0 AND o.paid_at > ?)`
		args = append(args, now-int64(w)*day)
	}
	return cols + `, ` + strings.Join(sums, ` || ',' || `) + ` AS rule_sums`, args
}

// evalData returns the rule data read so far, creating the holder.
func (ap *applier) evalData() *evalData {
	if ap.eval == nil {
		ap.eval = &evalData{have: map[int64][]int64{}, sums: map[int64]map[int][2]int64{}, done: map[int64]bool{}}
	}
	return ap.eval
}

// keepRuleData records the rule data read with a row, unless the row moved on since.
func (ap *applier) keepRuleData(r *custRuleRow, windows []int) error {
	if !r.RuleFresh.Valid || !r.RuleFresh.Bool {
		return nil
	}
	e := ap.evalData()
	delete(e.have, r.ID)
	delete(e.sums, r.ID)
	if r.RuleTags.String != "" {
		for _, s := range strings.Split(r.RuleTags.String, ",") {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("crm: rule tags of customer %d: %q", r.ID, r.RuleTags.String)
			}
			e.have[r.ID] = append(e.have[r.ID], id)
		}
	}
	if len(windows) > 0 {
		parts := strings.Split(r.RuleSums.String, ",")
		if len(parts) != len(windows) {
			return fmt.Errorf("crm: rule sums of customer %d: %q", r.ID, r.RuleSums.String)
		}
		m := zeroSums(windows)
		for i, p := range parts {
			spent, orders, ok := strings.Cut(p, ":")
			a, err1 := strconv.ParseInt(spent, 10, 64)
			b, err2 := strconv.ParseInt(orders, 10, 64)
			if !ok || err1 != nil || err2 != nil {
				return fmt.Errorf("crm: rule sums of customer %d: %q", r.ID, r.RuleSums.String)
			}
			m[windows[i]] = [2]int64{a, b}
		}
		e.sums[r.ID] = m
	}
	e.done[r.ID] = true
	return nil
}

// ensureRuleData reads the rule data of the customers of ids (one tenant) that was not
// read yet, or was read for other windows (the tenant's rules changed meanwhile).
func (ap *applier) ensureRuleData(ctx context.Context, tenantID int64, ids []int64, windows []int) error {
	e := ap.evalData()
	var todo []int64
	for _, id := range ids {
		ok := e.done[id]
		for _, w := range windows {
			if _, has := e.sums[id][w]; !has {
				ok = false
			}
		}
		if !ok {
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return ap.prefetchEval(ctx, tenantID, todo, windows)
}

// markWritten has the rows of customers whose rule tags were written outside finish's
// evaluation saved (unchanged), for the readers of rule data (see above).
func (ap *applier) markWritten(writes []tagWrite) {
	for _, w := range writes {
		ap.dirty[w.customerID] = true
	}
}

// zeroSums are the sums of a customer with no order in any of windows (nil for none).
func zeroSums(windows []int) map[int][2]int64 {
	if len(windows) == 0 {
		return nil
	}
	m := make(map[int][2]int64, len(windows))
	for _, w := range windows {
		m[w] = [2]int64{}
	}
	return m
}

// forgetRuleData drops every rule data read so far: a write to orders or tags (an
// order paid or refunded, a merge) made it stale, and evaluation reads it again.
func (ap *applier) forgetRuleData() {
	if ap.eval != nil {
		clear(ap.eval.done)
		clear(ap.eval.have)
		clear(ap.eval.sums)
	}
}

// tagWrite is one rule tag to put on (add) or take off a customer.
type tagWrite struct {
	tenantID, customerID, tagID int64
	add                         bool
}

// tagChunk is how many tag writes one statement carries.
const tagChunk = 200

// writeTags writes rule tag changes and, when save is not nil, that changed row: on
// PostgreSQL in one statement (data-modifying WITH clauses), on SQLite one statement
// each.
func (ap *applier) writeTags(ctx context.Context, writes []tagWrite, save *custRow) error {
	pg := ap.tx.Dialect() == db.Postgres
	if save != nil && (!pg || len(writes) == 0) {
		if err := saveCustomer(ctx, ap.tx, save); err != nil {
			return err
		}
		save = nil
	}
	for start := 0; start < len(writes); start += tagChunk {
		var stmts []string
		var args [][]any
		if save != nil {
			stmts, args = append(stmts, saveCustomerSQL), append(args, save.saveArgs())
			save = nil
		}
		var ins, del []string
		var insArgs, delArgs []any
		for _, w := range writes[start:min(start+tagChunk, len(writes))] {
			if w.add {
				ins = append(ins, "(?, ?, ?, ?, ?)")
				insArgs = append(insArgs, w.tenantID, w.customerID, w.tagID, TagRule, ap.now)
			} else {
				del = append(del, "(tenant_id = ? AND customer_id = ? AND tag_id = ?)")
				delArgs = append(delArgs, w.tenantID, w.customerID, w.tagID)
			}
		}
		if len(ins) > 0 {
			stmts = append(stmts, `INSERT INTO customer_tags (tenant_id, customer_id, tag_id, source, created_at) VALUES `+
				strings.Join(ins, ", ")+` ON CONFLICT (tenant_id, customer_id, tag_id) DO NOTHING`)
			args = append(args, insArgs)
		}
		if len(del) > 0 {
			stmts = append(stmts, `DELETE FROM customer_tags WHERE `+strings.Join(del, " OR "))
			args = append(args, delArgs)
		}
		if pg && len(stmts) > 1 {
			var all []any
			for i, s := range stmts {
				stmts[i] = fmt.Sprintf("w%d AS (%s)", i, s)
				all = append(all, args[i]...)
			}
			stmts, args = []string{"WITH " + strings.Join(stmts, ", ") + " SELECT 1"}, [][]any{all}
		}
		for i, s := range stmts {
			if _, err := ap.tx.ExecContext(ctx, s, args[i]...); err != nil {
				return fmt.Errorf("crm: rule tags: %w", err)
			}
		}
	}
	return nil
}
