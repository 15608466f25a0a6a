package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The analytics routes in the cross-tenant test: tenant A's token on tenant B's session
// (the one with B's order, seeded by the commerce cases) answers 404 for the dashboard,
// the report and its export, customers and tagging. The viewer event route cannot be
// called with a staff token; TestAnalyticsViewerCrossTenant checks it with tenant A's
// viewer on B's product.
func init() {
	sess := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/sessions/" + b.more["shop_session"] + suffix }
	}
	addIsolation(map[string]isolationCase{
		"GET /api/v1/sessions/{id}/dashboard":        {path: sess("/dashboard")},
		"GET /api/v1/sessions/{id}/report":           {path: sess("/report")},
		"GET /api/v1/sessions/{id}/report.xlsx":      {path: sess("/report.xlsx")},
		"GET /api/v1/sessions/{id}/report/customers": {path: sess("/report/customers?group=converted")},
		"POST /api/v1/sessions/{id}/report/tag": {path: sess("/report/tag"),
			body: map[string]any{"group": "converted", "tags": []string{"hijack"}}},
		"POST /api/v1/viewer/events": {public: "viewer token: tenant A's viewer gets 404 on B's product (TestAnalyticsViewerCrossTenant)"},
	}, nil)
}

// TestAnalyticsViewerCrossTenant: a viewer of tenant A cannot record views of tenant
// B's product, and B's report never counts A's viewers; A's report of its own session
// shows nothing of B's.
func TestAnalyticsViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Analytics A")
	b := app.Signup("Analytics B 隔离标记")
	fx := fixtures{more: map[string]string{}}
	seedCommerce(t, app, b, &fx)
	sa := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"}).ID("id"))
	va := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sa+"/viewers", "", map[string]any{"nickname": "A观众"})
	tokA := va.JSON["token"].(string)
	view := func(product string) map[string]any {
		return map[string]any{"events": []map[string]any{{"type": "product_view", "product_id": numID(product)}}}
	}
	app.Run(t, []apptest.Scenario{
		{Name: "view B's product", Method: "POST", Path: "/api/v1/viewer/events", Token: tokA, Body: view(fx.more["product"]),
			Status: 404, Code: "not_found"},
		{Name: "B's report has no such view", Method: "GET", Path: "/api/v1/sessions/" + fx.more["shop_session"] + "/report", Token: b.Token,
			Status: 200, Has: []string{`"orders":1`}, Lacks: []string{`"views":1`}},
		{Name: "A's report lacks B's data", Method: "GET", Path: "/api/v1/sessions/" + sa + "/report", Token: a.Token, Status: 200,
			Has: []string{`"orders":0`, `"viewers":0`}, Lacks: []string{"隔离标记"}},
		{Name: "staff token on the viewer route", Method: "POST", Path: "/api/v1/viewer/events", Token: a.Token, Body: view(fx.more["product"]),
			Status: 401},
	})
	r := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+sa+"/dashboard", a.Token, nil)
	if strings.Contains(string(r.Body), "隔离标记") {
		t.Fatalf("A's dashboard shows B's data: %s", r.Body)
	}
}
