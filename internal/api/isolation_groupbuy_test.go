package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The group-buy and assist routes in the cross-tenant test. Staff routes with an id
// are called with tenant A's token on tenant B's objects and must answer 404. Viewer
// routes cannot be called with a staff token (401), so TestGroupBuyAssistViewerCrossTenant
// checks them with viewer tokens of tenant A and of another session of tenant B.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	sess := func(suffix string) func(b fixtures) string { return byID("/api/v1/sessions/", "gb_session", suffix) }
	const viewerCase = "viewer token: tenant A's viewer gets 404 on B's group buys and assists (TestGroupBuyAssistViewerCrossTenant)"
	const ownSession = "caller-scoped: the open offers of the viewer's own session (TestGroupBuyAssistViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/sessions/{id}/group-buys": {path: sess("/group-buys"),
			body: map[string]any{"product_id": 1, "price": 100, "group_size": 2, "time_limit_seconds": 600}},
		"GET /api/v1/sessions/{id}/group-buys":    {path: sess("/group-buys")},
		"GET /api/v1/group-buys/{id}":             {path: byID("/api/v1/group-buys/", "group_buy", "")},
		"POST /api/v1/group-buys/{id}/close":      {path: byID("/api/v1/group-buys/", "group_buy", "/close")},
		"POST /api/v1/group-buys/{id}/groups":     {public: viewerCase},
		"POST /api/v1/group-buy-groups/{id}/join": {public: viewerCase},
		"GET /api/v1/viewer/group-buys":           {public: ownSession},
		"GET /api/v1/viewer/group-buys/{id}":      {public: viewerCase},
		"POST /api/v1/sessions/{id}/assists": {path: sess("/assists"),
			body: map[string]any{"product_id": 1, "price": 100, "helpers_needed": 2, "time_limit_seconds": 600}},
		"GET /api/v1/sessions/{id}/assists":          {path: sess("/assists")},
		"GET /api/v1/assists/{id}":                   {path: byID("/api/v1/assists/", "assist", "")},
		"POST /api/v1/assists/{id}/close":            {path: byID("/api/v1/assists/", "assist", "/close")},
		"POST /api/v1/assists/{id}/campaigns":        {public: viewerCase},
		"POST /api/v1/assist-campaigns/{code}/help":  {public: viewerCase},
		"POST /api/v1/assist-campaigns/{code}/order": {public: viewerCase},
		"GET /api/v1/viewer/assists":                 {public: ownSession},
		"GET /api/v1/viewer/assists/{id}":            {public: viewerCase},
		"GET /api/v1/viewer/assist-campaigns/{code}": {public: viewerCase},
	}, seedGroupBuyAssist)
}

// seedGroupBuyAssist creates tenant B's group buy with a forming group and an assist
// with a campaign, in a live session of its own, on a virtual product.
func seedGroupBuyAssist(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 拼团助力 隔离标记"})
	fx.more["gb_session"] = itoa(s.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["gb_session"]+"/start", b.Token, nil)
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", b.Token, map[string]any{"name": "B拼团商品 隔离标记", "price": 9900,
		"stock": 50, "virtual": true})
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["gb_session"]+"/viewers", "", map[string]any{"nickname": "B团长隔离标记"})
	fx.more["gb_viewer_token"] = v.JSON["token"].(string)
	gb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["gb_session"]+"/group-buys", b.Token,
		map[string]any{"product_id": p.ID("id"), "price": 5900, "group_size": 3, "time_limit_seconds": 3600})
	fx.more["group_buy"] = itoa(gb.ID("id"))
	g := app.Must(http.StatusCreated, "POST", "/api/v1/group-buys/"+fx.more["group_buy"]+"/groups", fx.more["gb_viewer_token"], nil)
	fx.more["gb_group"] = itoa(int64(g.JSON["group"].(map[string]any)["id"].(float64)))
	as := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["gb_session"]+"/assists", b.Token,
		map[string]any{"product_id": p.ID("id"), "price": 3900, "helpers_needed": 1, "time_limit_seconds": 3600})
	fx.more["assist"] = itoa(as.ID("id"))
	c := app.Must(http.StatusCreated, "POST", "/api/v1/assists/"+fx.more["assist"]+"/campaigns", fx.more["gb_viewer_token"], nil)
	fx.more["assist_code"] = c.JSON["code"].(string)
}

// TestGroupBuyAssistViewerCrossTenant: a viewer token reaches only its own session's
// group buys, groups, assists and campaigns; tenant B's are not found for tenant A's
// viewer, and neither are they for a viewer of another session of tenant B.
func TestGroupBuyAssistViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Group A")
	b := app.Signup("Group B")
	fx := fixtures{more: map[string]string{}}
	seedGroupBuyAssist(t, app, b, &fx)

	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	tokA := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"}).JSON["token"].(string)
	sb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B other show"})
	tokB2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sb.ID("id"))+"/viewers", "", map[string]any{"nickname": "B别场"}).JSON["token"].(string)
	gb, group, as, code := fx.more["group_buy"], fx.more["gb_group"], fx.more["assist"], fx.more["assist_code"]
	var scenarios []apptest.Scenario
	for who, tok := range map[string]string{"tenant A's viewer": tokA, "B's viewer of another session": tokB2} {
		scenarios = append(scenarios,
			apptest.Scenario{Name: who + " starts a group of B's", Method: "POST", Path: "/api/v1/group-buys/" + gb + "/groups", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " joins B's group", Method: "POST", Path: "/api/v1/group-buy-groups/" + group + "/join", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's group buy", Method: "GET", Path: "/api/v1/viewer/group-buys/" + gb, Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + "'s group buys lack B's", Method: "GET", Path: "/api/v1/viewer/group-buys", Token: tok, Status: 200, Has: []string{`"items":[]`}},
			apptest.Scenario{Name: who + " starts a campaign on B's assist", Method: "POST", Path: "/api/v1/assists/" + as + "/campaigns", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " helps B's campaign", Method: "POST", Path: "/api/v1/assist-campaigns/" + code + "/help", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " orders B's campaign", Method: "POST", Path: "/api/v1/assist-campaigns/" + code + "/order", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's campaign", Method: "GET", Path: "/api/v1/viewer/assist-campaigns/" + code, Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's assist", Method: "GET", Path: "/api/v1/viewer/assists/" + as, Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + "'s assists lack B's", Method: "GET", Path: "/api/v1/viewer/assists", Token: tok, Status: 200, Has: []string{`"items":[]`}},
		)
	}
	scenarios = append(scenarios,
		apptest.Scenario{Name: "B's group untouched", Method: "GET", Path: "/api/v1/group-buys/" + gb, Token: b.Token, Status: 200,
			Has: []string{`"status":"open"`, `"members":[{"viewer_id":`}, Lacks: []string{"A观众", "B别场"}},
		apptest.Scenario{Name: "B's assist untouched", Method: "GET", Path: "/api/v1/assists/" + as, Token: b.Token, Status: 200,
			Has: []string{`"status":"open"`, `"campaigns":1`, `"unlocked":0`}},
		apptest.Scenario{Name: "B's own viewer sees the campaign", Method: "GET", Path: "/api/v1/viewer/assist-campaigns/" + code,
			Token: fx.more["gb_viewer_token"], Status: 200, Has: []string{`"helpers":[]`, `"status":"collecting"`}},
	)
	app.Run(t, scenarios)
}
