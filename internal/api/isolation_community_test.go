package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The community routes in the cross-tenant test: tenant A's staff token on tenant B's
// community answers 404 for every route with an id (bodies are valid, so the 404 is
// the tenant check), and B's communities never show in A's list. The members' routes
// take a guest token of one brand: TestCommunityGuestCrossTenant shows A's guest finds
// nothing of B's but the public page itself.
func init() {
	byID := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/communities/" + b.more["community"] + suffix }
	}
	const guestCase = "guest token: tenant A's guest gets 404 on B's envelopes and chains, and no member view (TestCommunityGuestCrossTenant)"
	addIsolation(map[string]isolationCase{
		"GET /api/v1/communities":                               {list: true},
		"POST /api/v1/communities":                              {public: "creates in the caller's tenant"},
		"GET /api/v1/communities/{id}":                          {path: byID("")},
		"PATCH /api/v1/communities/{id}":                        {path: byID(""), body: map[string]any{"announcement": "hijack"}},
		"DELETE /api/v1/communities/{id}":                       {path: byID("")},
		"GET /api/v1/communities/{id}/members":                  {path: byID("/members")},
		"POST /api/v1/communities/{id}/members":                 {path: byID("/members"), body: map[string]any{"customer_ids": []int64{1}}},
		"DELETE /api/v1/communities/{id}/members/{customer_id}": {path: func(b fixtures) string { return byID("/members/" + b.more["community_customer"])(b) }},
		"PUT /api/v1/communities/{id}/managers":                 {path: byID("/managers"), body: map[string]any{"user_ids": []int64{}}},
		"PUT /api/v1/communities/{id}/live":                     {path: byID("/live"), body: map[string]any{"session_id": 1}},
		"DELETE /api/v1/communities/{id}/live":                  {path: byID("/live")},
		"GET /api/v1/communities/{id}/envelopes":                {path: byID("/envelopes")},
		"POST /api/v1/communities/{id}/envelopes":               {path: byID("/envelopes"), body: map[string]any{"total": 100, "count": 2, "mode": "fixed"}},
		"GET /api/v1/communities/{id}/envelopes/{envelope_id}":  {path: func(b fixtures) string { return byID("/envelopes/" + b.more["community_envelope"])(b) }},
		"GET /api/v1/communities/{id}/chains":                   {path: byID("/chains")},
		"POST /api/v1/communities/{id}/chains":                  {path: byID("/chains"), body: map[string]any{"title": "hijack"}},
		"GET /api/v1/communities/{id}/chains/{chain_id}":        {path: func(b fixtures) string { return byID("/chains/" + b.more["community_chain"])(b) }},
		"POST /api/v1/communities/{id}/chains/{chain_id}/close": {path: func(b fixtures) string { return byID("/chains/" + b.more["community_chain"] + "/close")(b) }},
		"GET /api/v1/g/{code}":                                  {public: "the group's public face (name, announcement, live) is for anyone with its code; member data needs the brand's guest token (TestCommunityGuestCrossTenant)"},
		"POST /api/v1/g/{code}/join":                            {public: "makes the caller a guest and member of that brand only (TestCommunityGuestCrossTenant)"},
		"POST /api/v1/g/{code}/envelopes/{id}/grab":             {public: guestCase},
		"PUT /api/v1/g/{code}/chains/{id}/entry":                {public: guestCase},
	}, seedCommunity)
}

// seedCommunity creates tenant B's community (marker in its name and announcement)
// with a member customer, a linked live, an envelope, a chain with a line, and a
// guest of B who joined.
func seedCommunity(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	c := app.Must(http.StatusCreated, "POST", "/api/v1/communities", b.Token, map[string]any{"name": "B群 隔离标记", "announcement": "公告 隔离标记"})
	id := itoa(c.ID("id"))
	fx.more["community"] = id
	fx.more["community_code"] = c.JSON["code"].(string)
	cu := app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B群友 隔离标记"})
	fx.more["community_customer"] = itoa(cu.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/communities/"+id+"/members", b.Token, map[string]any{"customer_ids": []int64{cu.ID("id")}})
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B直播 隔离标记",
		"scheduled_at": time.Now().Add(24 * time.Hour).Format(time.RFC3339)})
	app.Must(http.StatusOK, "PUT", "/api/v1/communities/"+id+"/live", b.Token, map[string]any{"session_id": s.ID("id")})
	e := app.Must(http.StatusCreated, "POST", "/api/v1/communities/"+id+"/envelopes", b.Token, map[string]any{"total": 500, "count": 5, "mode": "random"})
	fx.more["community_envelope"] = itoa(e.ID("id"))
	ch := app.Must(http.StatusCreated, "POST", "/api/v1/communities/"+id+"/chains", b.Token, map[string]any{"title": "B接龙 隔离标记"})
	fx.more["community_chain"] = itoa(ch.ID("id"))
	j := app.Must(http.StatusOK, "POST", "/api/v1/g/"+fx.more["community_code"]+"/join", "", map[string]any{"nickname": "B群友"})
	fx.more["community_guest"] = j.JSON["token"].(string)
	app.Must(http.StatusOK, "PUT", "/api/v1/g/"+fx.more["community_code"]+"/chains/"+fx.more["community_chain"]+"/entry",
		fx.more["community_guest"], map[string]any{"note": "B群友+1 隔离标记"})
}

// TestCommunityGuestCrossTenant: a guest token is one brand's. Tenant A's guest on B's
// page sees only the public face (no envelopes, chain lines or "me"), gets 404 on B's
// envelope and chain, and joining B's group with it makes a new guest of B; B's guest
// on A's objects is not found either. A staff token is not a guest token.
func TestCommunityGuestCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Community A")
	b := app.Signup("Community B")
	fx := fixtures{more: map[string]string{}}
	seedCommunity(t, app, b, &fx)
	ca := app.Must(http.StatusCreated, "POST", "/api/v1/communities", a.Token, map[string]any{"name": "A群"})
	ja := app.Must(http.StatusOK, "POST", "/api/v1/g/"+ca.JSON["code"].(string)+"/join", "", map[string]any{"nickname": "A群友"})
	guestA := ja.JSON["token"].(string)
	code := fx.more["community_code"]
	app.Run(t, []apptest.Scenario{
		{Name: "A's guest on B's page", Method: "GET", Path: "/api/v1/g/" + code, Token: guestA, Status: 200,
			Has: []string{"公告 隔离标记", `"envelopes":[]`, `"chains":[]`, `"open_envelopes":1`}, Lacks: []string{`"me"`, "B群友+1"}},
		{Name: "B's guest on B's page", Method: "GET", Path: "/api/v1/g/" + code, Token: fx.more["community_guest"], Status: 200,
			Has: []string{`"member":true`, "B群友+1 隔离标记", `"mine":true`}},
		{Name: "A's guest grabs B's envelope", Method: "POST", Path: "/api/v1/g/" + code + "/envelopes/" + fx.more["community_envelope"] + "/grab",
			Token: guestA, Status: 404, Code: "not_found"},
		{Name: "A's guest signs B's chain", Method: "PUT", Path: "/api/v1/g/" + code + "/chains/" + fx.more["community_chain"] + "/entry",
			Token: guestA, Body: map[string]any{"note": "hijack"}, Status: 404, Code: "not_found"},
		{Name: "B's guest on A's group through B's envelope id", Method: "POST",
			Path:  "/api/v1/g/" + ca.JSON["code"].(string) + "/envelopes/" + fx.more["community_envelope"] + "/grab",
			Token: fx.more["community_guest"], Status: 404, Code: "not_found"},
		{Name: "a staff token is no guest token", Method: "POST", Path: "/api/v1/g/" + code + "/envelopes/" + fx.more["community_envelope"] + "/grab",
			Token: b.Token, Status: 401, Code: "unauthorized"},
		{Name: "no token", Method: "PUT", Path: "/api/v1/g/" + code + "/chains/" + fx.more["community_chain"] + "/entry",
			Body: map[string]any{"note": "x"}, Status: 401, Code: "unauthorized"},
	})
	j := app.Must(http.StatusOK, "POST", "/api/v1/g/"+code+"/join", guestA, map[string]any{"nickname": "跨品牌"})
	if tok, _ := j.JSON["token"].(string); tok == "" || tok == guestA {
		t.Fatalf("joining B's group with A's guest token: %s", j.Body)
	}
	r := app.Must(http.StatusOK, "GET", "/api/v1/communities/"+itoa(ca.ID("id"))+"/members", a.Token, nil)
	if len(r.JSON["items"].([]any)) != 1 {
		t.Fatalf("A's group gained members from B: %s", r.Body)
	}
}
