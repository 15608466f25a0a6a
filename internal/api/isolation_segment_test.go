package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The segment routes in the cross-tenant test: tenant A's token on tenant B's segment
// answers 404 for every route with an id, B's segments never show in A's list, and
// rules are evaluated over the caller's own customers only, even when they name B's
// tags (TestSegmentCrossTenant).
func init() {
	byID := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/segments/" + b.more["segment"] + suffix }
	}
	addIsolation(map[string]isolationCase{
		"POST /api/v1/segments":               {public: "creates in the caller's tenant; its tags and customers are the caller's (TestSegmentCrossTenant)"},
		"GET /api/v1/segments":                {list: true},
		"POST /api/v1/segments/preview":       {public: "counts the caller's customers only (TestSegmentCrossTenant)"},
		"GET /api/v1/segments/{id}":           {path: byID("")},
		"PATCH /api/v1/segments/{id}":         {path: byID(""), body: map[string]any{"name": "hijack"}},
		"DELETE /api/v1/segments/{id}":        {path: byID("")},
		"GET /api/v1/segments/{id}/customers": {path: byID("/customers")},
	}, seedSegment)
}

// seedSegment creates tenant B's customer carrying a marked tag and a segment of it.
func seedSegment(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B分群客户 隔离标记",
		"phone": "13700008888", "tags": []string{"分群隔离标记"}})
	s := app.Must(http.StatusCreated, "POST", "/api/v1/segments", b.Token, map[string]any{"name": "B分群 隔离标记",
		"rule": "tag:分群隔离标记"})
	fx.more["segment"] = itoa(s.ID("id"))
}

// TestSegmentCrossTenant: a rule naming tenant B's tag counts nobody for tenant A (in a
// preview and in a saved segment), shows none of B's customers, and leaves B's own
// count as it was.
func TestSegmentCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Segment A")
	b := app.Signup("Segment B")
	fx := fixtures{more: map[string]string{}}
	seedSegment(t, app, b, &fx)
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", a.Token, map[string]any{"name": "A的客户", "tags": []string{"a_only"}})
	rule := map[string]any{"rule": "tag:分群隔离标记 OR NOT tag:a_only"}
	app.Run(t, []apptest.Scenario{
		{Name: "A previews B's tag", Method: "POST", Path: "/api/v1/segments/preview", Token: a.Token, Body: rule, Status: 200,
			Has: []string{`"count":0`, `"sample":[]`}, Lacks: []string{"隔离标记客户", "13700008888", "B分群客户"}},
		{Name: "A saves B's rule", Method: "POST", Path: "/api/v1/segments", Token: a.Token,
			Body: map[string]any{"name": "偷看", "rule": "tag:分群隔离标记"}, Status: 201, Has: []string{`"count":0`}},
		{Name: "B's count unchanged", Method: "GET", Path: "/api/v1/segments/" + fx.more["segment"], Token: b.Token, Status: 200,
			Has: []string{`"count":1`}},
		{Name: "B previews its own tag", Method: "POST", Path: "/api/v1/segments/preview", Token: b.Token, Body: rule, Status: 200,
			Has: []string{`"count":1`, "B分群客户"}},
	})
}
