package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestCommunityOverAPI walks a group through the API on both engines: create, members,
// live link, a red envelope grabbed by a member who joined on the page, a 接龙, and the
// refusals a client must handle.
func TestCommunityOverAPI(t *testing.T) {
	t.Parallel()
	bothEngines(t, communityOverAPI)
}

func communityOverAPI(t *testing.T, app *apptest.App) {
	shop := app.Signup("Community Shop")
	kos := crmStaffToken(t, app, shop.Token, "kos")
	agent := crmStaffToken(t, app, shop.Token, "agent")
	c := app.Must(http.StatusCreated, "POST", "/api/v1/communities", shop.Token, map[string]any{"name": "老客福利群", "announcement": "欢迎"})
	id, code := itoa(c.ID("id")), c.JSON["code"].(string)
	cu := app.Must(http.StatusCreated, "POST", "/api/v1/customers", shop.Token, map[string]any{"name": "王小美", "tags": []string{"vip"}})
	sid := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "明晚上新",
		"scheduled_at": time.Now().Add(24 * time.Hour).Format(time.RFC3339)}).ID("id")
	base := "/api/v1/communities/" + id
	app.Run(t, []apptest.Scenario{
		{Name: "no name", Method: "POST", Path: "/api/v1/communities", Token: shop.Token, Body: map[string]any{"name": ""}, Status: 400, Field: "name"},
		{Name: "kos may not create", Method: "POST", Path: "/api/v1/communities", Token: kos, Body: map[string]any{"name": "x"}, Status: 403},
		{Name: "kos reads", Method: "GET", Path: "/api/v1/communities", Token: kos, Status: 200, Has: []string{"老客福利群", `"member_count":0`}},
		{Name: "announcement", Method: "PATCH", Path: base, Token: agent, Body: map[string]any{"announcement": "今晚 8 点开播"}, Status: 200,
			Has: []string{"今晚 8 点开播", `"announcement_updated_at"`}},
		{Name: "add by id", Method: "POST", Path: base + "/members", Token: agent, Body: map[string]any{"customer_ids": []int64{cu.ID("id")}},
			Status: 200, Has: []string{`"added":1`, `"members":1`}},
		{Name: "unknown customer", Method: "POST", Path: base + "/members", Token: agent, Body: map[string]any{"customer_ids": []int64{99999999}},
			Status: 400, Field: "customer_ids"},
		{Name: "bad rule", Method: "POST", Path: base + "/members", Token: agent, Body: map[string]any{"rule": "tag:vip AND"}, Status: 400, Field: "rule"},
		{Name: "members", Method: "GET", Path: base + "/members", Token: kos, Status: 200, Has: []string{"王小美", `"source":"staff"`}},
		{Name: "link live", Method: "PUT", Path: base + "/live", Token: agent, Body: map[string]any{"session_id": sid}, Status: 200,
			Has: []string{`"title":"明晚上新"`, `"status":"scheduled"`, "/preview?entry="}},
		{Name: "agent is no manager", Method: "POST", Path: base + "/envelopes", Token: agent,
			Body: map[string]any{"total": 100, "count": 2, "mode": "fixed"}, Status: 403},
		{Name: "count above total", Method: "POST", Path: base + "/envelopes", Token: shop.Token,
			Body: map[string]any{"total": 1, "count": 2, "mode": "fixed"}, Status: 400, Field: "total"},
		{Name: "public page", Method: "GET", Path: "/api/v1/g/" + code, Status: 200,
			Has: []string{"今晚 8 点开播", `"brand":"Community Shop"`, `"entry_url"`}, Lacks: []string{`"me"`}},
		{Name: "join without a nickname", Method: "POST", Path: "/api/v1/g/" + code + "/join", Body: map[string]any{}, Status: 400, Field: "nickname"},
		{Name: "unknown group", Method: "GET", Path: "/api/v1/g/zzzzzzzz", Status: 404},
	})
	env := app.Must(http.StatusCreated, "POST", base+"/envelopes", shop.Token, map[string]any{"total": 200, "count": 2, "mode": "random", "message": "周末快乐"})
	eid := itoa(env.ID("id"))
	j := app.Must(http.StatusOK, "POST", "/api/v1/g/"+code+"/join", "", map[string]any{"nickname": "小雨妈妈"})
	guest := j.JSON["token"].(string)
	if !strings.HasPrefix(guest, "sg_") || j.JSON["member"] != true {
		t.Fatalf("join: %s", j.Body)
	}
	grab := app.Must(http.StatusOK, "POST", "/api/v1/g/"+code+"/envelopes/"+eid+"/grab", guest, nil)
	amount := grab.ID("amount")
	ch := app.Must(http.StatusCreated, "POST", base+"/chains", shop.Token, map[string]any{"title": "周六品鉴会", "template": "姓名+人数", "max_entries": 10})
	cid := itoa(ch.ID("id"))
	app.Run(t, []apptest.Scenario{
		{Name: "grab twice", Method: "POST", Path: "/api/v1/g/" + code + "/envelopes/" + eid + "/grab", Token: guest, Status: 409, Code: "already_grabbed"},
		{Name: "results", Method: "GET", Path: base + "/envelopes/" + eid, Token: kos, Status: 200,
			Has: []string{`"nickname":"小雨妈妈"`, `"amount":` + itoa(amount), `"grabbed_count":1`, `"remaining":` + itoa(200-amount)}},
		{Name: "sign up", Method: "PUT", Path: "/api/v1/g/" + code + "/chains/" + cid + "/entry", Token: guest,
			Body: map[string]any{"note": "小雨妈妈+2"}, Status: 200, Has: []string{`"seq":1`}},
		{Name: "member's page", Method: "GET", Path: "/api/v1/g/" + code, Token: guest, Status: 200,
			Has: []string{`"member":true`, `"my_amount":` + itoa(amount), "小雨妈妈+2", `"mine":true`}},
		{Name: "close", Method: "POST", Path: base + "/chains/" + cid + "/close", Token: shop.Token, Status: 200, Has: []string{`"status":"closed"`}},
		{Name: "closed chain", Method: "PUT", Path: "/api/v1/g/" + code + "/chains/" + cid + "/entry", Token: guest,
			Body: map[string]any{"note": "改"}, Status: 409, Code: "closed"},
		{Name: "chain lines", Method: "GET", Path: base + "/chains/" + cid, Token: kos, Status: 200, Has: []string{"小雨妈妈+2", `"entry_count":1`}},
		{Name: "no managers", Method: "PUT", Path: base + "/managers", Token: shop.Token,
			Body: map[string]any{"user_ids": []int64{}}, Status: 200, Has: []string{`"items":[]`}},
		{Name: "delete", Method: "DELETE", Path: base, Token: agent, Status: 204},
		{Name: "gone", Method: "GET", Path: "/api/v1/g/" + code, Status: 404},
	})
}
