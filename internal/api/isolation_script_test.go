package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The script library routes in the cross-tenant test: tenant A's token on tenant B's
// category or script answers 404 for every route with an id, B's library never shows
// in A's lists, and A cannot file a script under B's category or render one for B's
// customer (TestScriptCrossTenant).
func init() {
	script := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/scripts/" + b.more["script"] + suffix }
	}
	category := func(b fixtures) string { return "/api/v1/script-categories/" + b.more["script_category"] }
	addIsolation(map[string]isolationCase{
		"GET /api/v1/script-categories":         {list: true},
		"POST /api/v1/script-categories":        {public: "creates in the caller's tenant"},
		"PATCH /api/v1/script-categories/{id}":  {path: category, body: map[string]any{"name": "hijack"}},
		"DELETE /api/v1/script-categories/{id}": {path: category},
		"GET /api/v1/scripts":                   {list: true},
		"POST /api/v1/scripts":                  {public: "creates in the caller's tenant; another tenant's category is not found (TestScriptCrossTenant)"},
		"GET /api/v1/scripts/{id}":              {path: script("")},
		"PATCH /api/v1/scripts/{id}":            {path: script(""), body: map[string]any{"title": "hijack"}},
		"DELETE /api/v1/scripts/{id}":           {path: script("")},
		"POST /api/v1/scripts/{id}/render":      {path: script("/render"), body: map[string]any{}},
	}, seedScript)
}

// seedScript creates tenant B's marked category and a script in it.
func seedScript(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	c := app.Must(http.StatusCreated, "POST", "/api/v1/script-categories", b.Token, map[string]any{"name": "B分类 隔离标记"})
	fx.more["script_category"] = itoa(c.ID("id"))
	s := app.Must(http.StatusCreated, "POST", "/api/v1/scripts", b.Token, map[string]any{"title": "B话术 隔离标记",
		"category_id": c.ID("id"), "snippets": []map[string]any{{"kind": "text", "text": "隔离标记 {name}"}}})
	fx.more["script"] = itoa(s.ID("id"))
}

// TestScriptCrossTenant: tenant A cannot file under B's category, render its own script
// for B's customer or find B's script by search; B's script is untouched and unsent.
func TestScriptCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Script A")
	b := app.Signup("Script B")
	fx := fixtures{more: map[string]string{}}
	seedScript(t, app, b, &fx)
	bCust := app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B客户 隔离标记"})
	mine := app.Must(http.StatusCreated, "POST", "/api/v1/scripts", a.Token, map[string]any{"title": "A话术",
		"snippets": []map[string]any{{"kind": "text", "text": "{name}您好"}}})
	app.Run(t, []apptest.Scenario{
		{Name: "A files under B's category", Method: "POST", Path: "/api/v1/scripts", Token: a.Token, Body: map[string]any{"title": "x",
			"category_id": fx.more["script_category"], "snippets": []map[string]any{{"kind": "text", "text": "x"}}}, Status: 400},
		{Name: "A files under B's category (number)", Method: "POST", Path: "/api/v1/scripts", Token: a.Token, Body: map[string]any{"title": "x",
			"category_id": scriptNum(fx.more["script_category"]), "snippets": []map[string]any{{"kind": "text", "text": "x"}}}, Status: 404, Code: "not_found"},
		{Name: "A moves its script into B's category", Method: "PATCH", Path: "/api/v1/scripts/" + itoa(mine.ID("id")), Token: a.Token,
			Body: map[string]any{"category_id": scriptNum(fx.more["script_category"])}, Status: 404, Code: "not_found"},
		{Name: "A renders for B's customer", Method: "POST", Path: "/api/v1/scripts/" + itoa(mine.ID("id")) + "/render", Token: a.Token,
			Body: map[string]any{"customer_id": bCust.ID("id")}, Status: 404, Code: "not_found", Lacks: []string{"B客户"}},
		{Name: "A searches B's marker", Method: "GET", Path: "/api/v1/scripts?q=隔离标记", Token: a.Token, Status: 200, Has: []string{`"items":[]`}},
		{Name: "B's script unsent", Method: "GET", Path: "/api/v1/scripts/" + fx.more["script"], Token: b.Token, Status: 200,
			Has: []string{`"title":"B话术 隔离标记"`, `"use_count":0`, `"category":"B分类 隔离标记"`}},
	})
}

// scriptNum is a fixture id as the JSON number a client sends.
func scriptNum(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
