package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The flash-sale routes in the cross-tenant test. Staff routes with an id are called
// with tenant A's token on tenant B's session or sale and must answer 404. Viewer
// routes cannot take a staff token (401), so TestFlashSaleViewerCrossTenant checks them
// with viewer tokens of tenant A and of another session of tenant B.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	const viewerCase = "viewer token: another tenant's or session's viewer gets 404 on B's flash sale (TestFlashSaleViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/sessions/{id}/flash-sales": {path: byID("/api/v1/sessions/", "fs_session", "/flash-sales"),
			body: map[string]any{"product_id": 1, "price": 1, "stock": 1, "per_user_limit": 1}},
		"GET /api/v1/sessions/{id}/flash-sales":    {path: byID("/api/v1/sessions/", "fs_session", "/flash-sales")},
		"GET /api/v1/flash-sales/{id}":             {path: byID("/api/v1/flash-sales/", "flash_sale", "")},
		"POST /api/v1/flash-sales/{id}/end":        {path: byID("/api/v1/flash-sales/", "flash_sale", "/end")},
		"POST /api/v1/flash-sales/{id}/orders":     {public: viewerCase},
		"POST /api/v1/flash-sales/{id}/waitlist":   {public: viewerCase},
		"DELETE /api/v1/flash-sales/{id}/waitlist": {public: viewerCase},
		"GET /api/v1/viewer/flash-sales/{id}":      {public: viewerCase},
		"GET /api/v1/viewer/flash-sales":           {public: "caller-scoped: the sales of the viewer's own session"},
	}, seedFlashSale)
}

// seedFlashSale creates tenant B's flash sale in a live session of its own, with one
// order bought by a viewer of that session.
func seedFlashSale(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 秒杀 隔离标记"})
	fx.more["fs_session"] = itoa(s.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["fs_session"]+"/start", b.Token, nil)
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", b.Token, map[string]any{"name": "B秒杀品 隔离标记", "price": 9900, "stock": 10})
	f := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["fs_session"]+"/flash-sales", b.Token,
		map[string]any{"product_id": p.ID("id"), "price": 990, "stock": 3, "per_user_limit": 1})
	fx.more["flash_sale"] = itoa(f.ID("id"))
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["fs_session"]+"/viewers", "", map[string]any{"nickname": "B秒杀观众隔离标记"})
	fx.more["fs_viewer_token"] = v.JSON["token"].(string)
	app.Must(http.StatusCreated, "POST", "/api/v1/flash-sales/"+fx.more["flash_sale"]+"/orders", fx.more["fs_viewer_token"], nil)
}

// TestFlashSaleViewerCrossTenant: a viewer token reaches only its own session's flash
// sales; tenant B's sale is not found for tenant A's viewer, nor for a viewer of
// another session of B, and their lists do not show it.
func TestFlashSaleViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Flash A")
	b := app.Signup("Flash B")
	fx := fixtures{more: map[string]string{}}
	seedFlashSale(t, app, b, &fx)
	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	tokA := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"}).JSON["token"].(string)
	sb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B other show"})
	tokB2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sb.ID("id"))+"/viewers", "", map[string]any{"nickname": "B别场"}).JSON["token"].(string)
	sale := "/api/v1/flash-sales/" + fx.more["flash_sale"]
	var scenarios []apptest.Scenario
	for who, tok := range map[string]string{"tenant A's viewer": tokA, "B's viewer of another session": tokB2} {
		scenarios = append(scenarios,
			apptest.Scenario{Name: who + " buys B's sale", Method: "POST", Path: sale + "/orders", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " waits for B's sale", Method: "POST", Path: sale + "/waitlist", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " leaves B's waitlist", Method: "DELETE", Path: sale + "/waitlist", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's sale", Method: "GET", Path: "/api/v1/viewer/flash-sales/" + fx.more["flash_sale"], Token: tok,
				Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + "'s list lacks B's sale", Method: "GET", Path: "/api/v1/viewer/flash-sales", Token: tok, Status: 200,
				Has: []string{`"items":[]`}},
		)
	}
	scenarios = append(scenarios,
		apptest.Scenario{Name: "B's sale untouched", Method: "GET", Path: sale, Token: b.Token, Status: 200,
			Has: []string{`"sold":1`, `"stock_left":2`, `"status":"running"`}},
		apptest.Scenario{Name: "B's viewer sees it", Method: "GET", Path: "/api/v1/viewer/flash-sales", Token: fx.more["fs_viewer_token"], Status: 200,
			Has: []string{`"id":` + fx.more["flash_sale"]}},
	)
	app.Run(t, scenarios)
}
