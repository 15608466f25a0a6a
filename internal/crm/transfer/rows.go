package transfer

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// Row filters of RowQuery.
const (
	FilterAll    = ""       // every row
	FilterIssues = "issues" // rows with an error or a note
	FilterErrors = "error"  // rows that are skipped, and rows the CRM refused on confirm
	FilterNew    = "new"
	FilterMerge  = "merge"
)

// RowQuery pages through an import's rows in file order.
type RowQuery struct {
	Filter string // see the Filter constants
	Cursor string // next_cursor of the previous page (a row number)
	Limit  int    // 1–500 [100]
}

// Rows lists an import's rows in file order with their issues.
func (s *Service) Rows(ctx context.Context, p org.Principal, id int64, q RowQuery) ([]RowReport, string, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return nil, "", err
	}
	if _, err := getImport(ctx, s.store, p.TenantID, id); err != nil {
		return nil, "", err
	}
	return s.rows(ctx, p, id, q)
}

func (s *Service) rows(ctx context.Context, p org.Principal, id int64, q RowQuery) ([]RowReport, string, error) {
	after, err := parseCursor(q.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit == 0 {
		limit = 100
	}
	if limit < 1 || limit > 500 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 500")
	}
	where := "tenant_id = ? AND import_id = ? AND row_no > ?"
	args := []any{p.TenantID, id, after}
	switch q.Filter {
	case FilterAll:
	case FilterIssues:
		where += " AND issues <> ''"
	case FilterErrors:
		where += " AND (status = ? OR result = ?)"
		args = append(args, StatusError, ResultFailed)
	case FilterNew, FilterMerge:
		where += " AND status = ?"
		args = append(args, q.Filter)
	default:
		return nil, "", siyu.Invalid("filter", "filter must be issues, error, new or merge")
	}
	var recs []rowRec
	if err := s.store.SelectContext(ctx, &recs, `SELECT `+rowCols+` FROM customer_import_rows WHERE `+where+`
		ORDER BY row_no LIMIT ?`, append(args, limit+1)...); err != nil {
		return nil, "", fmt.Errorf("transfer: import rows: %w", err)
	}
	next := ""
	if len(recs) > limit {
		recs = recs[:limit]
		next = strconv.Itoa(recs[limit-1].Row)
	}
	contacts := p.Can(org.PermContactsView)
	out := make([]RowReport, len(recs))
	for i, r := range recs {
		out[i] = r.report(contacts)
	}
	return out, next, nil
}
