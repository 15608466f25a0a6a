package transfer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/testkit"
)

// env is one brand with an owner (every permission) and a host (customers.view only,
// no contacts.view), the CRM and segments as the server wires them, and the import
// service (confirmed imports run as jobs when opt has a queue).
type env struct {
	t     *testing.T
	ctx   context.Context
	store *db.DB
	clock *testkit.Clock
	org   *org.Service
	crm   *crm.Service
	seg   *segment.Service
	svc   *transfer.Service
	owner org.Principal
	host  org.Principal
}

var cheap = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T, store *db.DB, opt transfer.Options) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: store, clock: testkit.NewClock(time.Date(2030, 3, 6, 12, 0, 0, 0, time.UTC))}
	e.org = org.NewService(store, org.Options{Now: e.clock.Now, Password: cheap})
	e.crm = crm.NewService(store, crm.Options{Now: e.clock.Now})
	e.seg = segment.NewService(store, segment.Options{Now: e.clock.Now, PageSize: 100})
	e.crm.AddObserver(e.seg)
	opt.Now, opt.Segments = e.clock.Now, e.seg
	e.svc = transfer.NewService(store, e.crm, opt)
	e.owner = e.signup("Brand")
	e.host = e.staff("host", org.RoleHost)
	return e
}

func (e *env) signup(name string) org.Principal {
	e.t.Helper()
	res, err := e.org.Signup(e.ctx, org.SignupInput{Name: name, OwnerEmail: strings.ToLower(name) +
		time.Now().Format("150405.000000000") + "@x.io", OwnerPassword: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	u := res.User
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (e *env) staff(name string, role org.Role) org.Principal {
	e.t.Helper()
	u, err := e.org.CreateStaff(e.ctx, e.owner, org.StaffInput{Email: name + time.Now().Format("150405.000000000") + "@x.io",
		Name: name, Role: role, Password: "password-123"})
	if err != nil {
		e.t.Fatal(err)
	}
	return org.Principal{TenantID: u.TenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// customer creates a customer through the CRM.
func (e *env) customer(p org.Principal, in crm.CustomerInput) crm.Customer {
	e.t.Helper()
	c, err := e.crm.Create(e.ctx, p, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// upload runs a dry run of a CSV text.
func (e *env) upload(p org.Principal, csv string) transfer.Import {
	e.t.Helper()
	im, err := e.svc.Upload(e.ctx, p, transfer.Upload{Filename: "客户.csv", Data: []byte(csv)})
	if err != nil {
		e.t.Fatal(err)
	}
	return im
}

// customers counts a tenant's live customers.
func (e *env) customers(tenantID int64) int {
	e.t.Helper()
	var n int
	if err := e.store.GetContext(e.ctx, &n, `SELECT COUNT(*) FROM customers WHERE tenant_id = ? AND merged_into IS NULL`, tenantID); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// rows returns every row report of an import by row number.
func (e *env) rows(p org.Principal, id int64) map[int]transfer.RowReport {
	e.t.Helper()
	out := map[int]transfer.RowReport{}
	cursor := ""
	for {
		page, next, err := e.svc.Rows(e.ctx, p, id, transfer.RowQuery{Cursor: cursor, Limit: 500})
		if err != nil {
			e.t.Fatal(err)
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
	e.t.Helper()
	var out []string
	if err := e.store.SelectContext(e.ctx, &out, `SELECT target || ' ' || detail FROM audit_log WHERE tenant_id = ? AND action = ?
		ORDER BY id DESC`, tenantID, action); err != nil {
		e.t.Fatal(err)
	}
	return out
}
