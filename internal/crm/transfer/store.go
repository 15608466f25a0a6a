package transfer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
)

type importRec struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	Status       string `db:"status"`
	Filename     string `db:"filename"`
	Format       string `db:"format"`
	Encoding     string `db:"encoding"`
	Sheet        string `db:"sheet"`
	ColumnMap    string `db:"column_map"`
	Total        int64  `db:"total_rows"`
	New          int64  `db:"new_rows"`
	Merge        int64  `db:"merge_rows"`
	Errors       int64  `db:"error_rows"`
	Blank        int64  `db:"blank_rows"`
	Through      int64  `db:"applied_through"`
	Applied      int64  `db:"applied_rows"`
	Created      int64  `db:"created_count"`
	Merged       int64  `db:"merged_count"`
	Failed       int64  `db:"failed_count"`
	Error        string `db:"error"`
	CreatedBy    int64  `db:"created_by"`
	CreatedEmail string `db:"created_by_email"`
	ConfirmedBy  int64  `db:"confirmed_by"`
	ConfEmail    string `db:"confirmed_by_email"`
	CreatedAt    int64  `db:"created_at"`
	ConfirmedAt  int64  `db:"confirmed_at"`
	FinishedAt   int64  `db:"finished_at"`
}

const importCols = `id, tenant_id, status, filename, format, encoding, sheet, column_map, total_rows, new_rows, merge_rows,
	error_rows, blank_rows, applied_through, applied_rows, created_count, merged_count, failed_count, error, created_by,
	created_by_email, confirmed_by, confirmed_by_email, created_at, confirmed_at, finished_at`

func (r importRec) public() Import {
	im := Import{ID: r.ID, Status: r.Status, Filename: r.Filename, Format: r.Format, Encoding: r.Encoding, Sheet: r.Sheet,
		Counts: Counts{Rows: r.Total, New: r.New, Merge: r.Merge, Error: r.Errors, Skipped: r.Blank},
		Result: Result{Applied: r.Applied, Created: r.Created, Merged: r.Merged, Failed: r.Failed},
		Error:  r.Error, CreatedBy: r.CreatedEmail, CreatedAt: msTime(r.CreatedAt), ConfirmedBy: r.ConfEmail,
		ConfirmedAt: msTime(r.ConfirmedAt), FinishedAt: msTime(r.FinishedAt), Issues: []RowReport{}}
	if r.Status == ImportApplying || r.Status == ImportDone || r.Status == ImportFailed {
		im.Result.Skipped = r.Errors
	}
	if err := json.Unmarshal([]byte(r.ColumnMap), &im.Columns); err != nil || im.Columns == nil {
		im.Columns = []Column{}
	}
	im.UnknownColumns = UnknownColumns(im.Columns)
	return im
}

func getImport(ctx context.Context, q db.Querier, tenantID, id int64) (importRec, error) {
	var r importRec
	err := q.GetContext(ctx, &r, `SELECT `+importCols+` FROM customer_imports WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "customer import %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("transfer: import %d: %w", id, err)
	}
	return r, nil
}

type rowRec struct {
	TenantID   int64  `db:"tenant_id"`
	ImportID   int64  `db:"import_id"`
	Row        int    `db:"row_no"`
	Status     string `db:"status"`
	Name       string `db:"name"`
	Phone      string `db:"phone"`
	OpenID     string `db:"openid"`
	UnionID    string `db:"unionid"`
	Tags       string `db:"tags"`
	Remark     string `db:"remark"`
	Source     string `db:"source"`
	Same       int    `db:"same_as_row"`
	CustomerID int64  `db:"customer_id"`
	Issues     string `db:"issues"`
	Result     string `db:"result"`
}

const rowCols = `tenant_id, import_id, row_no, status, name, phone, openid, unionid, tags, remark, source, same_as_row,
	customer_id, issues, result`

func (p *plan) rec(tenantID, importID int64) rowRec {
	r := rowRec{TenantID: tenantID, ImportID: importID, Row: p.Line, Status: p.Status, Name: p.Name, Phone: p.Phone,
		OpenID: p.OpenID, UnionID: p.UnionID, Tags: strings.Join(p.Tags, "\t"), Remark: p.Remark, Source: p.Source,
		Same: p.Same, CustomerID: p.Target, Result: p.Result}
	if p.Created != 0 {
		r.CustomerID = p.Created
	}
	if len(p.Issues) > 0 {
		b, _ := json.Marshal(p.Issues)
		r.Issues = string(b)
	}
	return r
}

func (r rowRec) plan() *plan {
	p := &plan{Line: r.Row, Status: r.Status, Name: r.Name, Phone: r.Phone, OpenID: r.OpenID, UnionID: r.UnionID,
		Remark: r.Remark, Source: r.Source, Same: r.Same, Target: r.CustomerID, Result: r.Result}
	if r.Tags != "" {
		p.Tags = strings.Split(r.Tags, "\t")
	}
	if r.Issues != "" {
		_ = json.Unmarshal([]byte(r.Issues), &p.Issues)
	}
	return p
}

// report is the row as the API shows it to someone with (or without) contacts.view.
func (r rowRec) report(contacts bool) RowReport {
	p := r.plan()
	out := RowReport{Row: r.Row, Status: r.Status, Result: r.Result, Name: r.Name, Phone: r.Phone, Tags: p.Tags,
		SameAsRow: r.Same, CustomerID: r.CustomerID, Issues: p.Issues}
	if !contacts {
		out.Phone = crm.MaskPhone(out.Phone)
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Issues == nil {
		out.Issues = []Issue{}
	}
	return out
}

// insertRows stores plans in multi-row statements.
func insertRows(ctx context.Context, q db.Querier, tenantID, importID int64, plans []*plan) error {
	const per = 200
	for start := 0; start < len(plans); start += per {
		part := plans[start:min(start+per, len(plans))]
		var b strings.Builder
		b.WriteString(`INSERT INTO customer_import_rows (` + rowCols + `) VALUES `)
		args := make([]any, 0, len(part)*15)
		for i, p := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			r := p.rec(tenantID, importID)
			args = append(args, r.TenantID, r.ImportID, r.Row, r.Status, r.Name, r.Phone, r.OpenID, r.UnionID, r.Tags,
				r.Remark, r.Source, r.Same, r.CustomerID, r.Issues, r.Result)
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("transfer: store rows: %w", err)
		}
	}
	return nil
}

// ruleTags returns the names of a tenant's rule tags.
func ruleTags(ctx context.Context, q db.Querier, tenantID int64) (map[string]bool, error) {
	var names []string
	if err := q.SelectContext(ctx, &names, `SELECT name FROM tags WHERE tenant_id = ? AND kind = ?`, tenantID, crm.TagRule); err != nil {
		return nil, fmt.Errorf("transfer: rule tags: %w", err)
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// owner is the live customer an identity belongs to.
type owner struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// owners finds the live customers of identities, as the CRM does (a phone also by the
// customers' phone column), a chunk of values per statement.
func owners(ctx context.Context, q db.Querier, tenantID int64, ids []identity) (map[identity]owner, error) {
	byKind := map[string][]any{}
	for _, id := range ids {
		byKind[id.kind] = append(byKind[id.kind], id.value)
	}
	out := map[identity]owner{}
	const chunk = 400
	for kind, values := range byKind {
		for start := 0; start < len(values); start += chunk {
			part := values[start:min(start+chunk, len(values))]
			in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
			var rows []struct {
				Value string `db:"value"`
				owner
			}
			err := q.SelectContext(ctx, &rows, `SELECT ci.value, c.id, c.name FROM customer_identities ci
				JOIN customers c ON c.tenant_id = ci.tenant_id AND c.id = ci.customer_id
				WHERE ci.tenant_id = ? AND ci.kind = ? AND ci.value IN (`+in+`) AND c.merged_into IS NULL AND c.erased_at IS NULL`,
				append([]any{tenantID, kind}, part...)...)
			if err != nil {
				return nil, fmt.Errorf("transfer: existing customers: %w", err)
			}
			for _, r := range rows {
				out[identity{kind, r.Value}] = r.owner
			}
			if kind != crm.KindPhone {
				continue
			}
			var phones []struct {
				Phone string `db:"phone"`
				owner
			}
			if err := q.SelectContext(ctx, &phones, `SELECT phone, id, name FROM customers WHERE tenant_id = ? AND phone IN (`+in+`)
				AND merged_into IS NULL AND erased_at IS NULL`, append([]any{tenantID}, part...)...); err != nil {
				return nil, fmt.Errorf("transfer: existing customers: %w", err)
			}
			for _, r := range phones {
				if _, ok := out[identity{kind, r.Phone}]; !ok {
					out[identity{kind, r.Phone}] = r.owner
				}
			}
		}
	}
	return out, nil
}
