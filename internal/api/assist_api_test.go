package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestAssistAPI: launching with bad input names the field; a viewer starts one
// campaign (201, then 200 with the same), cannot help it, friends help once each, the
// second help unlocks, the owner orders once at the assist price; a campaign short of
// helpers expires at its deadline.
func TestAssistAPI(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) { assistAPI(t, newGBShop(t, pg)) })
	}
}

func assistAPI(t *testing.T, s gbShop) {
	app, tok := s.app, s.shop.Token
	launch := "/api/v1/sessions/" + s.session + "/assists"
	app.Run(t, []apptest.Scenario{
		{Name: "no helpers", Method: "POST", Path: launch, Token: tok, Status: 400, Code: "invalid", Field: "helpers_needed",
			Body: map[string]any{"product_id": s.product, "price": 3900, "helpers_needed": 0, "time_limit_seconds": 600}},
		{Name: "51 helpers", Method: "POST", Path: launch, Token: tok, Status: 400, Field: "helpers_needed",
			Body: map[string]any{"product_id": s.product, "price": 3900, "helpers_needed": 51, "time_limit_seconds": 600}},
		{Name: "no product", Method: "POST", Path: launch, Token: tok, Status: 400, Field: "product_id",
			Body: map[string]any{"price": 3900, "helpers_needed": 2, "time_limit_seconds": 600}},
		{Name: "an agent may not", Method: "POST", Path: launch, Token: s.staffToken(t, "agent"), Status: 403,
			Body: map[string]any{"product_id": s.product, "price": 3900, "helpers_needed": 2, "time_limit_seconds": 600}},
	})
	as := app.Must(http.StatusCreated, "POST", launch, tok, map[string]any{"product_id": s.product, "price": 3900, "helpers_needed": 2,
		"time_limit_seconds": 600})
	id := itoa(as.ID("id"))
	owner, f1, f2, f3, slow := s.viewer(t, "发起人"), s.viewer(t, "好友一"), s.viewer(t, "好友二"), s.viewer(t, "好友三"), s.viewer(t, "慢")
	c := app.Must(http.StatusCreated, "POST", "/api/v1/assists/"+id+"/campaigns", owner, nil)
	code := c.JSON["code"].(string)
	if !strings.HasSuffix(c.JSON["share_path"].(string), "?assist="+code) || c.JSON["status"] != "collecting" {
		t.Fatalf("campaign: %s", c.Body)
	}
	help := "/api/v1/assist-campaigns/" + code + "/help"
	app.Run(t, []apptest.Scenario{
		{Name: "start again", Method: "POST", Path: "/api/v1/assists/" + id + "/campaigns", Token: owner, Status: 200, Has: []string{`"code":"` + code + `"`}},
		{Name: "own campaign", Method: "POST", Path: help, Token: owner, Status: 409, Code: "own_campaign"},
		{Name: "order too early", Method: "POST", Path: "/api/v1/assist-campaigns/" + code + "/order", Token: owner, Status: 409, Code: "not_unlocked"},
		{Name: "friend opens the link", Method: "GET", Path: "/api/v1/viewer/assist-campaigns/" + code, Token: f1, Status: 200,
			Has: []string{`"owner_nickname":"发起人"`, `"helped_by_me":false`, `"price":3900`}},
		{Name: "first help", Method: "POST", Path: help, Token: f1, Status: 200, Has: []string{`"helpers":["好友一"]`, `"status":"collecting"`}},
		{Name: "double help", Method: "POST", Path: help, Token: f1, Status: 409, Code: "already_helped"},
		{Name: "unlocking help", Method: "POST", Path: help, Token: f2, Status: 200, Has: []string{`"status":"unlocked"`}},
		{Name: "help after unlock", Method: "POST", Path: help, Token: f3, Status: 409, Code: "campaign_closed"},
		{Name: "a friend orders", Method: "POST", Path: "/api/v1/assist-campaigns/" + code + "/order", Token: f1, Status: 403},
		{Name: "unknown code", Method: "POST", Path: "/api/v1/assist-campaigns/nosuchcode/help", Token: f3, Status: 404},
	})
	o := app.Must(http.StatusCreated, "POST", "/api/v1/assist-campaigns/"+code+"/order", owner, nil)
	oid := itoa(gbOrderOf(o))
	app.Run(t, []apptest.Scenario{
		{Name: "order at the assist price", Method: "GET", Path: "/api/v1/viewer/orders/" + oid, Token: owner, Status: 200,
			Has: []string{`"source":"assist"`, `"total":3900`}},
		{Name: "order twice", Method: "POST", Path: "/api/v1/assist-campaigns/" + code + "/order", Token: owner, Status: 409, Code: "already_ordered"},
		{Name: "my campaign", Method: "GET", Path: "/api/v1/viewer/assists/" + id, Token: owner, Status: 200,
			Has: []string{`"my_campaign":{`, `"status":"ordered"`, `"order_id":` + oid}},
		{Name: "friend sees no campaign of theirs", Method: "GET", Path: "/api/v1/viewer/assists/" + id, Token: f1, Status: 200,
			Has: []string{`"my_campaign":null`, `"campaigns":1`, `"unlocked":1`}},
		{Name: "listed for viewers", Method: "GET", Path: "/api/v1/viewer/assists", Token: f1, Status: 200, Has: []string{`"id":` + id}},
	})

	// A campaign short of helpers expires at its deadline.
	sc := app.Must(http.StatusCreated, "POST", "/api/v1/assists/"+id+"/campaigns", slow, nil)
	slowCode := sc.JSON["code"].(string)
	app.Must(http.StatusOK, "POST", "/api/v1/assist-campaigns/"+slowCode+"/help", f1, nil)
	s.clock.Add(11 * time.Minute)
	gbEventually(t, "the campaign's expiry", func() bool {
		r := app.Must(http.StatusOK, "GET", "/api/v1/viewer/assist-campaigns/"+slowCode, slow, nil)
		return r.JSON["status"] == "expired"
	})
	app.Run(t, []apptest.Scenario{
		{Name: "help after expiry", Method: "POST", Path: "/api/v1/assist-campaigns/" + slowCode + "/help", Token: f2, Status: 409, Code: "campaign_closed"},
		{Name: "order after expiry", Method: "POST", Path: "/api/v1/assist-campaigns/" + slowCode + "/order", Token: slow, Status: 409, Code: "not_unlocked"},
		{Name: "staff read", Method: "GET", Path: "/api/v1/assists/" + id, Token: tok, Status: 200, Has: []string{`"campaigns":2`, `"unlocked":1`}},
		{Name: "close", Method: "POST", Path: "/api/v1/assists/" + id + "/close", Token: tok, Status: 200, Has: []string{`"status":"closed"`}},
		{Name: "start on a closed offer", Method: "POST", Path: "/api/v1/assists/" + id + "/campaigns", Token: f3, Status: 409, Code: "assist_closed"},
		{Name: "staff list", Method: "GET", Path: launch, Token: tok, Status: 200, Has: []string{`"id":` + id, `"status":"closed"`}},
	})
}
