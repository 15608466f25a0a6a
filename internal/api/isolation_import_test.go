package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The customer import and export routes in the cross-tenant test: tenant A's token on
// tenant B's import answers 404, B's imports never show in A's list, and A's export
// holds none of B's customers. An import only ever merges into the caller's own
// customers, and a segment export names the caller's own segment (TestImportCrossTenant).
func init() {
	byID := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/customer-imports/" + b.more["import"] + suffix }
	}
	addIsolation(map[string]isolationCase{
		"POST /api/v1/customer-imports":              {public: "imports into the caller's tenant, merging only with its customers (TestImportCrossTenant)"},
		"GET /api/v1/customer-imports":               {list: true},
		"GET /api/v1/customer-imports/{id}":          {path: byID("")},
		"GET /api/v1/customer-imports/{id}/rows":     {path: byID("/rows")},
		"POST /api/v1/customer-imports/{id}/confirm": {path: byID("/confirm")},
		"GET /api/v1/customers/export":               {list: true},
	}, seedImport)
}

// seedImport gives tenant B a customer and a dry-run import, both marked.
func seedImport(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B导入客户 隔离标记", "phone": "13600006666"})
	r := app.Must(http.StatusCreated, "POST", "/api/v1/customer-imports?format=csv&filename=B名单-隔离标记.csv", b.Token,
		[]byte("姓名,手机\nB文件里的人 隔离标记,13600006666\n"))
	fx.more["import"] = itoa(r.ID("id"))
}

// TestImportCrossTenant: a file naming tenant B's customer's phone creates a customer
// of A's own instead of merging into B's, B's customer is untouched, and A cannot
// export B's segment.
func TestImportCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Import A")
	b := app.Signup("Import B")
	fx := fixtures{more: map[string]string{}}
	seedImport(t, app, b, &fx)
	seg := app.Must(http.StatusCreated, "POST", "/api/v1/segments", b.Token, map[string]any{"name": "B分群", "rule": "tag:x"})
	r := app.Must(http.StatusCreated, "POST", "/api/v1/customer-imports?format=csv", a.Token, []byte("姓名,手机\nA的客户,13600006666\n"))
	if c := r.JSON["counts"].(map[string]any); c["new"] != 1.0 || c["merge"] != 0.0 {
		t.Fatalf("A's dry run merges into B's customer: %s", r.Body)
	}
	app.Must(http.StatusAccepted, "POST", "/api/v1/customer-imports/"+itoa(r.ID("id"))+"/confirm", a.Token, nil)
	done := waitImport(t, app, a.Token, itoa(r.ID("id")))
	if res := done.JSON["result"].(map[string]any); res["created"] != 1.0 {
		t.Fatalf("A's import: %s", done.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "B's customer untouched", Method: "GET", Path: "/api/v1/customers?q=13600006666", Token: b.Token, Status: 200,
			Has: []string{"B导入客户"}, Lacks: []string{"A的客户"}},
		{Name: "A's own", Method: "GET", Path: "/api/v1/customers/export", Token: a.Token, Status: 200,
			Has: []string{"A的客户"}, Lacks: []string{"B导入客户"}},
		{Name: "B's segment", Method: "GET", Path: "/api/v1/customers/export?segment_id=" + itoa(seg.ID("id")), Token: a.Token, Status: 404},
	})
}
