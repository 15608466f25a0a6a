package segment

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/siyu-live/siyu/internal/db"
)

// CountSQL counts a rule's customers with one SQL query over the tables instead of the
// index. It is the slow, obviously correct path: tests and `siyu bench crm` use it to
// prove the index agrees with the tables; nothing on a request path calls it.
func (s *Service) CountSQL(ctx context.Context, tenantID int64, rule string) (int64, error) {
	e, err := Parse(rule)
	if err != nil {
		return 0, err
	}
	tags, err := resolveTags(ctx, s.store, tenantID, e.TagNames())
	if err != nil {
		return 0, err
	}
	where, args := sqlWhere(e, tags, s.now().UnixMilli())
	var n int64
	err = s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM customers c WHERE c.tenant_id = ? AND c.merged_into IS NULL
		AND c.erased_at IS NULL AND (`+where+`)`, append([]any{tenantID}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("segment: count in SQL: %w", err)
	}
	return n, nil
}

// sqlWhere translates a rule into a condition on customers c with the same meaning as
// the evaluator (never seen is infinitely long ago; an unknown tag matches nobody).
func sqlWhere(e *Expr, tags map[string]int64, now int64) (string, []any) {
	var b strings.Builder
	var args []any
	var emit func(n node)
	emit = func(n node) {
		switch n := n.(type) {
		case andNode, orNode:
			terms, sep := []node(nil), " AND "
			if a, ok := n.(andNode); ok {
				terms = a.terms
			} else {
				terms, sep = n.(orNode).terms, " OR "
			}
			b.WriteByte('(')
			for i, x := range terms {
				if i > 0 {
					b.WriteString(sep)
				}
				emit(x)
			}
			b.WriteByte(')')
		case notNode:
			b.WriteString("NOT (")
			emit(n.x)
			b.WriteByte(')')
		case tagTerm:
			id, ok := tags[n.name]
			if !ok {
				id = -1
			}
			b.WriteString(`EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.tenant_id = c.tenant_id AND ct.customer_id = c.id AND ct.tag_id = ?)`)
			args = append(args, id)
		case sourceTerm:
			col := "c.first_source"
			if n.last {
				col = "c.last_source"
			}
			b.WriteString(col + " = ?")
			args = append(args, n.channel)
		case cmpTerm:
			op := n.op
			if op == "!=" {
				op = "<>"
			}
			switch n.metric {
			case metricOrders:
				b.WriteString("c.orders_count " + op + " ?")
			case metricSpent:
				b.WriteString("c.spent_fen " + op + " ?")
			case metricWatched:
				b.WriteString("c.watch_ms " + op + " ?")
			case metricSeen:
				b.WriteString(fmt.Sprintf("(CASE WHEN COALESCE(c.last_seen_at, 0) = 0 THEN %d ELSE ? - c.last_seen_at END) %s ?",
					int64(math.MaxInt64), op))
				args = append(args, now)
			}
			args = append(args, n.value)
		}
	}
	emit(e.root)
	return b.String(), args
}

// resolveTags finds the ids of tag names in one query; names with no tag are absent.
func resolveTags(ctx context.Context, q db.Querier, tenantID int64, names []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(names) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	for _, n := range names {
		args = append(args, n)
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT id, name FROM tags WHERE tenant_id = ? AND name IN (`+placeholders(len(names))+`)`,
		args...); err != nil {
		return nil, fmt.Errorf("segment: resolve tags: %w", err)
	}
	for _, r := range rows {
		out[r.Name] = r.ID
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
