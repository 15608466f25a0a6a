package crm

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu/internal/db"
)

// The worker applies a room's presence booking for thousands of viewers at once, so
// the applier reads and writes in bulk: one statement per chunk of viewers instead of
// several per viewer (on SQLite, preparing a statement costs more than running it).

// chunk is how many ids one IN list or multi-row statement carries.
const chunk = 400

// prefetchViewers resolves many viewer accounts of one tenant to their profiles and
// loads those rows, so applying their activity needs no further reads.
func (ap *applier) prefetchViewers(ctx context.Context, tenantID int64, viewers []int64) error {
	var todo []string
	for _, v := range viewers {
		if _, ok := ap.viewers[viewerKey{tenantID, v}]; !ok {
			todo = append(todo, strconv.FormatInt(v, 10))
		}
	}
	var ids []int64
	for start := 0; start < len(todo); start += chunk {
		part := todo[start:min(start+chunk, len(todo))]
		args := []any{tenantID, KindViewer}
		for _, v := range part {
			args = append(args, v)
		}
		var rows []struct {
			Viewer     int64 `db:"ref_id"`
			CustomerID int64 `db:"customer_id"`
		}
		if err := ap.tx.SelectContext(ctx, &rows, `SELECT ref_id, customer_id FROM customer_identities
			WHERE tenant_id = ? AND kind = ? AND value IN (`+placeholders(len(part))+`)`, args...); err != nil {
			return fmt.Errorf("crm: viewer identities: %w", err)
		}
		for _, r := range rows {
			ap.viewers[viewerKey{tenantID, r.Viewer}] = r.CustomerID
			ids = append(ids, r.CustomerID)
		}
	}
	return ap.prefetchRows(ctx, tenantID, ids)
}

// ruleDataRows is the most rows prefetchRows reads with their rule data: for more, the
// correlated sub-selects cost more than one set-based statement (prefetchEval).
const ruleDataRows = 8

// prefetchRows loads customer rows not loaded yet (locking them on PostgreSQL), with
// their rule data when the applier asks for it (ap.ruleData), the tenant has rules and
// the rows are few.
func (ap *applier) prefetchRows(ctx context.Context, tenantID int64, ids []int64) error {
	var todo []any
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := ap.rows[id]; !ok && !seen[id] {
			seen[id] = true
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	cols, pre := custCols, []any(nil)
	var windows []int
	if ap.ruleData && len(todo) <= ruleDataRows {
		rules, err := ap.s.rules.get(ctx, ap.tx, tenantID)
		if err != nil {
			return err
		}
		if len(rules.tags) > 0 {
			var extra string
			extra, pre = ruleDataCols(ap.tx.Dialect(), ap.now, rules.windows)
			cols, windows = custCols+", "+extra, rules.windows
		}
	}
	for start := 0; start < len(todo); start += chunk {
		part := todo[start:min(start+chunk, len(todo))]
		q := `SELECT ` + cols + ` FROM customers c WHERE c.tenant_id = ? AND c.id IN (` + placeholders(len(part)) + `) ORDER BY c.id`
		if ap.tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE`
		}
		args := append(append(append([]any{}, pre...), tenantID), part...)
		var rows []custRuleRow
		if err := ap.tx.SelectContext(ctx, &rows, q, args...); err != nil {
			return fmt.Errorf("crm: load customers: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			ap.rows[r.ID] = &r.custRow
			ap.order = append(ap.order, r.ID)
			if pre != nil {
				if err := ap.keepRuleData(r, windows); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// evalData is what evaluating rules needs beyond a customer's row, read in bulk.
type evalData struct {
	have map[int64][]int64          // customer → rule tag ids carried
	sums map[int64]map[int][2]int64 // customer → window → (spent, orders)
	done map[int64]bool             // customers whose data was read
}

// prefetchEval reads, for every customer of ids (one tenant), the rule tags they carry
// and their windowed order sums: one statement per chunk of customers (a UNION of the
// tags and one sum per window), so evaluating rules costs one round trip.
func (ap *applier) prefetchEval(ctx context.Context, tenantID int64, ids []int64, windows []int) error {
	e := ap.evalData()
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		in := placeholders(len(part))
		q := `SELECT customer_id, 0 AS w, tag_id AS a, 0 AS b FROM customer_tags
			WHERE tenant_id = ? AND source = ? AND customer_id IN (` + in + `)`
		args := []any{tenantID, TagRule}
		for _, id := range part {
			args = append(args, id)
			delete(e.have, id)
			e.sums[id] = zeroSums(windows) // a customer without a row below has nothing in the window
		}
		for _, w := range windows {
			q += fmt.Sprintf(` UNION ALL SELECT customer_id, %d AS w, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS a, COUNT(*) AS b
				FROM customer_orders WHERE tenant_id = ? AND refunded_at = 0 AND paid_at > ? AND customer_id IN (`+in+`)
				GROUP BY customer_id`, w)
			args = append(args, tenantID, ap.now-int64(w)*day)
			for _, id := range part {
				args = append(args, id)
			}
		}
		var rows []struct {
			CustomerID int64 `db:"customer_id"`
			W          int   `db:"w"`
			A          int64 `db:"a"`
			B          int64 `db:"b"`
		}
		if err := ap.tx.SelectContext(ctx, &rows, q, args...); err != nil {
			return fmt.Errorf("crm: rule data: %w", err)
		}
		for _, r := range rows {
			if r.W == 0 {
				e.have[r.CustomerID] = append(e.have[r.CustomerID], r.A)
				continue
			}
			m := e.sums[r.CustomerID]
			if m == nil {
				m = map[int][2]int64{}
				e.sums[r.CustomerID] = m
			}
			m[r.W] = [2]int64{r.A, r.B}
		}
		for _, id := range part {
			e.done[id] = true
		}
	}
	return nil
}

// saveChunk is how many rows one UPDATE writes.
var saveChunk = 100

// saveCols are the columns saveRows writes, with the SQL type a placeholder is cast to
// (PostgreSQL types a VALUES list from its first row).
var saveCols = []struct{ name, typ string }{
	{"id", "BIGINT"}, {"name", "TEXT"}, {"phone", "TEXT"}, {"remark", "TEXT"}, {"first_source", "TEXT"}, {"last_source", "TEXT"},
	{"orders_count", "BIGINT"}, {"spent_fen", "BIGINT"}, {"watch_ms", "BIGINT"}, {"last_seen_at", "BIGINT"},
	{"merged_into", "BIGINT"}, {"erased_at", "BIGINT"}, {"updated_at", "BIGINT"}, {"first_touch_at", "BIGINT"},
	{"last_touch_at", "BIGINT"}, {"first_entry_link_id", "BIGINT"}, {"last_entry_link_id", "BIGINT"}, {"sessions", "BIGINT"},
	{"reservations", "BIGINT"}, {"no_shows", "BIGINT"}, {"comments", "BIGINT"}, {"gifts_fen", "BIGINT"},
}

// saveRows writes changed rows of one tenant back with one UPDATE … FROM (VALUES …) per
// chunk; callers order rows leaving the phone index first.
func (ap *applier) saveRows(ctx context.Context, rows []*custRow) error {
	if len(rows) == 1 || saveChunk == 1 {
		for _, r := range rows {
			if err := saveCustomer(ctx, ap.tx, r); err != nil {
				return err
			}
		}
		return nil
	}
	var set []string
	first := make([]string, len(saveCols))
	for i, c := range saveCols {
		first[i] = "CAST(? AS " + c.typ + ")"
		if i > 0 {
			set = append(set, fmt.Sprintf("%s = v.column%d", c.name, i+1))
		}
	}
	firstRow := "(" + strings.Join(first, ", ") + ")"
	row := "(" + placeholders(len(saveCols)) + ")"
	for start := 0; start < len(rows); start += saveChunk {
		part := rows[start:min(start+saveChunk, len(rows))]
		var b strings.Builder
		b.WriteString("UPDATE customers SET " + strings.Join(set, ", ") + " FROM (VALUES ")
		args := make([]any, 0, len(part)*len(saveCols)+1)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", " + row)
			} else {
				b.WriteString(firstRow)
			}
			args = append(args, r.ID, r.Name, r.Phone, r.Remark, r.FirstSource, r.LastSource, r.OrdersCount, r.SpentFen,
				r.WatchMS, r.LastSeenAt, r.MergedInto, r.ErasedAt, r.UpdatedAt, r.FirstTouchAt, r.LastTouchAt, r.FirstLinkID,
				r.LastLinkID, r.Sessions, r.Reservations, r.NoShows, r.Comments, r.GiftsFen)
		}
		b.WriteString(") AS v WHERE customers.id = v.column1 AND customers.tenant_id = ?")
		args = append(args, part[0].TenantID)
		if _, err := ap.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("crm: save customers: %w", err)
		}
	}
	return nil
}
