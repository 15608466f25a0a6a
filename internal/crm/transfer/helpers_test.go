package transfer_test

import (
	"testing"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// env is one brand with an owner (every permission) and a host (customers.view only,
// no contacts.view), the CRM and segments as the server wires them, and the import
// service (confirmed imports run as jobs when opt has a queue).
type env struct {
	*crmtest.Env
	svc  *transfer.Service
	host org.Principal
}

func newEnv(t *testing.T, store *db.DB, opt transfer.Options) *env {
	t.Helper()
	e := &env{Env: crmtest.New(t, store)}
	e.NewCRM(crm.Options{})
	e.NewSegments(segment.Options{PageSize: 100})
	opt.Now, opt.Segments = e.Clock.Now, e.Segments
	e.svc = transfer.NewService(store, e.CRM, opt)
	e.Owner = e.Signup("Brand")
	e.host = e.Staff("host", org.RoleHost)
	return e
}

// upload runs a dry run of a CSV text.
func (e *env) upload(p org.Principal, csv string) transfer.Import {
	e.T.Helper()
	im, err := e.svc.Upload(e.Ctx, p, transfer.Upload{Filename: "客户.csv", Data: []byte(csv)})
	if err != nil {
		e.T.Fatal(err)
	}
	return im
}

// customers counts a tenant's live customers.
func (e *env) customers(tenantID int64) int {
	e.T.Helper()
	var n int
	if err := e.Store.GetContext(e.Ctx, &n, `SELECT COUNT(*) FROM customers WHERE tenant_id = ? AND merged_into IS NULL`, tenantID); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// rows returns every row report of an import by row number.
func (e *env) rows(p org.Principal, id int64) map[int]transfer.RowReport {
	e.T.Helper()
	out := map[int]transfer.RowReport{}
	cursor := ""
	for {
		page, next, err := e.svc.Rows(e.Ctx, p, id, transfer.RowQuery{Cursor: cursor, Limit: 500})
		if err != nil {
			e.T.Fatal(err)
		}
		for _, r := range page {
			out[r.Row] = r
		}
		if next == "" {
			return out
		}
		cursor = next
	}
}

// codes lists a row's issue codes as level:code@column.
func codes(r transfer.RowReport) []string {
	out := []string{}
	for _, i := range r.Issues {
		s := i.Level + ":" + i.Code
		if i.Column != "" {
			s += "@" + i.Column
		}
		out = append(out, s)
	}
	return out
}

// audit lists a tenant's audit entries of one action (target and detail), newest first.
func (e *env) audit(tenantID int64, action string) []string {
	e.T.Helper()
	var out []string
	if err := e.Store.SelectContext(e.Ctx, &out, `SELECT target || ' ' || detail FROM audit_log WHERE tenant_id = ? AND action = ?
		ORDER BY id DESC`, tenantID, action); err != nil {
		e.T.Fatal(err)
	}
	return out
}
